"""Numbers read as values: digits, words, scales, currencies, ordinals and ranges."""

from __future__ import annotations

import pytest

from summarize.quantities import Quantity, quantities, supports


def values(text: str) -> list[tuple[str, float]]:
    return [(q.text, q.value) for q in quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("three hundred and forty-two", [("three hundred and forty-two", 342.0)]),
        ("Twenty-five thousand people", [("Twenty-five thousand", 25000.0)]),
        ("two three-year terms", [("two", 2.0), ("three", 3.0)]),  # two numbers, not 23
        ("1.5 million and two dozen", [("1.5 million", 1.5e6), ("two", 2.0)]),  # "million" read once
        ("the fourth time", [("fourth", 4.0)]),
        ("on the 4th of July", [("4th", 4.0)]),
        ("in 2015-16", [("2015-16", 2015.0), ("2015-16", 2016.0)]),
        ("won 142-4", [("142", 142.0), ("4", 4.0)]),
        ("1,500,000 shares", [("1,500,000", 1.5e6)]),
    ],
)
def test_values(text: str, expected: list[tuple[str, float]]) -> None:
    assert values(text) == expected


def test_currencies_and_scales() -> None:
    found = quantities("HK$6m (£460,000) and 3,500 rand ($242); US$1.13bn")
    assert [(q.currency, q.value) for q in found] == [
        ("HKD", 6e6),
        ("GBP", 460000.0),
        ("ZAR", 3500.0),
        ("USD", 242.0),
        ("USD", 1.13e9),
    ]
    assert found[-1].unit == pytest.approx(1e7)  # written to the hundredth of a billion


def test_ambiguous_abbreviations_have_two_readings() -> None:
    (race,) = quantities("the 100m final")
    assert race.readings() == ((1e8, 1e6), (100.0, 1.0))  # 100 million, or 100 metres
    (money,) = quantities("a £100m deal")
    assert money.readings() == ((1e8, 1e6),)  # money makes it millions


def test_supports_rounding_and_currency() -> None:
    def one(text: str) -> Quantity:
        (q,) = quantities(text)
        return q

    assert supports(one("$1.13bn"), one("$1.1bn"))
    assert supports(one("$1.13bn"), one("1.13 billion dollars"))
    assert not supports(one("1,130"), one("1,100"))
    assert not supports(one("£61bn"), one("$61bn"))
    assert supports(one("61bn"), one("£61bn"))  # the source names no currency

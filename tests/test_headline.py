from __future__ import annotations

import pytest

from summarize.headline import candidates, clean_headline, compress


@pytest.mark.parametrize(
    ("sentence", "must_not_contain"),
    [
        (
            "KIEV (Reuters) - Ukraine has unveiled a new defence plan for its eastern border, officials said.",
            ["KIEV", "Reuters", "officials said"],
        ),
        (
            "On Tuesday, the central bank raised interest rates to 5% (the highest in years).",
            ["On Tuesday", "highest in years"],
        ),
        ("After months of talks, the two firms agreed a merger worth $2bn.", ["After months"]),
        (
            "Parmalat, the Italian food group at the centre of a scandal, has reported a doubling in profit.",
            ["Italian food group"],
        ),
    ],
)
def test_compress_drops_clutter(sentence: str, must_not_contain: list[str]) -> None:
    headline = compress(sentence, 12)
    for fragment in must_not_contain:
        assert fragment not in headline
    assert not headline.endswith(".")
    assert 3 <= len(headline.split()) <= 12


def test_compress_cuts_at_a_phrase_boundary_never_mid_word() -> None:
    sentence = (
        "European Union finance ministers are meeting in Brussels to discuss a controversial jet fuel tax on airlines"
    )
    headline = compress(sentence, 8)
    assert len(headline.split()) <= 8
    assert all(word in sentence for word in headline.split())
    assert headline.split()[-1].lower() not in {"the", "a", "of", "to", "in", "and"}


def test_compress_uses_topical_weights() -> None:
    sentence = "Shares in drinks firm Allied Domecq have risen on speculation of a takeover by Pernod Ricard"
    weighted = compress(sentence, 12, {"takeover": 5.0, "pernod": 5.0, "ricard": 5.0, "domecq": 3.0})
    # The densest candidate: the descriptor "drinks firm" adds words but no weight.
    assert weighted in candidates(sentence, 12)
    assert weighted == "Shares in Allied Domecq have risen on speculation of takeover"


def test_clean_headline() -> None:
    assert clean_headline("  Profits rise at the bank.\n", 12) == "Profits rise at the bank"
    assert clean_headline("a b c d e f g h i j k l m n o", 5).split() == ["A", "b", "c", "d", "e"]
    assert clean_headline("", 12) == ""

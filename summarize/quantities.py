"""Numbers in text, as values: "two" = "2", "1.5m" = "1.5 million" = "1,500,000".

Spelled-out numbers are read by text2num (`text_to_num`, MIT, about 0.4 MB,
no dependencies): it parses English cardinals such as "twenty-five thousand"
or "three hundred and forty-two" into integers. Digits, scale words and
abbreviations ("bn", "m", "k"), ordinals and currencies are read here.

A quantity remembers how precisely it was written, so that "$1.1bn" is
supported by "$1.13bn" (the same figure, rounded) while "1,100" is not
supported by "1,130".
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from text_to_num import text2num

__all__ = ["Quantity", "quantities", "supports"]

_CURRENCY_SYMBOLS: dict[str, str] = {
    "£": "GBP",
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "¥": "JPY",
    "₹": "INR",
    "Rs": "INR",
    "Rs.": "INR",
    "HK$": "HKD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "NZ$": "NZD",
    "S$": "SGD",
    "R$": "BRL",
}
_CURRENCY_WORDS: dict[str, str] = {
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "yen": "JPY",
    "yuan": "CNY",
    "rupee": "INR",
    "rupees": "INR",
    "rand": "ZAR",
    "pence": "GBp",
    "p": "GBp",
}
_SCALES: dict[str, float] = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "trn": 1e12,
}
_CARDINALS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million billion trillion"
).split()
_ORDINALS: dict[str, int] = {
    word: number
    for number, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
        "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(),
        start=1,
    )
}

_SYMBOL = "|".join(re.escape(s) for s in sorted(_CURRENCY_SYMBOLS, key=len, reverse=True))
# Each pattern opens with a cheap look at one character: most positions of
# a text start no number, and this rejects them before the alternations run.
_NUMERAL = re.compile(
    r"(?=[£$€¥₹\dUHRACNS])"
    rf"(?P<cur>{_SYMBOL})?\s?"
    r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])"
    r"(?:\s?(?P<abbr>bn|mn|tn|trn|m|k)\b|\s?(?P<scale>thousand|million|billion|trillion)\b)?"
    r"(?P<ord>st|nd|rd|th)?"
    r"(?:\s?(?P<word>pounds?|sterling|dollars?|euros?|yen|yuan|rupees?|rand|pence|p)\b)?"
    r"(?:-(?P<range>\d{2})\b)?",
)
_WORD = "|".join(_CARDINALS)
_WORD_RUN = re.compile(
    rf"\b(?=[{''.join(sorted({w[0] for w in _CARDINALS}))}])(?:{_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_WORD}))*\b"
    r"(?:\s(?P<word>pounds?|dollars?|euros?)\b)?",
)
_ORDINAL_WORD = re.compile(rf"\b(?=[{''.join(sorted({w[0] for w in _ORDINALS}))}])(?:" + "|".join(_ORDINALS) + r")\b")


@dataclass(frozen=True)
class Quantity:
    """One number as written.

    Attributes:
      text: the number as it appears.
      value: its value (scale words applied; pence stay pence).
      unit: the place value of its last written digit: "1.5m" has 100,000.
      currency: an ISO-like code when a symbol or word gives one.
      spelled: True when written in words ("two").
      also: another reading, (value, unit), where the text has two: "50m" is
        50 million or 50 metres.
    """

    text: str
    value: float
    unit: float
    currency: str | None = None
    spelled: bool = False
    also: tuple[float, float] | None = None
    start: int = 0

    def readings(self) -> tuple[tuple[float, float], ...]:
        """Each (value, unit) the text may mean."""
        return ((self.value, self.unit),) if self.also is None else ((self.value, self.unit), self.also)


def _numeral(match: re.Match[str]) -> list[Quantity]:
    digits = match.group("num").replace(",", "")
    scale_word = match.group("abbr") or match.group("scale")
    scale = _SCALES[scale_word.lower()] if scale_word else 1.0
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    symbol = match.group("cur")
    word = match.group("word")
    currency = _CURRENCY_SYMBOLS.get(symbol.strip()) if symbol else None
    if currency is None and word:
        currency = _CURRENCY_WORDS[word.lower()]
    value = float(digits) * scale
    text = match.group().strip()
    unit = 10.0**-decimals
    # "50m" is also 50 metres, and "5k" a run, unless money makes them amounts.
    also = (float(digits), unit) if scale_word in ("m", "k") and not currency else None
    found = [Quantity(text, value, unit * scale, currency, also=also)]
    tail = match.group("range")
    if tail and decimals == 0 and len(digits) == 4:
        # "2015-16": the second year of a season or financial year.
        found.append(Quantity(text, float(digits[:2] + tail), 1.0))
    elif tail:
        found.append(Quantity(text, float(tail), 1.0))
    return found


def _parse_words(words: list[str]) -> tuple[int, float] | None:
    """The longest leading run of `words` that is one number: (length, value)."""
    for end in range(len(words), 0, -1):
        if words[end - 1] == "and":
            continue
        try:
            return end, float(text2num(" ".join(words[:end]), "en"))
        except ValueError:
            continue
    return None


def _spelled(match: re.Match[str], text: str) -> list[Quantity]:
    run = text[match.start() : match.end()]
    word = match.group("word")
    if word:
        run = run[: -len(word)].rstrip()
    currency = _CURRENCY_WORDS[word.lower()] if word else None
    words = run.lower().replace("-", " ").split()
    whole = len(words)
    found: list[Quantity] = []
    # "two three-year terms" is two numbers: read the longest number first.
    while words:
        parsed = _parse_words(words)
        if parsed is None:
            words = words[1:]
            continue
        length, value = parsed
        last = words[length - 1]
        unit = _SCALES.get(last, 100.0 if last == "hundred" else 1.0)
        text = run if length == whole else " ".join(words[:length])
        found.append(Quantity(text, value, unit, currency, spelled=True))
        words = words[length:]
        if words and words[0] == "and":
            words = words[1:]
    return found


def quantities(text: str) -> list[Quantity]:
    """Every number in `text`, in digits, in words or as an ordinal.

    Args:
      text: normalised text (quotes and dashes as `summarize.prepare` leaves them).

    Returns:
      The quantities in order of appearance; a year range such as "2015-16"
      gives two.
    """
    found: list[tuple[int, Quantity]] = []
    lower = text.lower()
    if len(lower) != len(text):  # a rare letter whose lower case is longer
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    pieces: list[str] = []
    end = 0
    for match in _NUMERAL.finditer(text):
        found.extend((match.start(), q) for q in _numeral(match))
        pieces += [lower[end : match.start()], "#" * (match.end() - match.start())]
        end = match.end()
    # Words already read with a numeral ("1.5 million") are not read again.
    masked = "".join(pieces) + lower[end:]
    for match in _WORD_RUN.finditer(masked):
        found.extend((match.start(), q) for q in _spelled(match, text))
    for match in _ORDINAL_WORD.finditer(lower):
        written = text[match.start() : match.end()]
        found.append((match.start(), Quantity(written, float(_ORDINALS[match.group()]), 1.0, None, True)))
    found.sort(key=lambda pair: pair[0])
    return [dataclasses.replace(q, start=start) for start, q in found]


def supports(source: Quantity, claim: Quantity) -> bool:
    """Whether `source` states the number that `claim` gives.

    The values agree to the precision the claim was written with ("1.1bn"
    agrees with 1.13bn), and where both name a currency it is the same one:
    "£61bn" is not "$61bn".
    """
    if claim.currency and source.currency and claim.currency != source.currency:
        return False
    return any(
        abs(value - claimed) <= unit / 2 * (1 + 1e-9)
        for value, _ in source.readings()
        for claimed, unit in claim.readings()
    )

"""The faithfulness check: facts in a summary that the source does not support.

A generated summary can invent a number, a name or a quotation. This check
finds each number, capitalised word and quoted phrase of the output that does
not appear in the source (after normalising case, quotes and thousands
separators). It is cheap and conservative: it flags invention, not paraphrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarize.prepare import normalize, words
from summarize.schema import Prepared

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTED = re.compile(r'"([^"]{3,200})"')


def _number_key(token: str) -> str:
    return token.replace(",", "").rstrip(".")


@dataclass(frozen=True)
class _SourceIndex:
    lower: str
    words: frozenset[str]
    numbers: frozenset[str]


def _index(source: Prepared) -> _SourceIndex:
    """What the source supports, built once per document and kept on it."""
    index = source.cache.get("faithfulness")
    if index is None:
        index = _SourceIndex(
            " ".join(source.text.lower().split()),
            frozenset(w.lower() for w in source.words),
            frozenset(_number_key(n) for n in _NUMBER.findall(source.text)),
        )
        source.cache["faithfulness"] = index
    return index


def unsupported(output: str, source: Prepared) -> list[str]:
    """Lists the numbers, names and quotations in `output` absent from `source`.

    Args:
      output: a generated headline or paragraph.
      source: the prepared article it summarises.

    Returns:
      The unsupported items, in order of appearance, without repeats.
    """
    out_text = normalize(output)
    index = _index(source)
    found: list[str] = []

    def flag(item: str) -> None:
        if item not in found:
            found.append(item)

    for number in _NUMBER.findall(out_text):
        if _number_key(number) not in index.numbers:
            flag(number)
    for word in words(out_text):
        if word[:1].isupper() and not word[:1].isdigit() and word.lower() not in index.words:
            flag(word)
    for phrase in _QUOTED.findall(out_text):
        if " ".join(phrase.lower().split()) not in index.lower:
            flag(f'"{phrase}"')
    return found

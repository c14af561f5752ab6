"""Invariance of our output under how a text is laid out (issue #9).

The same article hard-wrapped at 60, 72 or 100 columns, with CRLF line ends,
or both, must give the same headline and paragraph as the original. Wrapping
is per paragraph: each line of the original is a paragraph, and the wrapped
paragraphs are separated by a blank line, as in plain-text mail.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from summarize.evaluate import Example


def wrap(text: str, width: int) -> str:
    """Hard-wraps each paragraph (line) of `text` at `width` columns, words whole."""
    paragraphs = [line for line in text.splitlines() if line.strip()]
    return "\n\n".join(textwrap.fill(p, width, break_long_words=False, break_on_hyphens=False) for p in paragraphs)


def crlf(text: str) -> str:
    """The text with Windows line ends."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


VARIANTS: dict[str, Callable[[str], str]] = {
    "wrapped at 60": lambda text: wrap(text, 60),
    "wrapped at 72": lambda text: wrap(text, 72),
    "wrapped at 100": lambda text: wrap(text, 100),
    "CRLF": crlf,
    "wrapped at 72, CRLF": lambda text: crlf(wrap(text, 72)),
}


def invariance_rows(sets: dict[str, list[Example]]) -> list[dict[str, Any]]:
    """The share of articles whose TextRank output is unchanged by each variant, per set.

    Returns:
      One row per set and variant: dataset, variant, rows, and the rates (0..1)
      of the same headline, the same paragraph, and both.
    """
    from summarize.summarizer import Summarizer

    summarizer = Summarizer(method="textrank")

    def outputs(texts: list[str]) -> list[tuple[str, str]]:
        return [(s.headline, s.paragraph) for s in summarizer.summarize_many(texts)]

    rows = []
    for name, examples in sets.items():
        articles = [e.article for e in examples]
        original = outputs(articles)
        for variant, transform in VARIANTS.items():
            changed = outputs([transform(a) for a in articles])
            pairs = list(zip(original, changed, strict=True))
            rows.append(
                {
                    "dataset": name,
                    "variant": variant,
                    "rows": len(pairs),
                    "headline": sum(a[0] == b[0] for a, b in pairs) / len(pairs),
                    "paragraph": sum(a[1] == b[1] for a, b in pairs) / len(pairs),
                    "both": sum(a == b for a, b in pairs) / len(pairs),
                }
            )
    return rows

"""Invariance of our output under how a text is laid out (issue #9).

The same article hard-wrapped at 60, 72 or 100 columns, with CRLF line ends,
or both, must give the same headline and paragraph as the original. Each line
of the article is filled on its own (`textwrap.fill`), as a plain-text tool
would: a line of these articles is a paragraph or a list item.
"""

from __future__ import annotations

from typing import Any

from summarize.evaluate import Example
from summarize.invariance import variants  # the same wrapped and CRLF forms the tests check

VARIANTS = [name for name, _ in variants("")]


def invariance_rows(sets: dict[str, list[Example]], workers: int = 1) -> list[dict[str, Any]]:
    """The share of articles whose TextRank output is unchanged by each variant, per set.

    Args:
      sets: {set name: examples}.
      workers: TextRank processes (the output is the same for any number).

    Returns:
      One row per set and variant: dataset, variant, rows, and the rates (0..1)
      of the same headline, the same paragraph, and both.
    """
    from summarize.summarizer import Summarizer

    summarizer = Summarizer(method="textrank", workers=workers, batch_size=256)

    def outputs(texts: list[str]) -> list[tuple[str, str]]:
        return [(s.headline, s.paragraph) for s in summarizer.summarize_many(texts)]

    rows = []
    for name, examples in sets.items():
        articles = [e.article for e in examples]
        original = outputs(articles)
        forms = [dict(variants(a)) for a in articles]
        for variant in VARIANTS:
            changed = outputs([f[variant] for f in forms])
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

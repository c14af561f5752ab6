"""Defect rates (issue #10): what an editor would not print as it stands, by kind.

The checker is `summarize.defects`; `summarize eval` reports the same rates.
Here they are measured on our output for each set (both parts, by kind) and,
for the quality table, on the scored part of every system, anchors included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from summarize.evaluate import Example


def part_defect_rate(part: str, outputs: Sequence[str], articles: Sequence[str], headline_words: int) -> float:
    """The share of outputs with any defect.

    Args:
      part: "headline" or "paragraph": which rules apply.
      outputs: one output per article.
      articles: the sources (headline rules compare with them).
      headline_words: the headline length the outputs were made under.
    """
    from summarize.defects import Source, headline_defects, paragraph_defects

    if part == "headline":
        found = [headline_defects(o, Source.of(a), headline_words) for o, a in zip(outputs, articles, strict=True)]
    else:
        found = [paragraph_defects(o) for o in outputs]
    return sum(bool(f) for f in found) / max(1, len(found))


def defect_rows(sets: dict[str, list[Example]], workers: int = 1) -> list[dict[str, Any]]:
    """Our TextRank headline and paragraph defect rates per set, by kind.

    Args:
      sets: {set name: examples}.
      workers: TextRank processes (the output is the same for any number).

    Returns:
      One row per set and part: dataset, part, system, rows, rate (any
      defect, 0..1) and by_kind {kind: rate}.
    """
    from summarize.evaluate import defect_rates, defects_per_doc
    from summarize.schema import CallSettings
    from summarize.summarizer import Summarizer

    summarizer = Summarizer(method="textrank", workers=workers, batch_size=256)
    words = CallSettings().headline_words
    rows = []
    for name, examples in sets.items():
        articles = [e.article for e in examples]
        summaries = list(summarizer.summarize_many(articles))
        per_doc = defects_per_doc([s.headline for s in summaries], [s.paragraph for s in summaries], articles, words)
        for part, by_kind in defect_rates(per_doc).items():
            rate = by_kind.pop("any")
            rows.append(
                {
                    "dataset": name,
                    "part": part,
                    "system": "summarize textrank",
                    "rows": len(examples),
                    "rate": rate,
                    "by_kind": by_kind,
                }
            )
    return rows

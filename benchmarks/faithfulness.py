"""The faithfulness guard measured both ways (issue #11).

False positives: the guard run on summaries people wrote, which are faithful
by construction (CNN/DailyMail and XSum references, BBC titles); each one it
flags is a false alarm. Recall on injected errors comes with the corruption
generator.
"""

from __future__ import annotations

from typing import Any

from benchmarks.workload import EVAL_SETS
from summarize.evaluate import Example


def false_positive_rows(sets: dict[str, list[Example]]) -> list[dict[str, Any]]:
    """The share of human references (or titles) the guard flags, per set.

    Returns:
      One row per set: dataset, field, rows, flagged (rate 0..1), and up to
      three examples of what it flagged.
    """
    from summarize.faithfulness import unsupported
    from summarize.prepare import prepare
    from summarize.schema import Document

    rows = []
    for spec in EVAL_SETS:
        examples = sets.get(spec.name)
        if not examples:
            continue
        flags = [unsupported(e.reference, prepare(Document(e.id, e.article))) for e in examples]
        flagged = [items for items in flags if items]
        rows.append(
            {
                "dataset": spec.name,
                "field": spec.reference_field,
                "rows": len(examples),
                "flagged": len(flagged) / len(examples),
                "examples": [", ".join(items[:3]) for items in flagged[:3]],
            }
        )
    return rows

"""The faithfulness guard measured both ways (issue #11), by `summarize eval --task faithfulness`.

False positives: the share of summaries people wrote (faithful by intent) that
the guard fires on (a conflict), with the share it lists anything for
(unsourced additions included, which it only notes) beside it. Recall: the
share of injected errors (a number, a name or a quotation changed in a
sentence of the article) that it catches as a conflict.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.workload import EVAL_SETS


def faithfulness_results(eval_dir: Path, names: list[str], limit: int | None) -> dict[str, Any]:
    """False-positive and recall rows for each named set found in `eval_dir`.

    Args:
      eval_dir: the folder of JSONL evaluation sets.
      names: the sets to measure (those loaded for this run).
      limit: at most this many rows of each set; None: all.

    Returns:
      {"false_positives": [{dataset, field, rows, flagged, ci95, unsupported}],
      "recall": [{dataset, kind, rows, recall}], "command"}.
    """
    from summarize.evaluate import faithfulness_rates

    false_positives, recall = [], []
    for spec in EVAL_SETS:
        if spec.name not in names:
            continue
        result = faithfulness_rates(eval_dir / spec.filename, spec.reference_field, limit)
        false_positives.append(
            {
                "dataset": spec.name,
                "field": spec.reference_field,
                "rows": result["rows"],
                "flagged": result["false_positive"]["rate"],
                "ci95": result["false_positive"]["ci95"],
                "unsupported": result["unsupported"]["rate"],
            }
        )
        recall += [
            {
                "dataset": spec.name,
                "kind": kind,
                "rows": counts["total"],
                "recall": counts["rate"] if counts["total"] else None,  # None: no error of this kind injected
            }
            for kind, counts in result["recall"].items()
        ]
    return {
        "false_positives": false_positives,
        "recall": recall,
        "command": "summarize eval ../shared/eval/DATA.jsonl --task faithfulness (seed 0)",
    }

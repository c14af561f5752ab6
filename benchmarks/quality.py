"""Quality rows of `make bench`: ROUGE and the defect rate of ours and the extractive anchors on each set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import anchors
from benchmarks.defects import part_defect_rate
from benchmarks.workload import EVAL_DIR, EVAL_SETS
from summarize.evaluate import SCORER_SETTINGS, Example, aggregate, dataset_sha256, rouge_per_doc

Factory = Callable[[], anchors.System]
# The headline length of ours (the default) and of the naive anchor.
HEADLINE_WORDS = 12


def ours(task: str) -> anchors.System:
    """Our TextRank engine through the public API, returning the output the task scores."""
    from summarize.summarizer import Summarizer

    summarizer = Summarizer(method="textrank")
    return lambda text: str(getattr(summarizer.summarize(text), task))


def quality_systems(task: str) -> dict[str, Factory]:
    """Factories of the systems scored on a task ("paragraph" or "headline"), ours first."""
    if task == "headline":
        return {
            "summarize textrank": lambda: ours("headline"),
            f"first sentence, {HEADLINE_WORDS} words": lambda: anchors.first_words(HEADLINE_WORDS),
        }
    return {
        "summarize textrank": lambda: ours("paragraph"),
        "Lead-3": lambda: anchors.lead(3),
        "summa TextRank (60 words)": lambda: anchors.summa_textrank(60),
        "sumy TextRank (3 sentences)": lambda: anchors.sumy_system("textrank"),
        "sumy LexRank (3 sentences)": lambda: anchors.sumy_system("lexrank"),
    }


def measure_quality(sets: dict[str, list[Example]], eval_dir: Path = EVAL_DIR) -> list[dict[str, Any]]:
    """ROUGE (means, R1 95% CI, lengths) of every system on every loaded set.

    Args:
      sets: {set name: examples}, from `workload.load_sets`.
      eval_dir: where the sets were read, for the signature's checksum.

    Returns:
      One row per set and system, with the signature that reproduces it.
    """
    rows: list[dict[str, Any]] = []
    for spec in EVAL_SETS:
        examples = sets.get(spec.name)
        if not examples:
            continue
        references = [e.reference for e in examples]
        checksum = dataset_sha256(eval_dir / spec.filename)[:12]
        signature = f"data={spec.name}:{len(examples)}:sha256={checksum}|{SCORER_SETTINGS}"
        for system, factory in quality_systems(spec.task).items():
            run = factory()
            outputs = [run(e.article) for e in examples]
            scores = aggregate(rouge_per_doc(outputs, references), outputs)
            defects = part_defect_rate(spec.task, outputs, [e.article for e in examples], HEADLINE_WORDS)
            rows.append(
                {
                    "dataset": spec.name,
                    "task": spec.task,
                    "system": system,
                    "signature": signature,
                    **scores,
                    "defect_rate": defects,
                }
            )
            print(
                f"  {spec.name:14} {system:30} "
                + "/".join(f"{scores[k]['mean']:.1f}" for k in ("rouge1", "rouge2", "rougeLsum")),
                flush=True,
            )
        if spec.task == "paragraph":
            rows.append(
                {
                    "dataset": spec.name,
                    "task": spec.task,
                    "system": "summarize abstractive (t5-small)",
                    "signature": signature,
                    "status": "no weights: pretrained weights cannot be had on this machine",
                }
            )
    return rows

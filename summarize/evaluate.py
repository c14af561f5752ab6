"""ROUGE scoring, bootstrap intervals and evaluation-set loading.

Scores follow the usual convention for CNN/DailyMail: `rouge-score` with the
Porter stemmer, F1 x 100, and for ROUGE-Lsum one sentence per line (split by
`summarize.prepare`, the same splitter the engines use).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from summarize.defects import (
    HEADLINE_KINDS,
    PARAGRAPH_KINDS,
    Defect,
    Source,
    headline_defects,
    paragraph_defects,
    rates,
)
from summarize.prepare import normalize, split_sentences, word_count
from summarize.schema import CallSettings, Document, EngineConfig, Prepared

ROUGE_TYPES: tuple[str, ...] = ("rouge1", "rouge2", "rougeLsum")
# The options that change a score, in the signature.
SIGNATURE_OPTIONS = (
    "headline_words",
    "paragraph_words",
    "sentences",
    "num_beams",
    "max_input_tokens",
    "quantize",
    "backend",
)
SCORER_SETTINGS = "rouge-score:use_stemmer=True,F1x100,Lsum=summarize.prepare"


@dataclass(frozen=True)
class Example:
    """One evaluation row: an id, the article, and the reference to score against."""

    id: str
    article: str
    reference: str


def load_examples(path: str | Path, reference_field: str, limit: int | None = None) -> list[Example]:
    """Reads a JSONL evaluation set.

    Args:
      path: the JSONL file; each row has an article (`article` or `text`) and
        the reference in `reference_field`.
      reference_field: "reference" for paragraphs, "title" for headlines.
      limit: keep only the first `limit` rows.

    Returns:
      The examples, in file order.

    Raises:
      ValueError: a row is not JSON or lacks a field.
    """
    examples: list[Example] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if limit is not None and len(examples) >= limit:
                break
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                article = row.get("article", row.get("text"))
                reference = row[reference_field]
            except (json.JSONDecodeError, KeyError, AttributeError) as err:
                raise ValueError(f"{path}:{number}: not a row with an article and {reference_field!r} ({err})") from err
            if not isinstance(article, str) or not isinstance(reference, str):
                raise ValueError(f"{path}:{number}: article and {reference_field!r} must be strings")
            examples.append(Example(str(row.get("id", number)), article, reference))
    return examples


def dataset_sha256(path: str | Path) -> str:
    """The sha256 of a file, for the result signature."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _lines(text: str) -> str:
    return "\n".join(split_sentences(normalize(text)))


_SCORER: Any = None


def _scorer() -> Any:
    global _SCORER
    if _SCORER is None:
        from rouge_score import rouge_scorer  # imported late: it loads nltk

        _SCORER = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    return _SCORER


def rouge_per_doc(predictions: Sequence[str], references: Sequence[str]) -> list[dict[str, float]]:
    """ROUGE F1 x 100 for each prediction against its reference.

    Args:
      predictions: system outputs.
      references: the gold texts, in the same order.

    Returns:
      One dict per document, keyed by ROUGE type.
    """
    scorer = _scorer()
    out = []
    for prediction, reference in zip(predictions, references, strict=True):
        scores = scorer.score(_lines(reference), _lines(prediction))
        out.append({key: 100.0 * scores[key].fmeasure for key in ROUGE_TYPES})
    return out


def bootstrap_ci(values: Sequence[float], samples: int = 1000, seed: int = 0) -> tuple[float, float]:
    """A 95% bootstrap confidence interval for the mean of `values`."""
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, size=(samples, data.size))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return (float(low), float(high))


def aggregate(per_doc: Sequence[dict[str, float]], outputs: Sequence[str]) -> dict[str, Any]:
    """Means with 95% intervals for each ROUGE type, and summary lengths.

    Args:
      per_doc: scores from `rouge_per_doc`.
      outputs: the system outputs, for their lengths in words.

    Returns:
      {"rouge1": {"mean", "ci95"}, ..., "length_words": {"mean", "p95"}}.
    """
    result: dict[str, Any] = {}
    for key in ROUGE_TYPES:
        values = [doc[key] for doc in per_doc]
        result[key] = {
            "mean": float(np.mean(values)) if values else float("nan"),
            "ci95": bootstrap_ci(values),
        }
    lengths = [word_count(text) for text in outputs]
    result["length_words"] = {
        "mean": float(np.mean(lengths)) if lengths else 0.0,
        "p95": float(np.percentile(lengths, 95)) if lengths else 0.0,
    }
    return result


def defects_per_doc(
    headlines: Sequence[str], paragraphs: Sequence[str], articles: Sequence[str | Prepared], headline_words: int
) -> list[dict[str, list[Defect]]]:
    """Each document's headline and paragraph defects (see `summarize.defects`).

    Args:
      headlines: the headlines, one per article.
      paragraphs: the paragraphs, in the same order.
      articles: the source texts, raw or prepared.
      headline_words: the headline length the summaries were made under.

    Returns:
      One {"headline": [...], "paragraph": [...]} per document.
    """
    return [
        {
            "headline": headline_defects(headline, Source.of(article), headline_words),
            "paragraph": paragraph_defects(paragraph),
        }
        for headline, paragraph, article in zip(headlines, paragraphs, articles, strict=True)
    ]


def defect_rates(per_doc: Sequence[dict[str, list[Defect]]]) -> dict[str, dict[str, float]]:
    """The share of headlines and of paragraphs with each kind of defect.

    Args:
      per_doc: from `defects_per_doc`.

    Returns:
      {"headline": {"any": r, kind: r, ...}, "paragraph": {...}}, rates in 0..1.
    """
    return {
        "headline": rates([d["headline"] for d in per_doc], HEADLINE_KINDS),
        "paragraph": rates([d["paragraph"] for d in per_doc], PARAGRAPH_KINDS),
    }


def evaluate(
    path: str | Path,
    task: str,
    config: EngineConfig,
    call: CallSettings,
    reference_field: str | None = None,
    limit: int | None = None,
    per_doc_path: str | Path | None = None,
) -> dict[str, Any]:
    """Summarises a dataset and scores the task's output against its references.

    Args:
      path: JSONL with `article` (or `text`) and the reference field.
      task: "paragraph" or "headline".
      config: the load-time settings (method, model...).
      call: the per-call settings (lengths, beams...).
      reference_field: defaults to "reference" (paragraph) or "title" (headline).
      limit: score only the first `limit` rows.
      per_doc_path: where to write each document's scores, as JSONL.

    Returns:
      ROUGE means and CIs, lengths, the faithfulness rates (outputs with a
      conflict, and with any unsupported item), the defect rates
      of headlines and paragraphs per kind, row count and the one-line
      signature that reproduces the number.
    """
    from summarize import __version__
    from summarize.faithfulness import check
    from summarize.prepare import prepare
    from summarize.summarizer import Summarizer

    field = reference_field or ("title" if task == "headline" else "reference")
    examples = load_examples(path, field, limit)
    if not examples:
        raise ValueError(f"{path}: no rows")
    summarizer = Summarizer(config)
    summaries = list(summarizer.summarize_many((Document(e.id, e.article) for e in examples), call))
    outputs = [getattr(s, task) for s in summaries]
    scores = rouge_per_doc(outputs, [e.reference for e in examples])
    sources = [prepare(Document(e.id, e.article)) for e in examples]
    flagged = [check(out, source) for out, source in zip(outputs, sources, strict=True)]
    invented = [[flag.text for flag in found] for found in flagged]
    result = aggregate(scores, outputs)
    # What the guard would act on (conflicts), and any unsupported item at all.
    result["unfaithful_rate"] = sum(any(flag.conflict for flag in found) for found in flagged) / len(examples)
    result["unsupported_rate"] = sum(bool(found) for found in flagged) / len(examples)
    defects = defects_per_doc(
        [s.headline for s in summaries],
        [s.paragraph for s in summaries],
        sources,
        call.headline_words,
    )
    result["defect_rate"] = defect_rates(defects)
    result["rows"] = len(examples)
    result["failed"] = sum(not s.ok for s in summaries)
    method = summaries[0].method if summaries else config.method
    model = (
        f"{summarizer.model}@{getattr(getattr(summarizer.engine, 'spec', None), 'revision', '-')}"
        if summarizer.model
        else "-"
    )
    settings = {**config.to_dict(), **call.to_dict()}
    opts = ",".join(f"{name}={settings[name]}" for name in SIGNATURE_OPTIONS)
    result["signature"] = (
        f"summarize:{__version__}|task:{task}|method:{method}|model:{model}|{opts}"
        f"|data:{Path(path).name}:{len(examples)}:sha256={dataset_sha256(path)[:16]}|{SCORER_SETTINGS}"
    )
    if per_doc_path:
        with open(per_doc_path, "w", encoding="utf-8") as handle:
            for example, summary, output, score, bad, found in zip(
                examples, summaries, outputs, scores, invented, defects, strict=True
            ):
                record = {
                    "id": example.id,
                    "output": output,
                    **score,
                    "words": word_count(output),
                    "unsupported": bad,
                    "headline": summary.headline,
                    "paragraph": summary.paragraph,
                    "defects": {part: [str(d) for d in found[part]] for part in ("headline", "paragraph")},
                }
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return result


# The fields that hold a human summary, in the order they are looked for.
REFERENCE_FIELDS = ("reference", "title", "summary", "highlights")


def reference_field_of(path: str | Path) -> str:
    """The first field of `REFERENCE_FIELDS` that the file's first row has.

    Raises:
      ValueError: the file is empty, its first row is not JSON, or it has none of them.
    """
    with open(path, encoding="utf-8") as handle:
        line = next((line for line in handle if line.strip()), "")
    try:
        row = json.loads(line) if line else {}
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}:1: not JSON ({err})") from err
    found = next((name for name in REFERENCE_FIELDS if isinstance(row, dict) and name in row), None)
    if found is None:
        raise ValueError(f"{path}: no reference field ({', '.join(REFERENCE_FIELDS)}) in its first row")
    return found


def faithfulness_rates(
    path: str | Path,
    reference_field: str | None = None,
    limit: int | None = None,
    seed: int = 0,
    per_doc_path: str | Path | None = None,
) -> dict[str, Any]:
    """How often the guard fires on human summaries, and how often it catches injected errors.

    The guard fires on conflicts only (`summarize.faithfulness.check`).
    Human references and titles are faithful by intent, so the share with a
    conflict is its false-positive rate (an upper bound: some references do
    contradict their article); the share with any unsupported item, unsourced
    additions included, is reported beside it. Recall is measured on
    sentences of the articles themselves with one fact changed
    (`summarize.corrupt`): an error is caught when the changed sentence gets
    a conflict the original does not have.

    Args:
      path: JSONL with an article and a human summary per row.
      reference_field: the summary's field; by default the first of
        `REFERENCE_FIELDS` in the first row.
      limit: use only the first `limit` rows.
      seed: the corruption generator's seed.
      per_doc_path: where to write each document's flags and corruptions, as JSONL.

    Returns:
      {"rows", "reference_field", "false_positive": {"rate", "flagged", "ci95"}
      (conflicts: the guard fires), "unsupported": {"rate", "flagged"} (any
      unsupported item), "recall": {kind: {"rate", "caught", "total"}},
      "original_flagged" (unchanged sentences with any flag: 0 expected),
      "signature"}.
    """
    from summarize import __version__
    from summarize.corrupt import KINDS, corruptions
    from summarize.faithfulness import check
    from summarize.prepare import prepare

    field = reference_field or reference_field_of(path)
    examples = load_examples(path, field, limit)
    if not examples:
        raise ValueError(f"{path}: no rows")
    if len({e.id for e in examples}) != len(examples):
        raise ValueError(f"{path}: ids repeat; the corruptions need one id per article")
    prepared = {e.id: prepare(Document(e.id, e.article)) for e in examples}
    flags = [check(e.reference, prepared[e.id]) for e in examples]
    per_kind: dict[str, list[bool]] = {kind: [] for kind in KINDS}
    by_doc: dict[str, list[dict[str, Any]]] = {e.id: [] for e in examples}
    original_flagged = 0
    for corruption in corruptions(list(prepared.values()), seed=seed):
        source = prepared[corruption.doc_id]
        before = check(corruption.original, source)
        after = check(corruption.corrupted, source)
        # Caught: the changed sentence has a conflict (what the guard acts on) that the original has not.
        known = {flag.text for flag in before if flag.conflict}
        new = [flag.text for flag in after if flag.conflict and flag.text not in known]
        original_flagged += bool(before)
        per_kind[corruption.kind].append(bool(new))
        by_doc[corruption.doc_id].append(
            {
                "kind": corruption.kind,
                "how": corruption.how,
                "before": corruption.before,
                "after": corruption.after,
                "caught": bool(new),
                "flags": new,
            }
        )
    fired = [float(any(flag.conflict for flag in found)) for found in flags]
    low, high = bootstrap_ci(fired, seed=seed)
    listed = sum(bool(found) for found in flags)
    result: dict[str, Any] = {
        "rows": len(examples),
        "reference_field": field,
        "false_positive": {"rate": sum(fired) / len(fired), "flagged": int(sum(fired)), "ci95": (low, high)},
        "unsupported": {"rate": listed / len(flags), "flagged": listed},
        "recall": {
            kind: {"rate": sum(hits) / len(hits) if hits else float("nan"), "caught": sum(hits), "total": len(hits)}
            for kind, hits in per_kind.items()
        },
        "original_flagged": original_flagged,
        "signature": (
            f"summarize:{__version__}|task:faithfulness|field:{field}|seed:{seed}"
            f"|data:{Path(path).name}:{len(examples)}:sha256={dataset_sha256(path)[:16]}"
        ),
    }
    if per_doc_path:
        with open(per_doc_path, "w", encoding="utf-8") as handle:
            for example, found in zip(examples, flags, strict=True):
                record = {
                    "id": example.id,
                    "reference_flags": [dataclasses.asdict(flag) for flag in found],
                    "corruptions": by_doc[example.id],
                }
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return result

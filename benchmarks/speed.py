"""Speed rows of `make bench`: extractive, abstractive against the transformers recipes, and scaling.

Every row runs in its own process (see `measure`), on the same inputs as the
other rows of its table. The abstractive rows share one workload: the same
articles cut to the same input tokens, the same exact output lengths (greedy),
the same torch threads, the same random model.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import anchors
from benchmarks.measure import Row, speed_row, time_each
from benchmarks.quality import quality_systems
from benchmarks.workload import BENCH_MODEL, INPUT_TOKENS, PREFIX, Lengths, use_registry

RunRow = Callable[..., Any]  # measure.in_child or measure.in_process
EXTRACTIVE_ANCHOR = "summa TextRank (60 words)"


def extractive_speed(name: str, texts: list[str], repeats: int) -> Row:
    run = quality_systems("paragraph")[name]()
    times = time_each(run, texts * repeats)
    return speed_row(len(times), sum(times), times)


def _parallel(texts: list[str], repeats: int, workers: int) -> Row:
    """Our TextRank over whole batches shared by `workers` processes."""
    from summarize.summarizer import Summarizer
    from summarize.textrank import shutdown_workers

    summarizer = Summarizer(method="textrank", workers=workers, batch_size=len(texts))
    list(summarizer.summarize_many(texts))  # warm-up: starts the workers
    start = time.perf_counter()
    for _ in range(repeats):
        list(summarizer.summarize_many(texts))
    seconds = time.perf_counter() - start
    shutdown_workers()
    return speed_row(len(texts) * repeats, seconds)  # batches: no per-article latency


def extractive_rows(texts: list[str], source: str, repeats: int, workers: int, run_row: RunRow) -> list[Row]:
    """Articles/s, real per-article latencies and peak RSS of each extractive system.

    Args:
      texts: the articles.
      source: where they come from, for the rows.
      repeats: passes over `texts` (small sets are timed several times).
      workers: processes for our parallel row (none when 1).
      run_row: how each row is run (in a child process, or here).
    """
    rows: list[Row] = []
    for system in quality_systems("paragraph"):
        row = run_row(extractive_speed, system, texts, repeats)
        rows.append({"system": system, "data": source, "articles": len(texts) * repeats, **row})
    if workers > 1:
        row = run_row(_parallel, texts, repeats, workers)
        label = f"summarize textrank, {workers} workers"
        rows.append({"system": label, "data": source, "articles": len(texts) * repeats, **row})
    anchor = next((r for r in rows if r["system"] == EXTRACTIVE_ANCHOR), None)
    for row in rows:
        if anchor and row["system"].startswith("summarize"):
            row["anchor"] = EXTRACTIVE_ANCHOR
            row["vs_anchor"] = row["articles_per_s"] / anchor["articles_per_s"]
        print(f"  {row['system']:36} {row['articles_per_s']:9.1f} art/s  RSS {row['peak_rss_mb']:.0f} MB", flush=True)
    return rows


@dataclass(frozen=True)
class Workload:
    """The abstractive workload every abstractive row runs.

    Attributes:
      texts: articles already cut to the input limit (see `workload.fit_inputs`).
      model_dir: the saved random model.
      registry: the registry file that names it BENCH_MODEL.
      lengths: exact greedy output lengths per part.
      threads: torch threads in every row.
    """

    texts: list[str]
    model_dir: Path
    registry: Path
    lengths: Lengths
    threads: int


@contextmanager
def _torch_threads(threads: int) -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _recipe(work: Workload, texts: list[str], batch_size: int | None, quantize: str) -> Row:
    """The transformers recipe: per article when batch_size is None, else padded batches."""
    with _torch_threads(work.threads):
        model, tokenizer = anchors.load_recipe_model(work.model_dir, quantize)
        if batch_size is None:
            run = anchors.per_article_recipe(model, tokenizer, PREFIX, INPUT_TOKENS, work.lengths)
            times = time_each(run, texts)
            return speed_row(len(texts), sum(times), times)
        batched = anchors.batched_recipe(model, tokenizer, PREFIX, INPUT_TOKENS, work.lengths)
        batched(texts[:1])  # warm-up
        start = time.perf_counter()
        for first in range(0, len(texts), batch_size):
            batched(texts[first : first + batch_size])
        return speed_row(len(texts), time.perf_counter() - start)


def _ours(
    work: Workload, texts: list[str], backend: str, batch_size: int, quantize: str, long_input: str = "auto"
) -> Row:
    """Our abstractive engine through the public API, as a user runs it."""
    with _torch_threads(work.threads), use_registry(work.registry):
        from summarize.schema import CallSettings, EngineConfig
        from summarize.summarizer import EMPTY_OUTPUT, Summarizer

        config = EngineConfig(
            method="abstractive",
            model=BENCH_MODEL,
            backend=backend,
            device="cpu",
            quantize=quantize,
            threads=work.threads,
            batch_size=batch_size,
        )
        summarizer = Summarizer(config)
        # The guard runs as usual but only notes what it flags: every output
        # timed is the model's (random weights get flagged, and a replacement
        # would hide a model that wrote nothing).
        call = CallSettings(on_flag="note", long_input=long_input)
        list(summarizer.summarize_many(texts[:1], call))  # warm-up
        start = time.perf_counter()
        summaries = list(summarizer.summarize_many(texts, call))
        seconds = time.perf_counter() - start
    # Random weights may decode nothing printable: such a record is still the
    # model's work, and counted; any other error or another engine's part is not.
    empty = str(EMPTY_OUTPUT)
    failed = [
        s.error or str(s.sources)
        for s in summaries
        if (s.error and s.error != empty) or (s.ok and set(s.sources.values()) != {"abstractive"})
    ]
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(texts)} articles not summarised by the model: {failed[0]}")
    return {**speed_row(len(texts), seconds), "empty_outputs": sum(s.error == empty for s in summaries)}


def _quantized(label: str, quantize: str) -> str:
    return f"{label}, int8" if quantize == "int8" else label


def _median_row(rounds: Sequence[Row]) -> Row:
    """One row from the same measurement repeated: the median speed, the highest peak RSS, every round's speed."""
    speeds = [r["articles_per_s"] for r in rounds]
    middle = sorted(rounds, key=lambda r: r["articles_per_s"])[len(rounds) // 2]
    return {
        **middle,
        "articles_per_s": statistics.median(speeds),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in rounds),
        "rounds_articles_per_s": speeds,
    }


def abstractive_rows(
    work: Workload, articles: int, batch_size: int, backends: Sequence[str], run_row: RunRow, rounds: int = 1
) -> list[Row]:
    """Ours against the transformers recipes, in fp32 and int8, on the same `articles` inputs.

    The batched recipe of the same batch size and precision is each row's
    anchor (`vs_anchor`); the per-article recipe is the reference row. Only
    per-article rows have latency percentiles. The batched rows are measured
    `rounds` times, interleaved (anchor, ours, anchor, ours, ...), and each
    keeps its median: on a shared machine one row's speed can move by a
    tenth between runs, and interleaving exposes both systems to the same drift.
    """
    texts = (work.texts * (1 + articles // max(1, len(work.texts))))[:articles]
    rows: list[Row] = []
    for quantize in ("none", "int8"):
        anchor = _quantized(f"transformers recipe, batch {batch_size}", quantize)
        # (label, backend, batch size, the row's function, its arguments after the workload and texts)
        plan: list[tuple[str, str, int | None, Callable[..., Row], tuple[Any, ...]]] = [
            (_quantized("transformers recipe, per article", quantize), "recipe", None, _recipe, (None, quantize)),
            (anchor, "recipe", batch_size, _recipe, (batch_size, quantize)),
        ]
        plan += [
            (
                _quantized(f"summarize ({b}), batch {batch_size}", quantize),
                b,
                batch_size,
                _ours,
                (b, batch_size, quantize),
            )
            for b in backends
        ]
        samples: dict[str, list[Row]] = {label: [] for label, *_ in plan}
        for round_ in range(rounds):
            for label, _backend, batch, func, args in plan:
                if batch is None and round_:  # the per-article reference: once
                    continue
                row = run_row(func, work, texts, *args)
                samples[label].append(row)
                print(f"  {label:44} {row['articles_per_s']:7.2f} art/s  RSS {row['peak_rss_mb']:.0f} MB", flush=True)
        measured = [
            {
                "system": label,
                "backend": backend,
                "quantize": quantize,
                "batch_size": batch,
                "articles": len(texts),
                "threads": work.threads,
                **_median_row(samples[label]),
            }
            for label, backend, batch, _func, _args in plan
        ]
        anchor_speed = next(r["articles_per_s"] for r in measured if r["system"] == anchor)
        for row in measured:
            row["anchor"] = anchor
            row["vs_anchor"] = row["articles_per_s"] / anchor_speed
        rows += measured
    return rows


def scaling_rows(work: Workload, batch_sizes: Sequence[int], backends: Sequence[str], run_row: RunRow) -> list[Row]:
    """Articles/s and peak RSS of ours against batch size, per backend, on max(batch_sizes) articles."""
    articles = max(batch_sizes)
    texts = (work.texts * (1 + articles // max(1, len(work.texts))))[:articles]
    rows: list[Row] = []
    for backend in backends:
        first: float | None = None
        for batch_size in batch_sizes:
            row = run_row(_ours, work, texts, backend, batch_size, "none")
            first = first or row["articles_per_s"]
            rows.append(
                {
                    "backend": backend,
                    "batch_size": batch_size,
                    "articles": len(texts),
                    "threads": work.threads,
                    "articles_per_s": row["articles_per_s"],
                    "peak_rss_mb": row["peak_rss_mb"],
                    "vs_first": row["articles_per_s"] / first,
                }
            )
            print(
                f"  {backend:14} batch {batch_size:3}  {row['articles_per_s']:7.2f} art/s  "
                f"RSS {row['peak_rss_mb']:.0f} MB",
                flush=True,
            )
    return rows


def long_input_rows(work: Workload, full_texts: list[str], batch_size: int, run_row: RunRow) -> list[Row]:
    """Ours on whole articles (not cut to the input limit), with long_input truncate and chunk.

    Args:
      work: the abstractive workload (its model, lengths and threads).
      full_texts: the articles as written.
      batch_size: ours' batch size.
      run_row: how each row is run.
    """
    rows: list[Row] = []
    for policy in ("truncate", "chunk"):
        row = run_row(_ours, work, full_texts, "transformers", batch_size, "none", policy)
        rows.append({"long_input": policy, "articles": len(full_texts), "threads": work.threads, **row})
        print(
            f"  long_input={policy:9} {row['articles_per_s']:7.2f} art/s  RSS {row['peak_rss_mb']:.0f} MB", flush=True
        )
    return rows


def usable_cores() -> int:
    """The cores this process may use: the default of our TextRank workers row."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

"""The benchmark behind `make bench`: quality and speed against the anchors.

Every system runs on the same articles in the same run; speed rows run each
system in a fresh process, so that its peak RSS is its own. Writes
bench/results.json, bench/REPORT.md and bench/quality_vs_speed.png.

    python -m benchmarks.bench [--full] [--out bench]

The run is a list of measurements (MEASUREMENTS), each a function of the run
that returns its results under its own keys; `report.SECTIONS` renders them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks import report, speed
from benchmarks.defects import defect_rows
from benchmarks.faithfulness import faithfulness_results
from benchmarks.invariance import invariance_rows
from benchmarks.measure import in_child, in_process, peak_rss_mb
from benchmarks.quality import measure_quality
from benchmarks.random_models import SHAPES
from benchmarks.workload import (
    BENCH_MODEL,
    EVAL_DIR,
    EVAL_SETS,
    INPUT_TOKENS,
    ROOT,
    fit_inputs,
    fixed_lengths,
    load_sets,
    random_model,
    speed_texts,
    use_registry,
)
from summarize import __version__
from summarize.evaluate import Example
from summarize.models import HEADLINE_POLICIES, spec_for


@dataclass
class Run:
    """What every measurement gets: the arguments, the evaluation sets, the notes, how to run a speed row."""

    args: argparse.Namespace
    sets: dict[str, list[Example]]  # every row read (all with --full or --rows)
    notes: list[str]
    run_row: speed.RunRow

    def quality_sets(self) -> dict[str, list[Example]]:
        """The sets cut to the rows `make bench` scores (all of them with --full or --rows)."""
        if self.args.full or self.args.rows is not None:
            return self.sets
        limits = {spec.name: spec.default_rows for spec in EVAL_SETS}
        return {name: examples[: limits.get(name)] for name, examples in self.sets.items()}


def measure_quality_rows(run: Run) -> dict[str, Any]:
    """ROUGE of ours and the extractive anchors on each set."""
    return {"quality": measure_quality(run.quality_sets(), run.args.eval_dir)}


def measure_defects(run: Run) -> dict[str, Any]:
    """Our headline and paragraph defects by kind, on every row of each set (issue #10)."""
    return {"defects": defect_rows(run.sets, run.args.workers)}


def measure_invariance(run: Run) -> dict[str, Any]:
    """Our output under wrapping and CRLF, on every row of each set (issue #9)."""
    return {"invariance": invariance_rows(run.sets, run.args.workers)}


def measure_faithfulness(run: Run) -> dict[str, Any]:
    """The guard on human summaries, on every row of each set (issue #11)."""
    return {"faithfulness": faithfulness_results(run.args.eval_dir, list(run.sets), run.args.rows)}


def measure_chat(run: Run) -> dict[str, Any]:
    """The chat engine on real weights, beside TextRank and Lead-3 (issue #13); {} without the weights."""
    if run.args.no_chat:
        return {}
    from benchmarks.chat import run_chat

    return {"chat": run_chat(run.args.full, run.notes, run.args.rows, eval_dir=run.args.eval_dir)}


def measure_extractive(run: Run) -> dict[str, Any]:
    """Speed of ours and the extractive anchors, one process per system."""
    texts, source = speed_texts(run.quality_sets(), run.notes)
    repeats = run.args.repeats or (3 if len(texts) < 100 else 1)
    if run.args.workers > 1:
        run.notes.append("the workers row's peak RSS is its parent process's; each worker is a process of its own.")
    return {"extractive": speed.extractive_rows(texts, source, repeats, run.args.workers, run.run_row)}


def measure_abstractive(run: Run) -> dict[str, Any]:
    """Ours against the transformers recipes, and ours against batch size, on one random model."""
    args = run.args
    texts, source = speed_texts(run.quality_sets(), run.notes)
    lengths = fixed_lengths(args.headline_tokens, args.paragraph_tokens)
    needed = max(args.articles, *args.scaling)
    with random_model(args.shape, texts, lengths, args.headline_policy) as (model_dir, registry):
        with use_registry(registry):
            policy = spec_for(BENCH_MODEL).headline_policy
        inputs = fit_inputs(model_dir, (texts * (1 + needed // len(texts)))[:needed])
        work = speed.Workload(inputs, model_dir, registry, lengths, args.threads)
        anchors = speed.abstractive_rows(work, args.articles, args.batch_size, args.backends, run.run_row, args.rounds)
        scaling = speed.scaling_rows(work, args.scaling, args.backends, run.run_row)
        long_input = speed.long_input_rows(work, texts[: args.long_articles], args.batch_size, run.run_row)
    workload = {
        "data": source,
        "shape": args.shape,
        "articles": args.articles,
        "input_tokens": INPUT_TOKENS,
        "headline_tokens": args.headline_tokens,
        "paragraph_tokens": args.paragraph_tokens,
        "threads": args.threads,
        "headline_policy": policy,
        "rounds": args.rounds,
    }
    return {"abstractive": anchors, "scaling": scaling, "long_input": long_input, "workload": workload}


def measure_scaleout(run: Run) -> dict[str, Any]:
    """TextRank and the random model in one process, with local workers, and on Ray with 2 actors (issue #14)."""
    args = run.args
    if args.no_scaleout:
        return {}
    try:
        from benchmarks.scaleout import RAY_ACTORS, scaleout_rows
    except ImportError as err:
        run.notes.append(f"no scale-out rows: {err.name} is missing (pip install 'summarize[ray]')")
        return {}
    texts, _ = speed_texts(run.quality_sets(), run.notes)
    lengths = fixed_lengths(args.headline_tokens, args.paragraph_tokens)
    with random_model(args.shape, texts, lengths, args.headline_policy) as (model_dir, registry):
        inputs = fit_inputs(model_dir, (texts * (1 + args.articles // len(texts)))[: args.articles])
        work = speed.Workload(inputs, model_dir, registry, lengths, args.threads)
        rows = scaleout_rows(texts, work, args.workers, run.run_row)
    run.notes.append(
        f"scale-out: each of the {RAY_ACTORS} Ray actors holds 1 CPU and runs torch on 1 thread; the one-process "
        f"model row uses {args.threads}. Ray's local instance has a CPU slot more than the cores, for its "
        "reading and writing tasks."
    )
    return {"scaleout": rows}


# (title, measurement): run in this order; each returns its keys of the results.
MEASUREMENTS: list[tuple[str, Callable[[Run], dict[str, Any]]]] = [
    ("quality", measure_quality_rows),
    ("defects", measure_defects),
    ("invariance", measure_invariance),
    ("faithfulness", measure_faithfulness),
    ("speed: extractive", measure_extractive),
    ("speed: abstractive", measure_abstractive),
    ("chat model", measure_chat),
    ("speed: scale-out", measure_scaleout),
]


def hardware() -> dict[str, Any]:
    """The machine: CPU model, cores, torch, GPU, Python."""
    import torch

    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch": torch.__version__,
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "python": platform.python_version(),
    }


def installed_backends() -> list[str]:
    """transformers, and ctranslate2 where its extra is installed."""
    return ["transformers"] + (["ctranslate2"] if importlib.util.find_spec("ctranslate2") else [])


def _sizes(text: str) -> list[int]:
    return [int(n) for n in text.split(",")]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--full", action="store_true", help="every row of every set, 64 abstractive articles")
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR, help="the folder of JSONL evaluation sets")
    parser.add_argument("--rows", type=int, help="at most this many rows of each set (smoke runs)")
    parser.add_argument("--articles", type=int, help="articles in the abstractive rows (default 32; 64 with --full)")
    parser.add_argument("--batch-size", type=int, default=16, help="batch of ours and of the batched recipe")
    parser.add_argument(
        "--long-articles", type=int, default=16, help="whole articles in the long_input truncate/chunk rows"
    )
    parser.add_argument("--scaling", type=_sizes, default=[1, 4, 16, 64], help="batch sizes of the scaling table")
    parser.add_argument(
        "--backends",
        type=lambda s: s.split(","),
        default=installed_backends(),
        help="ours' backends, comma-separated (default: those installed)",
    )
    parser.add_argument("--shape", choices=sorted(SHAPES), default="t5-small", help="the random model's shape")
    parser.add_argument("--headline-policy", choices=HEADLINE_POLICIES, help="ours (default: the registry's)")
    parser.add_argument("--headline-tokens", type=int, default=16)
    parser.add_argument("--paragraph-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, help="torch threads in every row (default: ours, the physical cores)")
    parser.add_argument(
        "--workers",
        type=int,
        default=speed.usable_cores(),
        help="TextRank processes (workers row, invariance, defects)",
    )
    parser.add_argument("--repeats", type=int, help="passes over the extractive speed articles")
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds of the batched abstractive rows (median kept)"
    )
    parser.add_argument("--in-process", action="store_true", help="run speed rows here (smoke runs: RSS not per row)")
    parser.add_argument("--no-scaleout", action="store_true", help="leave out the scale-out rows (Ray)")
    parser.add_argument("--no-chat", action="store_true", help="leave out the chat model's rows (real weights)")
    args = parser.parse_args(argv)
    args.articles = args.articles or (64 if args.full else 32)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.time()
    notes = [
        "sumy is fed our sentence splitter and tokeniser: its NLTK data cannot be downloaded here.",
        "pytextrank is not run: it needs a spaCy language model, which cannot be downloaded here.",
        "Abstractive quality needs real weights, which these machines cannot download: listed as 'no weights'.",
    ]
    if args.in_process:
        run_row = in_process
        notes.append("speed rows ran in one process (--in-process): peak RSS is that process's, not each row's.")
    else:
        run_row = in_child
        baseline = in_child(peak_rss_mb)  # starts the forkserver while we are small
        notes.append(f"peak RSS is per process; an idle child process measures {baseline:.0f} MB.")
    if args.threads is None:
        # Imported only now: torch must not swell this process before the forkserver starts.
        from summarize.seq2seq import physical_cores

        args.threads = physical_cores()
    run = Run(args, load_sets(args.eval_dir, args.rows, True, notes), notes, run_row)
    results: dict[str, Any] = {
        "version": __version__,
        "date": date.today().isoformat(),
        "command": " ".join(["python -m benchmarks.bench", *(argv if argv is not None else sys.argv[1:])]),
        "hardware": hardware(),
    }
    for title, measurement in MEASUREMENTS:
        print(f"{title}:", flush=True)
        results.update(measurement(run))
    results["notes"] = notes
    results["seconds"] = round(time.time() - started, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    text = report.report(results)
    (args.out / "REPORT.md").write_text(text)
    report.plot(results, args.out / "quality_vs_speed.png")
    print("\n" + text)
    print(f"wrote {args.out}/results.json, REPORT.md, quality_vs_speed.png in {results['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

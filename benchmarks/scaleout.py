"""Scale-out speed on this machine: one process, `--workers 2`, and Ray with 2 actors.

For TextRank and for the t5-small shape with random weights, articles per
second through the same Summarizer; Ray's start-up (`ray.init`) and its cost
per job (a job of 2 articles: actors start and load the engine) stated apart;
the peak memory of each worker process or actor. Each row runs in a fresh
process. Writes OUT/scaleout.json and prints the table (`make bench` runs it).

    python -m benchmarks.scaleout [--articles 200] [--model-articles 24] [--out bench]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from summarize.bench import EVAL_DIR, T5_SMALL_SHAPE, _in_child, _peak_rss_mb
from summarize.random_model import save_random_model

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
RAY_ACTORS = 2
OVERHEAD_ARTICLES = 2


def articles(count: int) -> list[str]:
    """The first `count` CNN/DM dev articles, or the seeds (repeated) where the eval set is absent."""
    path = EVAL_DIR / "cnndm_dev.jsonl"
    if path.exists():
        with open(path, encoding="utf-8") as handle:
            texts = [json.loads(line)["article"] for _, line in zip(range(count), handle, strict=False)]
    else:
        texts = [p.read_text() for p in sorted(SEEDS.glob("*.txt"))]
    return [texts[i % len(texts)] for i in range(count)]


class PeakMemory:
    """Samples the peak RSS (VmHWM) of the processes a function names, until stopped.

    Args:
      pids: called every `interval` seconds; the processes to watch then.
      interval: seconds between samples.
    """

    def __init__(self, pids: Callable[[], Iterable[int]], interval: float = 0.1) -> None:
        self.pids = pids
        self.interval = interval
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()  # a short run may end between two samples

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        for pid in self.pids():
            peak = _status_mb(pid, "VmHWM")
            if peak:
                self.peaks[pid] = max(peak, self.peaks.get(pid, 0.0))

    @property
    def largest(self) -> float | None:
        return max(self.peaks.values(), default=None)


def _status_mb(pid: int, key: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass  # it ended between the listing and the read
    return 0.0


def _children() -> list[int]:
    pids: list[int] = []
    for task in Path(f"/proc/{os.getpid()}/task").glob("*"):
        try:
            pids += [int(pid) for pid in (task / "children").read_text().split()]
        except OSError:
            continue
    return pids


def local_speed(config: dict[str, Any], texts: list[str]) -> dict[str, Any]:
    """One Summarizer in this process (with its TextRank workers, if `config` asks for them)."""
    from summarize.schema import EngineConfig
    from summarize.summarizer import Summarizer
    from summarize.textrank import shutdown_workers

    workers = config.get("workers", 1)
    # Workers share a batch: give them the whole input as one.
    summarizer = Summarizer(EngineConfig(**config, batch_size=len(texts) if workers > 1 else 16))
    # Warm-up: the model loads; the workers start (on a batch big enough to be shared).
    list(summarizer.summarize_many(texts if workers > 1 else texts[:OVERHEAD_ARTICLES]))
    with PeakMemory(_children) as memory:
        start = time.perf_counter()
        list(summarizer.summarize_many(texts))
        seconds = time.perf_counter() - start
    shutdown_workers()
    per_process = memory.largest if workers > 1 else _peak_rss_mb()
    return {"articles": len(texts), "seconds": seconds, "articles_per_s": len(texts) / seconds, "peak_mb": per_process}


def _actor_pids() -> list[int]:
    from ray._private import state  # the public state API needs the dashboard, which we do not start

    return [
        int(actor["Pid"])
        for actor in state.actors().values()
        if "SummarizeBatch" in actor["ActorClassName"] and actor["State"] == "ALIVE" and actor.get("Pid")
    ]


def ray_speed(config: dict[str, Any], texts: list[str], address: str | None = None) -> dict[str, Any]:
    """`summarize ray` on a local instance of 2 cores with 2 actors: JSONL in, Parquet shards out.

    Args:
      config: the EngineConfig fields.
      texts: the articles.
      address: join this instance instead of starting one (the start-up is then the join).
    """
    import ray

    from summarize.ray_job import plan_job, run_job, start_local
    from summarize.schema import CallSettings, EngineConfig

    start = time.perf_counter()
    if address:
        ray.init(address=address, log_to_driver=False, configure_logging=False)
    else:
        start_local(RAY_ACTORS, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    startup = time.perf_counter() - start
    timings = {}
    small = texts[:OVERHEAD_ARTICLES]
    # The first job also starts Ray's worker processes, which later jobs reuse.
    with tempfile.TemporaryDirectory() as tmp, PeakMemory(_actor_pids) as memory:
        for name, part in (("first", small), ("overhead", small), ("job", texts)):
            source = Path(tmp) / f"{name}.jsonl"
            source.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(part)))
            job = plan_job([str(source)], str(Path(tmp) / f"{name}-out"))
            begin = time.perf_counter()
            run_job(job, EngineConfig(**config), CallSettings(), actors=RAY_ACTORS)
            timings[name] = time.perf_counter() - begin
    ray.shutdown()
    seconds, overhead = timings["job"], timings["overhead"]
    extra = len(texts) - len(small)
    return {
        "articles": len(texts),
        "seconds": seconds,
        "articles_per_s": len(texts) / seconds,
        # The per-job cost taken out: (N - 2) articles in (T(N) - T(2)) seconds.
        "articles_per_s_after_startup": extra / (seconds - overhead) if extra and seconds > overhead else None,
        "startup_s": startup,
        "first_job_s": timings["first"],
        "job_overhead_s": overhead,
        "peak_mb": memory.largest,
    }


def random_t5_small(directory: Path, texts: list[str]) -> Path:
    """The t5-small shape with random weights and a tokenizer trained on `texts`."""
    return save_random_model(directory, "T5", texts, 8000, **T5_SMALL_SHAPE, decoder_start_token_id=0)


def measure(engines: dict[str, tuple[dict[str, Any], list[str]]], address: str | None = None) -> list[dict[str, Any]]:
    """The three rows for each engine, each in a fresh process.

    Args:
      engines: name: (EngineConfig fields, articles).
      address: an existing Ray instance for the Ray rows (None starts one per row).
    """
    rows = []
    for engine, (config, texts) in engines.items():
        runs: list[tuple[str, Callable[..., dict[str, Any]], tuple[Any, ...]]] = [
            ("1 process", local_speed, (config, texts))
        ]
        if config.get("method") == "textrank":  # --workers shares TextRank batches only
            runs.append(("--workers 2", local_speed, ({**config, "workers": 2}, texts)))
        runs.append((f"Ray, {RAY_ACTORS} actors", ray_speed, (config, texts, address)))
        for setup, func, args in runs:
            row = {"engine": engine, "setup": setup, **_in_child(func, *args)}
            rows.append(row)
            print(_line(row), flush=True)
    return rows


def _line(row: dict[str, Any]) -> str:
    def cell(key: str, digits: int = 1) -> str:
        value = row.get(key)
        return "" if value is None else f"{value:.{digits}f}"

    cells = [row["engine"], row["setup"], str(row["articles"]), cell("articles_per_s")]
    cells += [cell(k) for k in ("articles_per_s_after_startup", "startup_s", "first_job_s", "job_overhead_s")]
    return "| " + " | ".join([*cells, cell("peak_mb", 0)]) + " |"


HEADER = (
    "| engine | setup | articles | articles/s | articles/s less Ray's job overhead | ray.init s "
    "| first job (2 articles) s | job overhead (2 articles) s | peak MB per process (actor, worker) |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|---:|"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="articles for TextRank")
    parser.add_argument("--model-articles", type=int, default=24, help="articles for the random t5-small")
    parser.add_argument("--out", type=Path, default=Path("bench"))
    args = parser.parse_args(argv)
    _in_child(_peak_rss_mb)  # starts the forkserver while this process is small
    model_texts = articles(args.model_articles)
    with tempfile.TemporaryDirectory() as tmp:
        model = random_t5_small(Path(tmp) / "t5-small-random", articles(50))
        engines = {
            "textrank": ({"method": "textrank"}, articles(args.articles)),
            "t5-small (random weights)": ({"method": "abstractive", "model": str(model), "device": "cpu"}, model_texts),
        }
        print(HEADER, flush=True)
        rows = measure(engines)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scaleout.json").write_text(json.dumps({"cores": os.cpu_count(), "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Scale-out rows of `make bench` (issue #14): one process, local workers, and Ray with 2 actors.

For TextRank and for the random model of the abstractive rows (same shape,
same inputs, same exact output lengths), articles per second through the same
Summarizer; Ray's start-up (`ray.init`) and its cost per job (a job of 2
articles, in which actors start and load the engine) stated apart; the peak
memory of each worker process or actor. Each row runs in its own process.
`report.scaleout_section` renders them.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from benchmarks.measure import Row, peak_rss_mb
from benchmarks.speed import RunRow, Workload
from benchmarks.workload import BENCH_MODEL, use_registry

RAY_ACTORS = 2
OVERHEAD_ARTICLES = 2
# The guard only notes what it flags: every output timed is the engine's (see speed._ours).
CALL: dict[str, Any] = {"on_flag": "note"}


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


def local_speed(config: dict[str, Any], texts: list[str], registry: str | None = None) -> Row:
    """One Summarizer in this process, with its TextRank workers if `config` asks for them."""
    from summarize.schema import CallSettings, EngineConfig
    from summarize.summarizer import Summarizer
    from summarize.textrank import shutdown_workers

    workers = config.get("workers", 1)
    with use_registry(Path(registry)) if registry else nullcontext():
        # Workers share a batch: give them the whole input as one.
        summarizer = Summarizer(EngineConfig(**config, batch_size=len(texts) if workers > 1 else 16))
        # Warm-up: the model loads; the workers start (on a batch big enough to be shared).
        list(summarizer.summarize_many(texts if workers > 1 else texts[:OVERHEAD_ARTICLES], CallSettings(**CALL)))
        with PeakMemory(_children) as memory:
            start = time.perf_counter()
            list(summarizer.summarize_many(texts, CallSettings(**CALL)))
            seconds = time.perf_counter() - start
    shutdown_workers()
    peak = memory.largest if workers > 1 else peak_rss_mb()
    return {"articles": len(texts), "seconds": seconds, "articles_per_s": len(texts) / seconds, "peak_mb": peak}


def _actor_pids() -> list[int]:
    from ray._private import state  # the public state API needs the dashboard, which is not started

    return [
        int(actor["Pid"])
        for actor in state.actors().values()
        if "SummarizeBatch" in actor["ActorClassName"] and actor["State"] == "ALIVE" and actor.get("Pid")
    ]


def ray_speed(config: dict[str, Any], texts: list[str], registry: str | None = None, address: str | None = None) -> Row:
    """`summarize ray`'s job on a local instance of 2 cores with 2 actors: JSONL in, Parquet shards out.

    Args:
      config: the EngineConfig fields.
      texts: the articles.
      registry: a SUMMARIZE_REGISTRY file the actors need, or None.
      address: join this instance instead of starting one (the start-up is then the join).
    """
    if address is None:
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # as `summarize ray` starts Ray: 127.0.0.1
    import ray

    from summarize.ray_job import plan_job, run_job, start_local
    from summarize.schema import CallSettings, EngineConfig

    runtime_env = {"env_vars": {"SUMMARIZE_REGISTRY": registry}} if registry else None
    start = time.perf_counter()
    if address:
        ray.init(address=address, log_to_driver=False, configure_logging=False, runtime_env=runtime_env)
    else:
        start_local(RAY_ACTORS, log_to_driver=False, runtime_env=runtime_env)
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
            run_job(job, EngineConfig(**config), CallSettings(**CALL), actors=RAY_ACTORS)
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


def scaleout_rows(
    texts: list[str], work: Workload | None, workers: int, run_row: RunRow, address: str | None = None
) -> list[Row]:
    """The rows for TextRank on `texts` and, with `work`, for the random model on its inputs.

    Args:
      texts: the TextRank articles.
      work: the abstractive rows' workload, or None to leave the model out.
      workers: TextRank workers in the local row (and the actors' count is RAY_ACTORS).
      run_row: how each row is run (in a child process, or here).
      address: an existing Ray instance for the Ray rows (None starts one per row).
    """
    engines: list[tuple[str, dict[str, Any], list[str], str | None]] = [
        ("textrank", {"method": "textrank"}, texts, None)
    ]
    if work is not None:
        model = {"method": "abstractive", "model": BENCH_MODEL, "device": "cpu"}
        engines.append(("random model", model, work.texts, str(work.registry)))
    rows = []
    for engine, config, inputs, registry in engines:
        runs: list[tuple[str, Callable[..., Row], tuple[Any, ...]]] = []
        local = {**config, "threads": work.threads} if work is not None and registry else config
        runs.append(("1 process", local_speed, (local, inputs, registry)))
        if config["method"] == "textrank" and workers > 1:  # --workers shares TextRank batches only
            runs.append((f"--workers {workers}", local_speed, ({**config, "workers": workers}, inputs)))
        runs.append((f"Ray, {RAY_ACTORS} actors", ray_speed, (config, inputs, registry, address)))
        for setup, func, args in runs:
            row = {"engine": engine, "setup": setup, **run_row(func, *args)}
            rows.append(row)
            print(f"  {engine:20} {setup:16} {row['articles_per_s']:9.1f} art/s", flush=True)
    return rows

"""How the benchmarks measure: timings, percentiles, peak RSS, one process per row.

Speed rows run each system in a fresh process, so that its peak RSS is its own
and one row's imports and caches do not speed up or slow down the next.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

Row = dict[str, Any]


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile_ms(seconds: Sequence[float], q: float) -> float:
    """The q-th quantile (0..1, nearest rank; the median for 0.5) of durations in seconds, in milliseconds."""
    ordered = sorted(seconds)
    return 1000 * (statistics.median(ordered) if q == 0.5 else ordered[min(len(ordered) - 1, int(q * len(ordered)))])


def time_each(run: Callable[[Any], Any], items: Sequence[Any]) -> list[float]:
    """Seconds `run` takes on each item, after one untimed warm-up call.

    The warm-up pays for lazy imports and first-call caches, which are not
    throughput.
    """
    run(items[0])
    times = []
    for item in items:
        start = time.perf_counter()
        run(item)
        times.append(time.perf_counter() - start)
    return times


def speed_row(articles: int, seconds: float, latencies: Sequence[float] | None = None) -> Row:
    """Throughput, per-article latency percentiles and peak RSS of one measured run.

    Args:
      articles: articles done in `seconds`.
      seconds: the measured time.
      latencies: one real duration per article; None for batched runs, whose
        articles have no latency of their own (a batch mean is not one).

    Returns:
      articles_per_s, p50_ms and p95_ms (None without latencies), peak_rss_mb.
    """
    return {
        "articles_per_s": articles / seconds,
        "p50_ms": percentile_ms(latencies, 0.5) if latencies else None,
        "p95_ms": percentile_ms(latencies, 0.95) if latencies else None,
        "peak_rss_mb": peak_rss_mb(),
    }


# Linux keeps a process's RSS high-water mark across fork and exec, so a child
# of this (by then large) process would report our peak as its own. Children
# fork from a forkserver started while this process is still small.
_CONTEXT = multiprocessing.get_context("forkserver")


def _child(conn: Any, func: Callable[..., Any], args: tuple[Any, ...], environ: dict[str, str]) -> None:
    # The forkserver's environment is the one it started with; the row gets the caller's as it is now.
    os.environ.update(environ)
    try:
        conn.send((True, func(*args)))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send((False, traceback.format_exc()))
    finally:
        conn.close()


def in_child(func: Callable[..., Any], *args: Any) -> Any:
    """Runs func(*args) in a fresh process and returns its result.

    A plain (non-daemonic) process, not a Pool worker: the measured code may
    start processes of its own (TextRank --workers).

    Raises:
      RuntimeError: func raised; the message holds the child's traceback.
    """
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(target=_child, args=(sender, func, args, dict(os.environ)))
    process.start()
    sender.close()
    try:
        ok, value = receiver.recv()
    except EOFError:
        ok, value = False, "the child process died without an answer"
    finally:
        process.join()
    if not ok:
        raise RuntimeError(f"{getattr(func, '__name__', func)} failed in its child process:\n{value}")
    return value


def in_process(func: Callable[..., Any], *args: Any) -> Any:
    """Runs func(*args) here: for smoke runs, where peak RSS is this process's."""
    return func(*args)

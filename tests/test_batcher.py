"""The micro-batcher: right results to the right callers, isolation, timeouts, bounds."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence

import pytest

from summarize.batcher import MicroBatcher, Overloaded
from summarize.schema import CallSettings, Document, Summary


def echo(docs: Sequence[Document], options: CallSettings) -> list[Summary]:
    return [Summary(d.id, d.text.upper(), f"{d.text}/{len(docs)}", "textrank") for d in docs]


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_results_go_to_the_right_callers_in_one_batch() -> None:
    async def main() -> tuple[list[Summary], int]:
        batcher = MicroBatcher(echo, wait_ms=50, max_batch=16)
        batcher.start()
        results = await asyncio.gather(*(batcher.submit(Document(str(i), f"t{i}"), CallSettings()) for i in range(10)))
        await batcher.stop()
        return results, batcher.batches

    results, batches = run(main())
    assert [r.id for r in results] == [str(i) for i in range(10)]
    assert [r.headline for r in results] == [f"T{i}" for i in range(10)]
    assert batches == 1 and results[0].paragraph.endswith("/10")


def test_max_batch_splits_and_options_do_not_mix() -> None:
    async def main() -> list[Summary]:
        batcher = MicroBatcher(echo, wait_ms=50, max_batch=3)
        batcher.start()
        short = CallSettings(headline_words=5)
        jobs = [batcher.submit(Document(str(i), "x"), short if i % 2 else CallSettings()) for i in range(6)]
        results = await asyncio.gather(*jobs)
        await batcher.stop()
        return results

    results = run(main())
    assert all(int(r.paragraph.split("/")[1]) <= 3 for r in results)


def test_a_failing_batch_fails_only_its_callers() -> None:
    def flaky(docs: Sequence[Document], options: CallSettings) -> list[Summary]:
        if options.headline_words == 3:
            raise RuntimeError("engine broke")
        return echo(docs, options)

    async def main() -> list[object]:
        batcher = MicroBatcher(flaky, wait_ms=30)
        batcher.start()
        good = batcher.submit(Document("ok", "fine"), CallSettings())
        bad = batcher.submit(Document("bad", "boom"), CallSettings(headline_words=3))
        results = await asyncio.gather(good, bad, return_exceptions=True)
        await batcher.stop()
        return results

    good, bad = run(main())
    assert isinstance(good, Summary) and good.id == "ok"
    assert isinstance(bad, RuntimeError)


def test_timeout_and_skipped_cancelled_jobs() -> None:
    release = threading.Event()
    seen: list[str] = []

    def slow(docs: Sequence[Document], options: CallSettings) -> list[Summary]:
        seen.extend(d.id for d in docs)
        release.wait(5)
        return echo(docs, options)

    async def main() -> None:
        batcher = MicroBatcher(slow, wait_ms=0, max_batch=1)
        batcher.start()
        first = asyncio.ensure_future(batcher.submit(Document("first", "a"), CallSettings()))
        await asyncio.sleep(0.05)
        with pytest.raises(TimeoutError):
            await batcher.submit(Document("late", "b"), CallSettings(), timeout_s=0.05)
        release.set()
        assert (await first).id == "first"
        await batcher.stop()

    run(main())
    assert seen == ["first"]  # the timed-out job was never run


def test_queue_bound_answers_overloaded_at_once() -> None:
    release = threading.Event()

    def blocked(docs: Sequence[Document], options: CallSettings) -> list[Summary]:
        release.wait(5)
        return echo(docs, options)

    async def main() -> None:
        batcher = MicroBatcher(blocked, wait_ms=0, max_batch=1, max_queue=2)
        batcher.start()
        running = [asyncio.ensure_future(batcher.submit(Document("0", "x"), CallSettings()))]
        await asyncio.sleep(0.05)  # the worker has taken job 0 and is blocked on it
        running += [asyncio.ensure_future(batcher.submit(Document(str(i), "x"), CallSettings())) for i in (1, 2)]
        await asyncio.sleep(0.05)  # two wait: the queue is full
        start = time.perf_counter()
        with pytest.raises(Overloaded):
            await batcher.submit(Document("extra", "x"), CallSettings())
        assert time.perf_counter() - start < 0.5
        release.set()
        assert [r.id for r in await asyncio.gather(*running)] == ["0", "1", "2"]
        await batcher.stop()

    run(main())

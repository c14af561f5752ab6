"""Micro-batching: requests that arrive together run as one engine batch.

Callers `submit` documents and await their own summaries. A single worker
gathers whatever arrives within `wait_ms` of the first request (up to
`max_batch` documents), runs the batch in a thread so that the event loop keeps
serving, and hands each caller its result.

Limits that hold:
- The queue is bounded, and a request is admitted whole or not at all: when
  there is no room for all its documents, `submit_many` fails at once with
  `Overloaded` and queues nothing.
- A caller that stops waiting (time limit, shutdown) takes its documents out
  of the work: a document whose caller is gone is skipped before each engine
  batch, so it stops consuming the engine between batches at the latest.
- `stop` is bounded: past its grace period, what is left fails with
  `ShuttingDown`, and a batch still running cannot keep the process alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from summarize.schema import CallSettings, Document, Summary

log = logging.getLogger(__name__)
T = TypeVar("T")

# Runs one batch: documents and their per-call settings in, one summary each out.
BatchFunction = Callable[[Sequence[Document], CallSettings], list[Summary]]


class Overloaded(RuntimeError):
    """No room in the queue for the request; the caller should retry later (HTTP 503)."""


class ShuttingDown(RuntimeError):
    """The server stopped before the work was done (HTTP 503)."""


@dataclass
class _Job:
    doc: Document
    call: CallSettings
    future: asyncio.Future[Summary] = field(repr=False)


class MicroBatcher:
    """Gathers concurrent requests into batches for one engine.

    Args:
      run_batch: summarises a batch; called in a worker thread, one batch at a time.
      wait_ms: how long the first request of a batch waits for company.
      max_batch: most documents in one batch.
      max_queue: most documents waiting; past this, `submit_many` raises Overloaded.
    """

    def __init__(
        self, run_batch: BatchFunction, wait_ms: float = 10, max_batch: int = 16, max_queue: int = 256
    ) -> None:
        self.run_batch = run_batch
        self.wait_s = wait_ms / 1000
        self.max_batch = max_batch
        self.queue: asyncio.Queue[_Job] = asyncio.Queue(maxsize=max_queue)
        self._worker: asyncio.Task[None] | None = None
        self._taken: list[_Job] = []  # gathered by the worker, not yet delivered
        self.batches = 0

    def start(self) -> None:
        """Starts the worker on the running event loop."""
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._run())

    async def stop(self, grace_s: float | None = None) -> None:
        """Finishes the jobs already queued, then stops the worker.

        Args:
          grace_s: the longest to wait for them (None: as long as they take);
            past it, the jobs left fail with ShuttingDown.
        """
        if self._worker is None:
            return
        try:
            await asyncio.wait_for(self.queue.join(), grace_s)
        except TimeoutError:
            self.abandon()
        self._worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._worker
        self._worker = None

    def abandon(self) -> None:
        """Fails every job not yet done, queued or taken, with ShuttingDown."""
        jobs = list(self._taken)
        while not self.queue.empty():
            jobs.append(self.queue.get_nowait())
            self.queue.task_done()
        for job in jobs:
            if not job.future.done():
                job.future.set_exception(ShuttingDown("the server stopped before this document was done"))

    async def submit(self, doc: Document, call: CallSettings, timeout_s: float | None = None) -> Summary:
        """Queues one document and waits for its summary (see `submit_many`)."""
        return (await self.submit_many([doc], call, timeout_s))[0]

    async def submit_many(
        self, docs: Sequence[Document], call: CallSettings, timeout_s: float | None = None
    ) -> list[Summary]:
        """Queues documents, all or none, and waits for all their summaries.

        Raises:
          Overloaded: no room in the queue for all of them; none was queued.
          TimeoutError: not all done within `timeout_s`; the rest are dropped.
          ShuttingDown: the server stopped first.
        """
        room = self.queue.maxsize - self.queue.qsize()
        if len(docs) > room:
            raise Overloaded(f"room for {room} of {len(docs)} documents ({self.queue.maxsize} may wait)")
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[Summary]] = [loop.create_future() for _ in docs]
        for doc, future in zip(docs, futures, strict=True):
            self.queue.put_nowait(_Job(doc, call, future))
        try:
            return list(await asyncio.wait_for(asyncio.gather(*futures), timeout_s))
        finally:
            # Whatever ended the wait, jobs not yet done are no one's any more:
            # the worker skips cancelled jobs.
            for future in futures:
                future.cancel()

    async def _gather(self) -> list[_Job]:
        # Kept in _taken from the first job on, so that `abandon` sees every job out of the queue.
        jobs = self._taken = [await self.queue.get()]
        deadline = asyncio.get_running_loop().time() + self.wait_s
        while len(jobs) < self.max_batch:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            try:
                jobs.append(await asyncio.wait_for(self.queue.get(), remaining))
            except TimeoutError:
                break
        return jobs

    async def _run(self) -> None:
        while True:
            jobs = await self._gather()
            try:
                # Jobs with different per-call settings cannot share a batch.
                groups: dict[CallSettings, list[_Job]] = {}
                for job in jobs:
                    groups.setdefault(job.call, []).append(job)
                for call, group in groups.items():
                    # Checked right before the batch: callers may have gone while the previous one ran.
                    live = [job for job in group if not job.future.done()]
                    if live:
                        await self._run_group(call, live)
            finally:
                self._taken = []
                for _ in jobs:
                    self.queue.task_done()

    async def _run_group(self, call: CallSettings, group: list[_Job]) -> None:
        self.batches += 1
        try:
            results = await in_daemon_thread(self.run_batch, [job.doc for job in group], call)
        except Exception as err:  # noqa: BLE001 - delivered to the callers, never lost
            log.exception("batch of %d failed", len(group))
            for job in group:
                if not job.future.done():
                    job.future.set_exception(err)
            return
        for job, summary in zip(group, results, strict=True):
            if not job.future.done():
                job.future.set_result(summary)


async def in_daemon_thread(func: Callable[..., T], *args: Any) -> T:
    """Like `asyncio.to_thread`, but the thread is a daemon: a batch still
    running when the server has given up on it cannot keep the process from
    exiting (the default executor's threads are joined at exit)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(ok: bool, value: Any) -> None:
        if future.done():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def run() -> None:
        outcome: tuple[bool, Any]
        try:
            outcome = (True, func(*args))
        except BaseException as err:  # noqa: BLE001 - handed to the awaiting task
            outcome = (False, err)
        with contextlib.suppress(RuntimeError):  # the loop has closed: no one is waiting
            loop.call_soon_threadsafe(deliver, *outcome)

    threading.Thread(target=run, name="summarize-batch", daemon=True).start()
    return await future

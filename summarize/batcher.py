"""Micro-batching: requests that arrive together run as one engine batch.

Callers `submit` documents and await their own summaries. A single worker
gathers whatever arrives within `wait_ms` of the first request (up to
`max_batch` documents), runs the batch in a thread so that the event loop keeps
serving, and hands each caller its result. The queue is bounded: when it is
full, `submit` fails at once with `Overloaded` instead of piling up memory.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from summarize.schema import CallSettings, Document, Summary

log = logging.getLogger(__name__)

# Runs one batch: documents and their per-call settings in, one summary each out.
BatchFunction = Callable[[Sequence[Document], CallSettings], list[Summary]]


class Overloaded(RuntimeError):
    """The queue is full; the caller should retry later (HTTP 503)."""


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
      max_queue: most documents waiting; past this, `submit` raises Overloaded.
    """

    def __init__(
        self, run_batch: BatchFunction, wait_ms: float = 10, max_batch: int = 16, max_queue: int = 256
    ) -> None:
        self.run_batch = run_batch
        self.wait_s = wait_ms / 1000
        self.max_batch = max_batch
        self.queue: asyncio.Queue[_Job] = asyncio.Queue(maxsize=max_queue)
        self._worker: asyncio.Task[None] | None = None
        self.batches = 0

    def start(self) -> None:
        """Starts the worker on the running event loop."""
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Finishes the jobs already queued, then stops the worker."""
        if self._worker is None:
            return
        await self.queue.join()
        self._worker.cancel()
        try:
            await self._worker
        except asyncio.CancelledError:
            pass
        self._worker = None

    async def submit(self, doc: Document, call: CallSettings, timeout_s: float | None = None) -> Summary:
        """Queues one document and waits for its summary.

        Raises:
          Overloaded: the queue is full.
          TimeoutError: no result within `timeout_s`; the job is dropped.
        """
        future: asyncio.Future[Summary] = asyncio.get_running_loop().create_future()
        try:
            self.queue.put_nowait(_Job(doc, call, future))
        except asyncio.QueueFull:
            raise Overloaded(f"queue full ({self.queue.maxsize} documents waiting)") from None
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout_s)
        except TimeoutError:
            future.cancel()  # the worker skips cancelled jobs
            raise

    async def _gather(self) -> list[_Job]:
        jobs = [await self.queue.get()]
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
                live = [job for job in jobs if not job.future.done()]
                # Jobs with different per-call settings cannot share a batch.
                groups: dict[CallSettings, list[_Job]] = {}
                for job in live:
                    groups.setdefault(job.call, []).append(job)
                for call, group in groups.items():
                    await self._run_group(call, group)
            finally:
                for _ in jobs:
                    self.queue.task_done()

    async def _run_group(self, call: CallSettings, group: list[_Job]) -> None:
        self.batches += 1
        try:
            results = await asyncio.to_thread(self.run_batch, [job.doc for job in group], call)
        except Exception as err:  # noqa: BLE001 - delivered to the callers, never lost
            log.exception("batch of %d failed", len(group))
            for job in group:
                if not job.future.done():
                    job.future.set_exception(err)
            return
        for job, summary in zip(group, results, strict=True):
            if not job.future.done():
                job.future.set_result(summary)

"""Summaries over a Ray Data dataset, from a pool of actors that each load the engine once.

`summarize_dataset` is the adapter: a Dataset of documents in, a Dataset of
summary records out, with the fields of the CLI's JSONL records. A record that
cannot be summarised carries its error; no record fails the job. An actor that
dies is restarted by Ray and its batches are run again, so every document
still gives exactly one record.

Needs the `ray` extra: pip install 'summarize[ray]'.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import ray.data

from summarize.io import record_document
from summarize.schema import CallSettings, Document, EngineConfig, Summary, UsageError
from summarize.summarizer import Summarizer, failed

# The record's fields and types: `Summary.to_dict()`, with `error` always
# present (null when the summary is good) so that every shard has one schema.
RECORD_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string()),
        pa.field("headline", pa.string()),
        pa.field("paragraph", pa.string()),
        pa.field("method", pa.string()),
        pa.field("sources", pa.struct([("headline", pa.string()), ("paragraph", pa.string())])),
        pa.field("model", pa.string()),
        pa.field("notes", pa.list_(pa.string())),
        pa.field("error", pa.string()),
    ]
)


@dataclass(frozen=True)
class Columns:
    """Which input columns hold a document's id, its text and its URL.

    Attributes:
      id: the id column; its values are turned into strings.
      text: the text column; when it is "text" and a batch has no such
        column, "article" is used, as the CLI's JSONL reader does.
      url: the column with the page's address; a row with a URL and no text
        is fetched, as the CLI does.
    """

    id: str = "id"
    text: str = "text"
    url: str = "url"

    def documents(self, batch: pa.Table) -> list[Document | Summary]:
        """One Document per row, or a failed Summary where the row has no id, or neither text nor URL."""
        wanted = {self.id, self.text, self.url, "article"}
        rows = batch.select([name for name in batch.column_names if name in wanted]).to_pylist()
        items: list[Document | Summary] = []
        for row in rows:
            if row.get(self.id) is None:
                items.append(failed("", f"record has no {self.id!r} field"))
                continue
            item = record_document(row, str(row[self.id]), self.text, self.url)
            items.append(item if isinstance(item, Document) else failed(item.id, item.message))
        return items


def to_table(summaries: Sequence[Summary]) -> pa.Table:
    """Summaries as a table of records in `RECORD_SCHEMA`."""
    rows = [{"error": None, **summary.to_dict()} for summary in summaries]
    return pa.Table.from_pylist(rows, schema=RECORD_SCHEMA)


def from_row(row: dict[str, Any]) -> Summary:
    """A record read back from a table, as the Summary it was made from."""
    sources = {part: source for part, source in (row.get("sources") or {}).items() if source is not None}
    return Summary(**{**row, "sources": sources, "notes": list(row.get("notes") or [])})


class SummarizeBatch:
    """The work of one actor: makes the Summarizer once, then summarises batch after batch.

    Args:
      config: the engine settings.
      call: the per-call settings every document gets.
      columns: where the id, text and URL are in the input.
    """

    def __init__(self, config: EngineConfig, call: CallSettings, columns: Columns) -> None:
        self.summarizer = Summarizer(config)
        self.call = call
        self.columns = columns

    def __call__(self, batch: pa.Table) -> pa.Table:
        items = self.columns.documents(batch)
        docs = [item for item in items if isinstance(item, Document)]
        done = iter(self._summarize(docs))
        return to_table([item if isinstance(item, Summary) else next(done) for item in items])

    def _summarize(self, docs: list[Document]) -> list[Summary]:
        """Summarises `docs`; what raises is retried alone, and what still raises gets its error."""
        try:
            return list(self.summarizer.summarize_many(docs, self.call))
        except Exception as err:  # noqa: BLE001 - one document must not fail the job
            if len(docs) == 1:
                return [failed(docs[0].id, f"{type(err).__name__}: {err}")]
            return [summary for doc in docs for summary in self._summarize([doc])]


def check_pool(config: EngineConfig, num_cpus: float, num_gpus: float) -> None:
    """Checks that actors of this size can run this engine.

    Raises:
      UsageError: they cannot.
    """
    if config.workers != 1:
        raise UsageError("workers is for one machine; with Ray, add actors instead")
    if min(num_cpus, num_gpus) < 0 or num_cpus + num_gpus <= 0:
        raise UsageError("each actor needs some CPUs or GPUs: --num-cpus and --num-gpus cannot both be 0")


def summarize_dataset(
    ds: ray.data.Dataset,
    config: EngineConfig | None = None,
    call: CallSettings | None = None,
    *,
    columns: Columns | None = None,
    concurrency: int | tuple[int, int] = 1,
    batch_size: int | None = None,
    num_cpus: float = 1,
    num_gpus: float = 0,
) -> ray.data.Dataset:
    """Summarises a Dataset of documents with a pool of actors.

    Args:
      ds: one row per document, with an id and a text column (see `Columns`).
      config: the engine settings, fixed per actor; `workers` must be 1 (the
        actors are the workers). When `threads` is None, each actor's torch
        uses as many threads as the CPUs it holds.
      call: the per-call settings (lengths, beams).
      columns: the input's column names; `Columns()` when omitted.
      concurrency: the number of actors, or (least, most) to let Ray scale the pool.
      batch_size: rows per actor call; the engine batch size when omitted.
      num_cpus: CPUs each actor holds.
      num_gpus: GPUs each actor holds (fractions share a GPU); 0 runs on the CPU.

    Returns:
      A Dataset of records in `RECORD_SCHEMA`, one per input row, in no set
      order. Ray Data restarts an actor that dies and runs its batches again
      (its default for actor pools), so a lost actor loses no record.

    Raises:
      UsageError: a setting cannot work with Ray.
    """
    config = config or EngineConfig()
    check_pool(config, num_cpus, num_gpus)
    if config.threads is None:
        # torch would otherwise start one thread per core of the node in every actor.
        config = dataclasses.replace(config, threads=max(1, int(num_cpus)))
    if isinstance(concurrency, int):
        compute = ray.data.ActorPoolStrategy(size=concurrency)
    else:
        compute = ray.data.ActorPoolStrategy(min_size=concurrency[0], max_size=concurrency[1])
    rows = batch_size or config.batch_size
    # One batch a block, whatever blocks the reader made (a JSONL file can be
    # one block): every actor gets work, and a dead actor's retry redoes little.
    ds = ds.repartition(target_num_rows_per_block=rows)
    return ds.map_batches(
        SummarizeBatch,
        fn_constructor_kwargs={"config": config, "call": call or CallSettings(), "columns": columns or Columns()},
        batch_size=rows,
        batch_format="pyarrow",
        compute=compute,
        num_cpus=num_cpus,
        num_gpus=num_gpus,
    )

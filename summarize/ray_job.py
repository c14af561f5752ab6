"""What `summarize ray` runs: input files to a Dataset, summaries to shards, resumable.

Inputs are JSONL or Parquet files, or directories of them, on a local disk or
in object storage (any URI pyarrow can open: s3://, gs://, ...). Output is a
directory of Parquet or JSONL shards; a rerun with `resume` skips the ids its
shards hold already. Needs the `ray` extra.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import ray
import ray.data
from ray.data.block import BlockAccessor
from ray.data.datasource import BlockBasedFileDatasink

from summarize.distributed import Columns, from_row, summarize_dataset
from summarize.schema import CallSettings, EngineConfig, UsageError

# Input file suffixes, by the Ray reader that takes them.
READERS: dict[str, tuple[str, ...]] = {"json": (".jsonl", ".json"), "parquet": (".parquet",)}
OUTPUT_FORMATS: tuple[str, ...] = ("parquet", "jsonl")
# What the reading, filtering and writing tasks ask for (see `read_documents`).
NO_CPU = {"num_cpus": 0}
# CPU slots kept from the actors for the tasks that list, read and write (see `start_local`).
IO_SLOTS = 1


@dataclass(frozen=True)
class Inputs:
    """The input files, by reader, and what was passed over."""

    files: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class JobResult:
    """What a job left in its output directory.

    Attributes:
      written: records this run wrote.
      failed: records this run wrote that carry an error.
      resumed: records that were there before this run (skipped ids).
    """

    written: int
    failed: int
    resumed: int


def filesystem(uri: str) -> tuple[pafs.FileSystem, str]:
    """The filesystem that holds `uri` (a local path or a URI such as s3://bucket/key), and the path in it."""
    if "://" in uri:
        return pafs.FileSystem.from_uri(uri)
    return pafs.LocalFileSystem(), os.path.abspath(uri)


def _listing(uri: str) -> tuple[pafs.FileSystem, list[pafs.FileInfo]]:
    fs, path = filesystem(uri)
    info = fs.get_file_info(path)
    if info.type == pafs.FileType.NotFound:
        raise UsageError(f"no such file or directory: {uri}")
    if info.type == pafs.FileType.Directory:
        found = fs.get_file_info(pafs.FileSelector(path, recursive=True))
        # Hidden files and Hive's _SUCCESS-style markers are not data.
        return fs, sorted((f for f in found if f.is_file and not f.base_name.startswith((".", "_"))), key=_path)
    return fs, [info]


def _path(info: pafs.FileInfo) -> str:
    return str(info.path)


def find_inputs(paths: Sequence[str]) -> Inputs:
    """Sorts the files under `paths` by reader; others are skipped.

    Raises:
      UsageError: a path does not exist, or no input file is found.
    """
    inputs = Inputs({reader: [] for reader in READERS})
    for uri in paths:
        fs, infos = _listing(uri)
        prefix = uri.split("://")[0] + "://" if "://" in uri else ""
        for info in infos:
            reader = next((r for r, suffixes in READERS.items() if info.base_name.lower().endswith(suffixes)), None)
            if reader is None:
                inputs.skipped.append(prefix + info.path)
            else:
                inputs.files[reader].append(prefix + info.path)
    if not any(inputs.files.values()):
        raise UsageError(f"no .jsonl, .json or .parquet files in {', '.join(paths)}")
    return inputs


def read_documents(inputs: Inputs) -> ray.data.Dataset:
    """One Dataset over every input file, JSONL and Parquet alike.

    Reading, like writing, asks for no CPU: the actors hold the CPUs, one each,
    and a read task waiting for a CPU that an actor holds would wait forever.
    """
    parts = []
    if inputs.files.get("json"):
        # pyarrow's JSON reader, not pandas' (lines=True), which reads the id "007" as the number 7.
        parts.append(ray.data.read_json(inputs.files["json"], file_extensions=None, num_cpus=0))
    if inputs.files.get("parquet"):
        parts.append(ray.data.read_parquet(inputs.files["parquet"], file_extensions=None, num_cpus=0))
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]


def _shards(output: str, fmt: str) -> tuple[pafs.FileSystem, list[str]]:
    fs, path = filesystem(output)
    if fs.get_file_info(path).type != pafs.FileType.Directory:
        return fs, []
    found = fs.get_file_info(pafs.FileSelector(path))
    return fs, sorted(f.path for f in found if f.is_file and f.base_name.endswith(f".{fmt}"))


def _shard_records(fs: pafs.FileSystem, path: str, fmt: str) -> pa.Table:
    """The id and error columns of one shard; raises on a shard cut short."""
    if fmt == "parquet":
        return pq.read_table(path, columns=["id", "error"], filesystem=fs)
    with fs.open_input_stream(path) as stream:
        data = stream.read()
    if data and not data.endswith(b"\n"):
        raise ValueError("last line cut short")
    rows = [json.loads(line) for line in data.splitlines() if line.strip()]
    return pa.table({"id": [row["id"] for row in rows], "error": [row.get("error") for row in rows]})


def written_records(output: str, fmt: str, repair: bool = False) -> tuple[pa.Table, list[str]]:
    """The id and error of every record in an output directory's shards.

    Args:
      output: the output directory (local path or URI).
      fmt: "parquet" or "jsonl": which shards to read.
      repair: remove shards that a killed run left unreadable (their
        documents are summarised again) instead of failing.

    Returns:
      The records' ids and errors, and the shards removed.

    Raises:
      UsageError: a shard is unreadable and `repair` is False.
    """
    fs, paths = _shards(output, fmt)
    tables, removed = [], []
    for path in paths:
        try:
            tables.append(_shard_records(fs, path, fmt))
        except (OSError, ValueError, KeyError, pa.ArrowException) as err:
            if not repair:
                raise UsageError(f"unreadable shard {path}: {err}") from err
            fs.delete_file(path)
            removed.append(path)
    empty = pa.table({"id": pa.array([], pa.string()), "error": pa.array([], pa.string())})
    return pa.concat_tables([empty, *(t.cast(empty.schema) for t in tables)]), removed


class JsonlDatasink(BlockBasedFileDatasink):
    """Shards of JSON lines, each record exactly as the CLI's `--format jsonl` writes it."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(path, file_format="jsonl", **kwargs)

    def write_block_to_file(self, block: BlockAccessor, file: pa.NativeFile) -> None:
        lines = (json.dumps(from_row(row).to_dict(), ensure_ascii=False) + "\n" for row in block.to_arrow().to_pylist())
        file.write("".join(lines).encode("utf-8"))


def _skip_done(batch: pa.Table, done: pa.Array, id_column: str) -> pa.Table:
    if id_column not in batch.column_names or not len(done):
        return batch
    ids = pc.cast(batch.column(id_column), pa.string())
    return batch.filter(pc.invert(pc.fill_null(pc.is_in(ids, value_set=done), False)))


@dataclass(frozen=True)
class Job:
    """A checked plan: what to read, where to write, and what is there already.

    Attributes:
      inputs: the input files, by reader.
      output: the output directory (path or URI).
      output_format: "parquet" or "jsonl".
      before: the id and error of each record the output holds already.
      removed: shards that a killed run left unreadable, removed by resume.
    """

    inputs: Inputs
    output: str
    output_format: str
    before: pa.Table
    removed: list[str]


def plan_job(inputs: Sequence[str], output: str, output_format: str = "parquet", resume: bool = False) -> Job:
    """Checks a job's input and output before any Ray work.

    Args:
      inputs: JSONL or Parquet files, or directories of them (paths or URIs).
      output: the output directory (path or URI).
      output_format: "parquet" or "jsonl".
      resume: go on from the shards in `output` (shards a killed run left
        unreadable are removed); without it, an output with shards is an error.

    Raises:
      UsageError: bad input, output or format.
    """
    if output_format not in OUTPUT_FORMATS:
        raise UsageError(f"unknown output format {output_format!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
    for fmt in OUTPUT_FORMATS:
        if fmt != output_format and _shards(output, fmt)[1]:
            raise UsageError(f"{output} holds {fmt} shards; write {fmt} there, or use another directory")
    found = find_inputs(inputs)
    before, removed = written_records(output, output_format, repair=resume)
    if before.num_rows and not resume:
        raise UsageError(f"{output} holds summaries already; add --resume to go on, or use another directory")
    return Job(found, output, output_format, before, removed)


def run_job(
    job: Job,
    config: EngineConfig,
    call: CallSettings,
    *,
    columns: Columns | None = None,
    actors: int = 1,
    num_cpus: float = 1,
    num_gpus: float = 0,
    batch_size: int | None = None,
    rows_per_shard: int = 1000,
) -> JobResult:
    """Summarises the job's documents into shards, on the Ray instance this process is connected to.

    Args:
      job: the plan, from `plan_job`.
      config: the engine settings.
      call: the per-call settings.
      columns: the input's column names.
      actors: actors in the pool.
      num_cpus: CPUs per actor.
      num_gpus: GPUs per actor.
      batch_size: rows per actor call (the engine batch size when None).
      rows_per_shard: the fewest records in a shard (but the last).

    Returns:
      The counts of what was written.
    """
    columns = columns or Columns()
    ds = read_documents(job.inputs)
    if len(job.before):
        # The set travels to the filter tasks once, through the object store.
        done = ray.put(pc.unique(job.before.column("id")))
        ds = ds.map_batches(
            lambda batch: _skip_done(batch, ray.get(done), columns.id),
            batch_format="pyarrow",
            batch_size=None,
            num_cpus=0,
        )
    records = summarize_dataset(
        ds,
        config,
        call,
        columns=columns,
        concurrency=actors,
        batch_size=batch_size,
        num_cpus=num_cpus,
        num_gpus=num_gpus,
    )
    if job.output_format == "parquet":
        records.write_parquet(job.output, min_rows_per_file=rows_per_shard, ray_remote_args=NO_CPU)
    else:
        records.write_datasink(JsonlDatasink(job.output, min_rows_per_file=rows_per_shard), ray_remote_args=NO_CPU)
    after = written_records(job.output, job.output_format)[0]
    return JobResult(len(after) - len(job.before), _errors(after) - _errors(job.before), len(job.before))


def _errors(records: pa.Table) -> int:
    return len(records) - records.column("error").null_count


def start_local(cores: int | None = None, **settings: Any) -> None:
    """Starts a Ray instance on this machine.

    It has a CPU slot per core for the actors, and one more for the tasks
    that list, read and write files: Ray Data starts the actors first, and
    with actors on every slot those tasks would wait forever
    (ray-project/ray#44687). They mostly wait on I/O, so the slot costs no core.
    Its servers listen on 127.0.0.1 only when RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER
    was "0" before Ray was imported (Ray's one-machine mode, its default on
    macOS and Windows; `summarize ray` sets it), else on every interface, as
    Ray's defaults on Linux have it, behind Ray's token.

    Args:
      cores: the cores to use; all of this machine's when None.
      **settings: more `ray.init` arguments.
    """
    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    ray.init(num_cpus=cores + IO_SLOTS, include_dashboard=False, configure_logging=False, **settings)


@contextmanager
def ray_session(address: str | None = None, quiet: bool = False) -> Iterator[None]:
    """Joins the cluster at `address`, or starts a Ray instance on this machine, for the block.

    An instance this process is connected to already is used as it is, and left running.

    Args:
      address: the cluster ("auto", "HOST:PORT" or "ray://HOST:10001"); None starts one here.
      quiet: no progress bars, and the actors' logs are not copied here.
    """
    ray.data.DataContext.get_current().enable_progress_bars = not quiet and sys.stderr.isatty()
    if address:
        check_reachable(address)
    if ray.is_initialized():
        yield
        return
    if address:
        ray.init(address=address, log_to_driver=not quiet)
    else:
        start_local(log_to_driver=not quiet)
    try:
        yield
    finally:
        ray.shutdown()


def check_reachable(address: str, timeout: float = 10.0) -> None:
    """Fails fast when a HOST:PORT or ray://HOST:PORT address does not answer: Ray itself
    retries for minutes, logging as it goes.

    Raises:
      ConnectionError: nothing listens there.
    """
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # "auto", or a form Ray resolves itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as err:
        raise ConnectionError(f"cannot reach the Ray cluster at {address}: {err.strerror or err}") from None


def root_cause(err: BaseException) -> BaseException:
    """The error under Ray's wrappers: what a task or an actor raised."""
    seen: set[int] = set()
    while id(err) not in seen:
        seen.add(id(err))
        inner = getattr(err, "cause", None) or err.__cause__
        if not isinstance(inner, BaseException):
            break
        err = inner
    return err


def pool_size(num_cpus: float, num_gpus: float) -> int:
    """How many actors of this size the connected cluster holds at once, leaving a CPU slot for I/O tasks."""
    resources = ray.cluster_resources()
    if num_gpus:
        return max(1, int(resources.get("GPU", 0) // num_gpus))
    return max(1, int((resources.get("CPU", 1) - IO_SLOTS) // num_cpus))

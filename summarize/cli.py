"""The `summarize` command line (typer).

`summarize PATH... | -` summarises; `summarize eval`, `summarize models` and
`summarize serve` are the tools around it.
Exit codes: 0 success, 1 some documents failed, 2 usage error, 3 the output
cannot be written (or, for serve, the port cannot be bound), 130 interrupted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from summarize import __version__
from summarize.io import (
    FORMATS,
    INPUT_FORMATS,
    Problem,
    check_input_format,
    input_overlap,
    is_url,
    make_writer,
    read_sources,
)
from summarize.io import resume as resume_output
from summarize.schema import CallSettings, Document, EngineConfig, UsageError

log = logging.getLogger("summarize")


def _params(cls: type, panel: str) -> list[inspect.Parameter]:
    """One typer option per field of a settings class, with its default and help."""
    params = []
    for spec in dataclasses.fields(cls):
        meta = spec.metadata
        help = meta["help"] + (f" [{' | '.join(meta['choices'])}]" if meta.get("choices") else "")
        flag = "--" + spec.name.replace("_", "-")
        option = typer.Option(flag, help=help, rich_help_panel=panel, show_default=spec.default is not None)
        params.append(
            inspect.Parameter(
                spec.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=spec.default,
                annotation=Annotated[eval(str(spec.type)), option],  # noqa: S307 - our own annotations
            )
        )
    return params


ENGINE_PARAMS = _params(EngineConfig, "Engine (fixed at load time)")
CALL_PARAMS = _params(CallSettings, "Summary (per call)")


def with_settings(*, call: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Adds the settings options to a command and hands it `config` (and `call`).

    Args:
      call: whether the command also takes the per-call settings.
    """
    extra = ENGINE_PARAMS + (CALL_PARAMS if call else [])

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func, eval_str=True)
        ours = {"config", "call"}

        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> Any:
            try:
                settings: dict[str, EngineConfig | CallSettings] = {
                    "config": EngineConfig(**{p.name: kwargs.pop(p.name) for p in ENGINE_PARAMS})
                }
                if call:
                    settings["call"] = CallSettings(**{p.name: kwargs.pop(p.name) for p in CALL_PARAMS})
            except UsageError as err:
                _usage_error(str(err))
            return func(**settings, **kwargs)

        params = [p for p in signature.parameters.values() if p.name not in ours]
        wrapper.__signature__ = signature.replace(parameters=params + extra)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {k: v for k, v in func.__annotations__.items() if k not in ours}
        return wrapper

    return decorate


def _usage_error(message: str) -> None:
    typer.echo(f"summarize: error: {message}", err=True)
    raise typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"summarize {__version__}")
        raise typer.Exit()


def _setup_logging(quiet: bool) -> None:
    logging.basicConfig(level=logging.ERROR if quiet else logging.WARNING, format="summarize: %(message)s")
    # transformers and huggingface_hub are chatty about things users cannot act on.
    for name in ("transformers", "huggingface_hub"):
        logging.getLogger(name).setLevel(logging.ERROR)


# Plain help (no rich markup): no "<bool>" placeholders on flags, and --help
# imports nothing heavy.
app = typer.Typer(
    add_completion=False, rich_markup_mode=None, help="Headlines and paragraph summaries of news articles."
)
EPILOG = """\b
Commands (summarize COMMAND --help for each):
  eval     score a method on a dataset: ROUGE, lengths, faithfulness
  models   list the model registry, or pull a model into the cache
  serve    run the HTTP service (pip install 'summarize[serve]')
  ray      summarise JSONL or Parquet files on a Ray cluster (pip install 'summarize[ray]')
"""


@app.command(epilog=EPILOG)
@with_settings()
def main_command(
    paths: Annotated[list[str] | None, typer.Argument(help="Files, directories, http(s) URLs, or - for stdin.")] = None,
    input_format: Annotated[
        str, typer.Option("--input-format", help=f"{' | '.join(INPUT_FORMATS)} (urls: files listing one URL a line)")
    ] = "text",
    text_field: Annotated[str, typer.Option("--text-field", help="JSONL field with the text.")] = "text",
    fmt: Annotated[str, typer.Option("--format", "-f", help=" | ".join(FORMATS))] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here, record by record.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Skip ids already in --output (jsonl).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no warnings.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    *,
    config: EngineConfig,
    call: CallSettings,
) -> None:
    """Summarise articles: a headline and a paragraph for each."""
    outcome = _Outcome()
    try:
        _setup_logging(quiet)
        sources = paths or ["-"]
        _check_sources(sources, input_format, fmt, output, resume)
        _summarise(sources, input_format, text_field, fmt, output, resume, quiet, config, call, outcome)
    except KeyboardInterrupt:
        typer.echo(f"summarize: interrupted; {outcome.written} summaries written", err=True)
        raise typer.Exit(130) from None
    raise typer.Exit(1 if outcome.failures else 0)


def _check_sources(sources: list[str], input_format: str, fmt: str, output: Path | None, resume: bool) -> None:
    """Usage errors in the sources and the output, found before anything is opened."""
    if fmt not in FORMATS:
        _usage_error(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        check_input_format(input_format)
    except UsageError as err:
        _usage_error(str(err))
    if sources == ["-"] and sys.stdin.isatty():
        _usage_error("no input: give files, directories, or - to read stdin")
    missing = [p for p in sources if p != "-" and not is_url(p) and not Path(p).exists()]
    if missing:
        _usage_error(f"no such file or directory: {', '.join(missing)}")
    if resume and (output is None or fmt != "jsonl"):
        _usage_error("--resume needs --output with --format jsonl")
    shared = input_overlap(output, sources, input_format) if output else None
    if shared is not None:
        _usage_error(f"--output {output} would overwrite or be read as the input {shared}")


@dataclasses.dataclass
class _Outcome:
    written: int = 0
    failures: int = 0


def _summarise(
    sources: list[str],
    input_format: str,
    text_field: str,
    fmt: str,
    output: Path | None,
    resume: bool,
    quiet: bool,
    config: EngineConfig,
    call: CallSettings,
    outcome: _Outcome,
) -> None:
    """Reads, summarises and writes record by record, counting into `outcome`."""
    try:
        summarizer = _summarizer(config)
    except UsageError as err:
        _usage_error(str(err))
    where = str(output) if output else "stdout"
    with _writing(where):
        done, notes = resume_output(output) if (resume and output) else (Counter[str](), [])
        stream = open(output, "a" if resume else "w", encoding="utf-8") if output else sys.stdout
    for note in notes:
        typer.echo(f"summarize: --resume: {note}", err=True)
    writer = make_writer(fmt, stream)

    def report(problem: Problem) -> None:
        outcome.failures += problem.failure
        typer.echo(f"summarize: {problem.id}: {problem.message}", err=True)

    def documents() -> Iterator[Document]:
        for item in read_sources(sources, input_format, text_field):
            if isinstance(item, Problem):
                report(item)
            elif done[item.id] > 0:
                done[item.id] -= 1  # ids may repeat: skip as many as are done
            else:
                yield item

    show_progress = (
        not quiet and sys.stderr.isatty() and (len(sources) > 1 or input_format == "jsonl" or Path(sources[0]).is_dir())
    )
    finished = False
    try:
        with _Progress(show_progress) as advance:
            for summary in summarizer.summarize_many(documents(), call):
                if summary.ok:
                    with _writing(where, stream):
                        writer.write(summary)
                    outcome.written += 1
                else:
                    report(Problem(summary.id, summary.error or "failed"))
                advance()
        finished = True
    finally:
        # On Ctrl-C too, a JSON array is closed; after a failed write, nothing more can be.
        with _writing(where, stream) if finished else contextlib.suppress(OSError):
            writer.close()
            if output:
                stream.close()


@contextlib.contextmanager
def _writing(where: str, stream: IO[str] | None = None) -> Iterator[None]:
    """Turns a failure to write the output (disk full, /dev/full, closed pipe)
    into one line and exit status 3."""
    try:
        yield
    except OSError as err:
        if stream is not None:
            # Point the stream at /dev/null: its buffer is flushed again at exit,
            # and that must not fail a second time with a traceback.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        typer.echo(f"summarize: error: cannot write {where}: {err.strerror or err}", err=True)
        raise typer.Exit(3) from None


def _summarizer(config: EngineConfig) -> Any:
    from summarize.summarizer import Summarizer  # after argument parsing: keeps --help fast

    return Summarizer(config)


class _Progress:
    """A rich progress bar on stderr, or nothing; yields a function to advance it."""

    def __init__(self, enabled: bool) -> None:
        self.bar: Any = None
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TimeElapsedColumn

            self.bar = Progress(
                SpinnerColumn(),
                "summarising",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )

    def __enter__(self) -> Callable[[], None]:
        if self.bar is None:
            return lambda: None
        self.bar.start()
        task = self.bar.add_task("summarising", total=None)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


tools = typer.Typer(add_completion=False, rich_markup_mode=None, help="Tools around summarize.")
models_app = typer.Typer(add_completion=False, rich_markup_mode=None, help="The model registry.")
tools.add_typer(models_app, name="models")


@models_app.command("list")
def models_list(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """List the registry's models and whether each is in the local cache."""
    from summarize.models import ModelUnavailable, model_table

    try:
        rows = model_table()
    except ModelUnavailable as err:
        typer.echo(f"summarize: error: {err}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    typer.echo(f"{'name':22} {'kind':8} {'hub id':36} {'revision':10} available")
    for row in rows:
        typer.echo(
            f"{row['name']:22} {row['kind']:8} {row['hub_id'] or '-':36} {row['revision'][:10]:10} "
            f"{'yes' if row['available'] else 'no'}"
        )


@models_app.command("pull")
def models_pull(name: Annotated[str, typer.Argument(help="Registry name or hub id.")]) -> None:
    """Download a model into the Hugging Face cache."""
    from summarize.models import ModelUnavailable, download, spec_for

    try:
        path = download(spec_for(name))
    except ModelUnavailable as err:
        typer.echo(f"summarize: error: {err}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{name}: {path}")


@tools.command("eval")
@with_settings()
def eval_command(
    data: Annotated[
        Path, typer.Argument(help="JSONL with an article and a reference per row (faithfulness: or a folder of them).")
    ],
    task: Annotated[str, typer.Option("--task", help="paragraph | headline | faithfulness")] = "paragraph",
    reference_field: Annotated[
        str | None,
        typer.Option(
            "--reference-field",
            help="Default: reference (paragraph), title (headline); faithfulness: the first of reference, title.",
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Score only the first N rows.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    per_doc: Annotated[
        Path | None, typer.Option("--per-doc", help="Write each document's scores here (JSONL).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="faithfulness: the seed of the injected errors.")] = 0,
    *,
    config: EngineConfig,
    call: CallSettings,
) -> None:
    """Score a method on a dataset (ROUGE-1/2/Lsum with 95% CIs, lengths, faithfulness, defect rates),
    or, with --task faithfulness, the guard itself: false positives on human summaries, recall on injected errors."""
    from summarize.evaluate import evaluate

    _setup_logging(quiet=as_json)
    if task not in ("paragraph", "headline", "faithfulness"):
        _usage_error("--task must be paragraph, headline or faithfulness")
    if task == "faithfulness":
        _faithfulness_eval(data, reference_field, limit, seed, per_doc, as_json)
        return
    if not data.is_file():
        _usage_error(f"no such file: {data}")
    try:
        result = evaluate(data, task, config, call, reference_field, limit, per_doc)
    except (UsageError, ValueError) as err:
        _usage_error(str(err))
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(f"{'metric':12} {'mean':>7}  95% CI")
    for key in ("rouge1", "rouge2", "rougeLsum"):
        low, high = result[key]["ci95"]
        typer.echo(f"{key:12} {result[key]['mean']:7.2f}  {low:.2f}–{high:.2f}")
    lengths = result["length_words"]
    typer.echo(f"{'length':12} {lengths['mean']:7.1f}  p95 {lengths['p95']:.0f} words")
    typer.echo(f"{'unfaithful':12} {100 * result['unfaithful_rate']:6.1f}%  (a number, name or quote in conflict)")
    unsupported = 100 * result["unsupported_rate"]
    typer.echo(f"{'unsupported':12} {unsupported:6.1f}%  (the same, or added from outside the source)")
    _echo_defects(result["defect_rate"])
    typer.echo(f"signature: {result['signature']}")


def _faithfulness_eval(
    data: Path, reference_field: str | None, limit: int | None, seed: int, per_doc: Path | None, as_json: bool
) -> None:
    """`summarize eval --task faithfulness`: one line per dataset, or JSON keyed by file name."""
    from summarize.corrupt import KINDS
    from summarize.evaluate import faithfulness_rates

    if data.is_dir():
        files = sorted(data.glob("*.jsonl"))
        if not files:
            _usage_error(f"no .jsonl files in {data}")
        if per_doc is not None:
            _usage_error("--per-doc takes one dataset, not a folder")
    elif data.is_file():
        files = [data]
    else:
        _usage_error(f"no such file or folder: {data}")
    results: dict[str, Any] = {}
    for path in files:
        try:
            results[path.name] = faithfulness_rates(path, reference_field, limit, seed, per_doc)
        except (UsageError, ValueError, OSError) as err:
            _usage_error(str(err))
    if as_json:
        typer.echo(json.dumps(results, indent=2))
        return
    width = max(len(name) for name in results)
    header = f"{'data':{width}}  {'field':9} {'rows':>5}  {'false pos.':>10}  {'unsupported':>11}  "
    typer.echo(header + "  ".join(f"{k:>7}" for k in KINDS))
    for name, result in results.items():
        recall = "  ".join(f"{100 * result['recall'][k]['rate']:6.1f}%" for k in KINDS)
        fp, listed = result["false_positive"]["rate"], result["unsupported"]["rate"]
        rates = f"{100 * fp:9.1f}%  {100 * listed:10.1f}%"
        typer.echo(f"{name:{width}}  {result['reference_field']:9} {result['rows']:5}  {rates}  {recall}")
    typer.echo(
        "false pos.: share of human summaries with a conflict (the guard fires); unsupported: with any item the"
        " source lacks (conflicts and unsourced additions, noted only); the rest: share of injected errors caught"
    )
    for result in results.values():
        typer.echo(f"signature: {result['signature']}")


def _echo_defects(rates: dict[str, dict[str, float]]) -> None:
    """The defect table: the share of headlines and of paragraphs with each kind."""
    typer.echo(f"{'defects':16} {'headline':>8} {'paragraph':>9}")
    kinds = list(dict.fromkeys([*rates["headline"], *rates["paragraph"]]))
    for kind in kinds:
        cells = [f"{100 * rates[part][kind]:.1f}%" if kind in rates[part] else "-" for part in rates]
        typer.echo(f"{kind:16} {cells[0]:>8} {cells[1]:>9}")


@tools.command("serve")
@with_settings(call=False)
def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; loopback unless you say otherwise.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    batch_wait_ms: Annotated[float, typer.Option("--batch-wait-ms", help="Wait this long to fill a batch.")] = 10,
    max_batch: Annotated[int, typer.Option("--max-batch", help="Most documents per engine batch.")] = 16,
    max_queue: Annotated[int, typer.Option("--max-queue", help="Most documents waiting; then 503.")] = 256,
    max_body_mb: Annotated[float, typer.Option("--max-body-mb", help="Largest request body; then 413.")] = 2.0,
    timeout_s: Annotated[float, typer.Option("--timeout-s", help="Longest a request may take; then 504.")] = 60,
    read_timeout_s: Annotated[
        float, typer.Option("--read-timeout-s", help="Longest a client may take to send its request; then 408.")
    ] = 30,
    shutdown_grace_s: Annotated[
        float, typer.Option("--shutdown-grace-s", help="On SIGTERM, time for requests in flight; then 503.")
    ] = 20,
    *,
    config: EngineConfig,
) -> None:
    """Run the HTTP service (needs the serve extra: pip install 'summarize[serve]')."""
    _setup_logging(quiet=False)
    logging.getLogger("summarize").setLevel(logging.INFO)
    try:
        from summarize import http_server
        from summarize.serve import ServeSettings, create_app
    except ImportError as err:
        _usage_error(f"{err.name} is missing: install the serve extra, pip install 'summarize[serve]'")
    if not 1 <= port <= 65535:
        _usage_error(f"--port must be from 1 to 65535, not {port}")
    limits = {
        "--max-batch": max_batch,
        "--max-queue": max_queue,
        "--max-body-mb": max_body_mb,
        "--timeout-s": timeout_s,
        "--read-timeout-s": read_timeout_s,
        "--shutdown-grace-s": shutdown_grace_s,
    }
    bad = [name for name, value in limits.items() if not 0 < value < 1e9]  # NaN and inf fail too
    bad += [] if 0 <= batch_wait_ms < 1e9 else ["--batch-wait-ms"]
    if bad:
        _usage_error(f"{', '.join(bad)}: must be a positive number (--batch-wait-ms may be 0)")
    settings = ServeSettings(
        batch_wait_ms, max_batch, max_queue, int(max_body_mb * 1024 * 1024), timeout_s, read_timeout_s, shutdown_grace_s
    )
    try:
        sock = http_server.bind(host, port)
    except OSError as err:
        reason = os.strerror(err.errno) if err.errno else str(err)
        typer.echo(f"summarize: error: cannot listen on {host}:{port}: {reason}", err=True)
        raise typer.Exit(3) from None
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    typer.echo(f"summarize: listening on http://{shown}:{bound_port} (API docs at /docs)", err=True)
    http_server.run(create_app(config, settings), sock, settings)


@tools.command("ray")
@with_settings()
def ray_command(
    inputs: Annotated[list[str], typer.Argument(help="JSONL or Parquet files or directories (paths, or s3:// etc.).")],
    output: Annotated[str, typer.Option("--output", "-o", help="Directory for the shards (path or URI).")],
    output_format: Annotated[str, typer.Option("--output-format", help="parquet | jsonl")] = "parquet",
    resume: Annotated[bool, typer.Option("--resume", help="Skip the ids the output holds already.")] = False,
    address: Annotated[
        str | None, typer.Option("--address", help="Join this cluster (auto, HOST:PORT, ray://HOST:10001).")
    ] = None,
    actors: Annotated[
        int | None,
        typer.Option(
            "--actors", help="Actors in the pool (default: as many as the cluster holds, less a CPU for I/O)."
        ),
    ] = None,
    num_cpus: Annotated[float, typer.Option("--num-cpus", help="CPUs per actor.")] = 1.0,
    num_gpus: Annotated[float, typer.Option("--num-gpus", help="GPUs per actor (0.5: two share one).")] = 0.0,
    rows_per_shard: Annotated[int, typer.Option("--rows-per-shard", help="Fewest records per output file.")] = 1000,
    id_field: Annotated[str, typer.Option("--id-field", help="Input column with the id.")] = "id",
    text_field: Annotated[str, typer.Option("--text-field", help="Input column with the text.")] = "text",
    url_field: Annotated[str, typer.Option("--url-field", help="Input column with the page's URL.")] = "url",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars, no warnings.")] = False,
    *,
    config: EngineConfig,
    call: CallSettings,
) -> None:
    """Summarise on a Ray cluster, or a Ray instance started here (pip install 'summarize[ray]')."""
    _setup_logging(quiet)
    if address is None:
        # Ray's one-machine mode (its default on macOS and Windows): the
        # instance started here listens on 127.0.0.1 only. Read when Ray is imported.
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    try:
        from summarize import ray_job
        from summarize.distributed import Columns, check_pool
    except ImportError:
        _usage_error("ray is not installed: pip install 'summarize[ray]'")
    if (actors is not None and actors < 1) or rows_per_shard < 1:
        _usage_error("--actors and --rows-per-shard must be at least 1")
    try:
        check_pool(config, num_cpus, num_gpus)
        job = ray_job.plan_job(inputs, output, output_format, resume)
    except UsageError as err:
        _usage_error(str(err))
    for path in job.inputs.skipped:
        typer.echo(f"summarize: {path}: skipped: not a .jsonl, .json or .parquet file", err=True)
    for path in job.removed:
        typer.echo(f"summarize: {path}: cut short by an earlier run; removed, its documents are done again", err=True)
    try:
        with ray_job.ray_session(address, quiet):
            result = ray_job.run_job(
                job,
                config,
                call,
                columns=Columns(id_field, text_field, url_field),
                actors=actors or ray_job.pool_size(num_cpus, num_gpus),
                num_cpus=num_cpus,
                num_gpus=num_gpus,
                rows_per_shard=rows_per_shard,
            )
    except KeyboardInterrupt:
        typer.echo("summarize: interrupted; the shards written are kept, and --resume goes on from them", err=True)
        raise typer.Exit(130) from None
    except Exception as err:  # noqa: BLE001 - Ray wraps what failed; the user gets its cause in one line
        cause = ray_job.root_cause(err)
        if isinstance(cause, UsageError | ConnectionError):
            _usage_error(str(cause))
        typer.echo(f"summarize: error: the Ray job failed: {type(cause).__name__}: {cause}", err=True)
        raise typer.Exit(1) from None
    good = result.written - result.failed
    typer.echo(
        f"summarize: {result.written} records written to {output}: {good} summaries, {result.failed} failed"
        + (" (their records carry the error)" if result.failed else "")
        + (f"; {result.resumed} were there already" if result.resumed else ""),
        err=True,
    )
    raise typer.Exit(1 if result.failed else 0)


SUBCOMMANDS = frozenset({"eval", "models", "serve", "ray"})


def main(argv: list[str] | None = None) -> None:
    """The console script: dispatches to a tool or to summarising."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in SUBCOMMANDS:
        tools(args=args, prog_name="summarize")
    else:
        app(args=args, prog_name="summarize")


if __name__ == "__main__":
    main()

"""Summaries over Ray Data, on a local Ray instance (2 CPUs) that the module's tests share.

Each Ray job costs seconds here (actors start, then load the engine), so the
jobs run once in module fixtures and several tests read their output.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLE
from typer.testing import CliRunner

from summarize import cli
from summarize.schema import EngineConfig, Summary
from summarize.summarizer import failed

# Ray's one-machine mode, as `summarize ray` starts it: every server on 127.0.0.1 (read when Ray is imported).
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
ray = pytest.importorskip("ray")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
from summarize.distributed import RECORD_SCHEMA, Columns, from_row, summarize_dataset, to_table  # noqa: E402
from summarize.ray_job import start_local  # noqa: E402

pytestmark = pytest.mark.slow
runner = CliRunner()

# Articles of our own; each variant adds a sentence of its own, so no two are alike.
BASES = [
    ARTICLE,
    "Heavy rain flooded the main road into the valley on Sunday night. Crews worked until dawn to clear the mud. "
    "The regional transport office said the road would reopen by Wednesday. Farmers near the river moved their "
    "animals to higher ground as the water rose. No one was hurt, the police said.",
    "The national orchestra announced a free summer concert series in the old harbour. The first concert is on "
    "June 12 and features music by local composers. Organisers expect more than 5,000 people each night. "
    "Tickets are not needed, but seats will be limited. The series is paid for by a grant from the arts council.",
    "A small software company in the north has been bought by a larger rival for $40 million. The company makes "
    "tools that help hospitals plan staff rotas. Its 80 employees will keep their jobs, the buyer said. "
    "The deal is expected to close in the autumn after a review by regulators.",
]


def article(number: int) -> str:
    return f"{BASES[number % len(BASES)]} The office logged the matter as case {number} in its records."


def short_article(number: int) -> str:
    """Two sentences: under the tiny model's 128 tokens, so that it runs no chunking."""
    first, second = BASES[number % len(BASES)].split(". ")[:2]
    return f"{first}. {second} in case {number}."


@pytest.fixture(scope="module", autouse=True)
def local_ray(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One Ray instance for the module, as `summarize ray` starts one, on 2 cores; actors offline, empty HF cache."""
    cache = tmp_path_factory.mktemp("ray-hf-empty")
    env = {"HF_HOME": str(cache), "HF_HUB_CACHE": str(cache / "hub"), "HF_HUB_OFFLINE": "1"}
    start_local(2, log_to_driver=False, runtime_env={"env_vars": env})
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with one JSONL file: 10 articles, one empty text, one record with no text, and a stray file."""
    directory = tmp_path_factory.mktemp("inputs")
    rows: list[dict[str, Any]] = [{"id": f"doc-{i}", "text": article(i)} for i in range(9)]
    rows.append({"id": "007", "text": article(9)})  # a string, though it looks like a number
    rows += [{"id": "empty", "text": ""}, {"id": "no-text", "title": "A record without its text"}]
    (directory / "articles.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    (directory / "notes.txt").write_text("not an input file")
    return directory


def cli_lines(path: Path, *settings: str, code: int = 0) -> dict[str, str]:
    """The single-process CLI's JSONL lines, by id."""
    result = runner.invoke(cli.app, [str(path), "--input-format", "jsonl", "-f", "jsonl", *settings])
    assert result.exit_code == code, result.stderr
    return {json.loads(line)["id"]: line for line in result.stdout.splitlines()}


def run_ray(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli.tools, ["ray", *args])
    return result.exit_code, result.stderr


def read_records(output: Path) -> list[dict[str, Any]]:
    """Every record in an output directory's shards, as the CLI's JSON would give it."""
    parquet = sorted(output.glob("*.parquet"))
    rows = pq.read_table(parquet).to_pylist() if parquet else []
    records = [from_row(row).to_dict() for row in rows]
    for shard in sorted(output.glob("*.jsonl")):
        records += [json.loads(line) for line in shard.read_text().splitlines()]
    return records


def test_records_round_trip_through_the_schema() -> None:
    good = Summary("a", "Council backs budget", "The council approved it.", "textrank", notes=["a note"])
    mixed = Summary(
        "b", "H", "P", "abstractive", "t5-small", sources={"headline": "textrank", "paragraph": "abstractive"}
    )
    bad = failed("c", "empty text")
    table = to_table([good, mixed, bad])
    assert table.schema == RECORD_SCHEMA
    assert set(RECORD_SCHEMA.names) == set(good.to_dict()) | {"error"}  # no field of the record left out
    assert [from_row(row).to_dict() for row in table.to_pylist()] == [s.to_dict() for s in (good, mixed, bad)]


@pytest.fixture(scope="module")
def textrank_job(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    output = tmp_path_factory.mktemp("textrank-out")
    code, err = run_ray(str(inputs), "-o", str(output), "--method", "textrank", "--actors", "2")
    return code, err, output


def test_records_match_the_single_process_cli(inputs: Path, textrank_job: tuple[int, str, Path]) -> None:
    code, err, output = textrank_job
    lines = cli_lines(inputs / "articles.jsonl", "--method", "textrank", code=1)  # 2 records fail
    expected = {id: json.loads(line) for id, line in lines.items()}
    records = read_records(output)
    assert [r["id"] for r in records if "error" not in r] != []
    assert {r["id"]: r for r in records if "error" not in r} == expected
    assert pq.read_schema(next(output.glob("*.parquet"))).remove_metadata() == RECORD_SCHEMA
    assert "12 records written" in err and "10 summaries, 2 failed" in err, err


def test_failed_records_carry_their_error_and_the_job_goes_on(textrank_job: tuple[int, str, Path]) -> None:
    code, err, output = textrank_job
    by_id = Counter(r["id"] for r in read_records(output))
    errors = {r["id"]: r["error"] for r in read_records(output) if "error" in r}
    assert code == 1 and "2 failed" in err and "Traceback" not in err
    assert errors == {"empty": "empty text", "no-text": "record has no string field 'text' and no http(s) 'url'"}
    assert set(by_id.values()) == {1} and len(by_id) == 12
    assert "notes.txt: skipped: not a .jsonl" in err


@pytest.fixture(scope="module")
def resumed_job(tiny_t5: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A JSONL output that an earlier run left with 2 records and a shard cut short, resumed with a model
    from Parquet input."""
    rows = [{"id": f"m{i}", "text": short_article(i)} for i in range(5)]
    source = tmp_path_factory.mktemp("short-inputs") / "short.jsonl"  # for the single-process CLI
    source.write_text("".join(json.dumps(row) + "\n" for row in rows))
    pq.write_table(pa.Table.from_pylist(rows), source.with_suffix(".parquet"))  # for Ray
    # Short outputs, as a random model writes until its length limit; its
    # output kept (with a note), not replaced; one thread, as each actor has,
    # so that the arithmetic is the same.
    settings = ("--method", "abstractive", "--model", str(tiny_t5), "--threads", "1")
    settings += ("--headline-words", "3", "--paragraph-words", "10", "--on-flag", "note")
    expected = cli_lines(source, *settings)
    output = tmp_path_factory.mktemp("resumed-out")
    earlier = [expected["m0"], expected["m1"]]
    (output / "earlier.jsonl").write_text("".join(line + "\n" for line in earlier))
    (output / "cut.jsonl").write_text(expected["m2"][:40])
    code, err = run_ray(
        str(source.with_suffix(".parquet")),
        "-o",
        str(output),
        "--output-format",
        "jsonl",
        "--resume",
        "--actors",
        "2",
        *settings,
    )
    return {"code": code, "err": err, "output": output, "expected": expected, "earlier": earlier}


def test_resume_skips_what_is_done_and_redoes_a_cut_shard(resumed_job: dict[str, Any]) -> None:
    output: Path = resumed_job["output"]
    err = resumed_job["err"]
    assert resumed_job["code"] == 0, err
    assert (output / "earlier.jsonl").read_text() == "".join(line + "\n" for line in resumed_job["earlier"])
    assert not (output / "cut.jsonl").exists() and "cut.jsonl: cut short by an earlier run" in err
    new = [
        json.loads(line)["id"]
        for shard in output.glob("*.jsonl")
        if shard.name != "earlier.jsonl"
        for line in shard.read_text().splitlines()
    ]
    assert sorted(new) == ["m2", "m3", "m4"]
    assert "3 records written" in err and "3 summaries, 0 failed; 2 were there already" in err


def test_jsonl_shards_hold_the_cli_lines_byte_for_byte(resumed_job: dict[str, Any]) -> None:
    output: Path = resumed_job["output"]
    lines = {
        json.loads(line)["id"]: line for shard in output.glob("*.jsonl") for line in shard.read_text().splitlines()
    }
    assert lines == resumed_job["expected"]
    assert {json.loads(line)["method"] for line in lines.values()} == {"abstractive"}


def _live_actor_pids() -> list[int]:
    # The state API needs the dashboard, which this instance does not run; GCS's own table has the pids.
    from ray._private import state

    return [
        int(actor["Pid"])
        for actor in state.actors().values()
        if "SummarizeBatch" in actor["ActorClassName"] and actor["State"] == "ALIVE" and actor.get("Pid")
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_actors_killed_mid_job_still_give_every_record_once(tmp_path: Path) -> None:
    ids = [f"k{i}" for i in range(96)]
    rows = [{"doc_id": id, "body": article(i)} for i, id in enumerate(ids)]
    # Many small blocks: many tasks, some of them in flight on each actor when it dies.
    ds = ray.data.from_items(rows, override_num_blocks=24)
    records = summarize_dataset(
        ds, EngineConfig(method="textrank"), columns=Columns(id="doc_id", text="body"), concurrency=2, batch_size=2
    )
    output = tmp_path / "out"
    errors: list[BaseException] = []

    def work() -> None:
        try:
            records.write_parquet(str(output))
        except BaseException as err:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(err)

    thread = threading.Thread(target=work)
    thread.start()
    killed: list[int] = []
    while thread.is_alive() and not killed:
        if list(output.glob("*.parquet")):  # the job is under way: kill every actor of the pool
            killed = _live_actor_pids()
            for pid in killed:
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)
    thread.join(timeout=240)
    assert not errors, errors
    assert killed, "the job ended before its actors could be killed"
    written = pq.read_table(sorted(output.glob("*.parquet")), columns=["id"]).column("id").to_pylist()
    assert Counter(written) == Counter(ids)


def test_usage_errors_are_one_line(inputs: Path, textrank_job: tuple[int, str, Path], tmp_path: Path) -> None:
    _, _, output = textrank_job
    code, err = run_ray(str(inputs), "-o", str(output), "--method", "textrank")
    assert code == 2 and "holds summaries already; add --resume" in err
    code, err = run_ray(str(inputs), "-o", str(output), "--output-format", "jsonl", "--resume")
    assert code == 2 and "holds parquet shards" in err
    code, err = run_ray(str(tmp_path / "missing"), "-o", str(tmp_path / "out"))
    assert code == 2 and "no such file or directory" in err
    code, err = run_ray(str(inputs / "notes.txt"), "-o", str(tmp_path / "out"))
    assert code == 2 and "no .jsonl, .json or .parquet files" in err
    code, err = run_ray(str(inputs), "-o", str(tmp_path / "out"), "--workers", "2")
    assert code == 2 and "add actors instead" in err
    code, err = run_ray(str(inputs), "-o", str(tmp_path / "out"), "--address", "127.0.0.1:1")
    assert code == 2 and "cannot reach the Ray cluster at 127.0.0.1:1" in err
    for bad in (["--actors", "0"], ["--num-cpus", "0"], ["--output-format", "csv"]):
        code, err = run_ray(str(inputs), "-o", str(tmp_path / "out"), *bad)
        assert code == 2 and len(err.strip().splitlines()) == 1, err


def test_without_ray_the_error_says_how_to_install(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [
        m for m in sys.modules if m == "ray" or m.startswith(("ray.", "summarize.ray_job", "summarize.distributed"))
    ]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    code, err = run_ray(str(inputs), "-o", str(tmp_path / "out"))
    assert code == 2 and "pip install 'summarize[ray]'" in err


def test_scaleout_bench_gives_its_rows() -> None:
    from benchmarks.measure import in_child
    from benchmarks.scaleout import scaleout_rows

    address = ray.get_runtime_context().gcs_address
    rows = scaleout_rows([article(i) for i in range(4)], None, 2, in_child, address=address)
    assert [row["setup"] for row in rows] == ["1 process", "--workers 2", "Ray, 2 actors"]
    assert all(row["engine"] == "textrank" and row["articles"] == 4 and row["articles_per_s"] > 0 for row in rows)
    ray_row = rows[-1]
    assert min(ray_row["startup_s"], ray_row["first_job_s"], ray_row["job_overhead_s"]) > 0
    assert all(row["peak_mb"] > 20 for row in rows), rows  # each process's own peak, the actors' included

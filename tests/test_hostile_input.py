"""The command line under hostile input: nothing good is lost, nothing hangs,
and every failure is one line with a documented exit status (issue #15)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ARTICLE, ROOT
from typer.testing import CliRunner

from summarize import cli, io

runner = CliRunner()
TEXTRANK = ("--method", "textrank")


def run(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, [*args, *TEXTRANK], input=input)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def records(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def jsonl(*rows: dict[str, object]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def article(i: int) -> str:
    return f"The council published its report number {i} on the budget on Monday. " + ARTICLE


# --- the output never shares a file with the input ---------------------------


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_output_naming_the_input_is_refused_before_opening(tmp_path: Path, fmt: str) -> None:
    source = tmp_path / ("in.jsonl" if fmt == "jsonl" else "in.txt")
    content = jsonl({"id": "a", "text": ARTICLE}) if fmt == "jsonl" else ARTICLE
    source.write_text(content)
    link = tmp_path / "link"
    link.symlink_to(source)
    for output in (source, link):
        code, _, err = run(str(source), "--input-format", fmt, "-o", str(output))
        assert code == 2 and "would overwrite or be read as the input" in err
    assert source.read_text() == content


def test_output_inside_an_input_directory_is_refused_only_when_it_would_be_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    code, _, err = run(str(tmp_path), "-o", str(tmp_path / "summaries.md"))
    assert code == 2 and "read as the input" in err and not (tmp_path / "summaries.md").exists()
    code, _, _ = run(str(tmp_path), "-f", "jsonl", "-o", str(tmp_path / "summaries.jsonl"))
    assert code == 0 and len(records((tmp_path / "summaries.jsonl").read_text())) == 1


# --- JSONL is streamed, record by record ---------------------------------------


def test_jsonl_on_stdin_is_streamed_past_the_file_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # The limits scaled down: 40 records of ~600 bytes are 24 KB, ten times the
    # "file" limit, and one record is over the record limit.
    monkeypatch.setattr(io, "MAX_FILE_BYTES", 2048)
    monkeypatch.setattr(io, "MAX_RECORD_BYTES", 1024)
    rows = [{"id": str(i), "text": article(i)} for i in range(40)]
    rows.insert(7, {"id": "huge", "text": "word " * 400})
    code, out, err = run("-", "--input-format", "jsonl", "-f", "jsonl", input=jsonl(*rows))
    assert [r["id"] for r in records(out)] == [str(i) for i in range(40)]
    assert code == 1 and err.count("summarize:") == 1 and "stdin:8: record over the" in err


def test_jsonl_reader_handles_bom_surrogates_depth_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "first", "text": article(0)}),
        '{"id": "lone\\ud800", "text": "' + article(1) + ' A lone \\udc00 surrogate."}',
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"id": "crlf", "text": article(2) + " Line\u2028separator inside."}),
    ]
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines[:3]).encode() + b"\r\n" + lines[3].encode() + b"\r\n")
    code, out, err = run(str(path), "--input-format", "jsonl", "-f", "jsonl")
    got = {r["id"]: r for r in records(out)}
    assert set(got) == {"first", "lone\ufffd", "crlf"}
    assert "1 lone surrogate(s) replaced" in got["lone\ufffd"]["notes"]
    assert code == 1 and "in.jsonl:3: malformed JSON: nested too deeply" in err


def test_file_names_with_undecodable_bytes_are_written(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")  # a lone surrogate in the id
    (tmp_path / name).write_text(ARTICLE)
    code, out, _ = run(str(tmp_path), "-f", "jsonl")
    assert code == 0 and records(out)[0]["id"].endswith("caf\ufffd.txt")


# --- bounded reading -----------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_read_to_the_limit_only() -> None:
    code, _, err = run("/dev/zero")
    assert code == 1 and "/dev/zero: file is over the 64 MB limit" in err


def test_read_bounded_counts_bytes_read_not_reported_sizes(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 5000)
    with open(path, "rb") as handle:
        assert io.read_bounded(handle, 5000) == b"x" * 5000
    with open(path, "rb") as handle:
        assert io.read_bounded(handle, 4999) is None


def test_an_unreadable_directory_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text(ARTICLE)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text(ARTICLE)
    # chmod 0 does not stop root: refuse the listing the way the kernel would.
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if os.fspath(path) == str(locked):  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", str(locked))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = run(str(tmp_path), "-f", "jsonl")
    assert [Path(r["id"]).name for r in records(out)] == ["a.txt"]
    assert code == 1 and f"{locked}: cannot read directory: Permission denied" in err


# --- usage and output errors ---------------------------------------------------


def test_unknown_input_format_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path), "--input-format", "csv")
    assert code == 2 and err.strip().splitlines() == [
        "summarize: error: unknown input format 'csv'; choose one of " + ", ".join(io.INPUT_FORMATS)
    ]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_a_full_disk_is_one_line_and_exit_3(tmp_path: Path, fmt: str) -> None:
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE)
    code, _, err = run(str(source), "-f", fmt, "-o", "/dev/full")
    assert code == 3 and err.strip() == "summarize: error: cannot write /dev/full: No space left on device"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_stdout_on_a_full_device_is_one_line_and_exit_3(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "summarize", str(source), *TEXTRANK],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    assert result.returncode == 3
    assert result.stderr.strip() == "summarize: error: cannot write stdout: No space left on device"


# --- --resume ------------------------------------------------------------------


def resume_run(data: Path, out: Path) -> tuple[int, str]:
    code, _, err = run(str(data), "--input-format", "jsonl", "-f", "jsonl", "-o", str(out), "--resume")
    return code, err


def done_record(doc_id: str) -> str:
    return json.dumps({"id": doc_id, "headline": "h", "paragraph": "p", "method": "textrank", "notes": []})


def test_resume_completes_a_whole_last_record_without_its_line_end(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(jsonl(*({"id": str(i), "text": article(i)} for i in range(3))))
    out = tmp_path / "out.jsonl"
    out.write_text(done_record("0") + "\n" + done_record("1"))
    code, err = resume_run(data, out)
    assert code == 0 and "had no line end; added it" in err
    assert [r["id"] for r in records(out.read_text())] == ["0", "1", "2"]


def test_resume_cuts_only_the_cut_off_tail(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(jsonl(*({"id": str(i), "text": article(i)} for i in range(4))))
    out = tmp_path / "out.jsonl"
    garbage = "some\rgarbage a person typed\n"
    out.write_text(done_record("0") + "\n" + garbage + done_record("1") + "\n" + '{"id": "2", "head')
    code, err = resume_run(data, out)
    assert code == 0 and "removed a cut-off last record (17 bytes)" in err and "1 line(s)" in err
    lines = out.read_bytes().decode().split("\n")
    assert lines[1] == garbage.rstrip("\n")  # left exactly as it was
    assert [r["id"] for r in map(json.loads, [lines[0], *lines[2:-1]])] == ["0", "1", "2", "3"]


def test_resume_with_repeated_ids_runs_each_record_once(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(jsonl(*({"id": "same", "text": article(i)} for i in range(3))))
    out = tmp_path / "out.jsonl"
    out.write_text(done_record("same") + "\n")
    code, _ = resume_run(data, out)
    assert code == 0 and [r["id"] for r in records(out.read_text())] == ["same"] * 3
    assert ["number 1 " in r["paragraph"] for r in records(out.read_text())] == [False, True, False]
    assert ["number 2 " in r["paragraph"] for r in records(out.read_text())] == [False, False, True]


# --- settings that were never usable -----------------------------------------------


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--threads", "-1"), "threads must be from 1"),
        (("--max-input-tokens", "0"), "max-input-tokens must be from 16"),
        (("--workers", "100"), "workers must be from 1"),
    ],
)
def test_unusable_engine_settings_are_usage_errors(tmp_path: Path, flags: tuple[str, ...], message: str) -> None:
    code, _, err = run(str(tmp_path), *flags)
    assert code == 2 and message in err and err.count("\n") == 1


def test_serve_port_out_of_range_and_in_use() -> None:
    result = runner.invoke(cli.tools, ["serve", "--port", "70000"])
    assert result.exit_code == 2 and "--port must be from 1 to 65535" in result.stderr
    for flag, value in (("--batch-wait-ms", "-0.5"), ("--timeout-s", "nan"), ("--max-body-mb", "inf")):
        result = runner.invoke(cli.tools, ["serve", flag, value])
        assert result.exit_code == 2 and f"{flag}: must be a positive number" in result.stderr
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = runner.invoke(cli.tools, ["serve", "--method", "textrank", "--port", str(port)])
    assert result.exit_code == 3 and result.stderr.strip().endswith(f"127.0.0.1:{port}: Address already in use")


# --- inputs found by the audit of a clean clone ---------------------------------


def test_a_pipe_in_a_directory_is_skipped_not_waited_on(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE)
    os.mkfifo(tmp_path / "pipe.txt")  # opening it would block until a writer came
    code, out, err = run(str(tmp_path), "-f", "jsonl")
    assert code == 0 and [r["id"] for r in records(out)] == [str(tmp_path / "good.txt")]
    assert "pipe.txt: skipped: not a regular file" in err


@pytest.mark.parametrize("text", ["!!! ??? ...", "...", "— • —"])
def test_text_with_no_words_is_one_clear_failure(tmp_path: Path, text: str) -> None:
    path = tmp_path / "marks.txt"
    path.write_text(text)
    code, out, err = run(str(path))
    assert code == 1 and out == "" and err.strip() == f"summarize: {path}: no words to summarise"


def test_a_text_with_no_word_breaks_gives_parts_of_bounded_size(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_text("a" * 100_000)
    code, out, _ = run(str(path), "-f", "jsonl", "--headline-words", "10", "--paragraph-words", "40")
    (record,) = records(out)
    assert code == 0
    assert len(str(record["headline"])) <= 25 * 10 + 4 and len(str(record["paragraph"])) <= 25 * 40 + 4
    assert any("no word breaks" in str(n) for n in record["notes"])  # type: ignore[union-attr]

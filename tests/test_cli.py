"""End-to-end CLI tests, including every kind of bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import ARTICLE, SEED
from typer.testing import CliRunner

from summarize import cli

runner = CliRunner()


def run(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_seed_directory_text_output() -> None:
    code, out, _ = run(str(SEED.parent), "--method", "textrank")
    assert code == 0
    assert "Blinken in Ukraine" in out and "textrank" in out


def test_auto_falls_back_with_a_note() -> None:
    code, out, _ = run(str(SEED), "--format", "jsonl")
    record = json.loads(out)
    assert code == 0
    assert record["method"] == "textrank" and record["model"] is None
    assert "summarize models pull t5-small" in record["notes"][0]


def test_abstractive_without_model_is_a_usage_error() -> None:
    code, _, err = run(str(SEED), "--method", "abstractive")
    assert code == 2 and "not in cache" in err


def test_jsonl_keys_and_formats(tmp_path: Path) -> None:
    code, out, _ = run(str(SEED), "--method", "textrank", "--format", "jsonl")
    assert set(json.loads(out)) == {"id", "headline", "paragraph", "method", "sources", "model", "notes"}
    for fmt in ("json", "markdown", "text"):
        code, out, _ = run(str(SEED), "--method", "textrank", "--format", fmt)
        assert code == 0 and "Blinken" in out
    assert json.loads(run(str(SEED), "--method", "textrank", "-f", "json")[1])[0]["method"] == "textrank"


def test_stdin_and_options() -> None:
    code, out, _ = run(
        "-", "--method", "textrank", "--headline-words", "6", "--sentences", "1", "-f", "jsonl", input=ARTICLE
    )
    record = json.loads(out)
    assert code == 0 and len(record["headline"].split()) <= 6
    assert record["id"] == "stdin"


def test_bad_options_are_usage_errors() -> None:
    assert run(str(SEED), "--method", "magic")[0] == 2
    assert run(str(SEED), "--format", "xml", "--method", "textrank")[0] == 2
    assert run(str(SEED), "--paragraph-words", "0")[0] == 2
    assert run(str(SEED), "--resume")[0] == 2


def test_version() -> None:
    assert run("--version")[1].startswith("summarize ")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty text"), (b"   \n\t  \n", "empty text"), (b"\x00\x01\x02binary\x00", "binary")],
)
def test_empty_and_binary_files_fail_clearly(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    code, _, err = run(str(path), "--method", "textrank")
    assert code == 1 and message in err and "Traceback" not in err


def test_invalid_utf8_is_replaced_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    # UTF-8 (the accents are valid) with one byte that no encoding explains.
    path.write_bytes(ARTICLE.replace("Jane Smith", "Zo\u00eb M\u00fcller").encode() + b" \xff")
    code, out, _ = run(str(path), "--method", "textrank", "-f", "jsonl")
    assert code == 0 and "invalid UTF-8: 1 byte sequence(s) replaced" in json.loads(out)["notes"][0]


def test_latin1_is_detected_and_read(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(ARTICLE.encode() + " The caf\xe9 served cr\xe8me br\xfbl\xe9e to every guest.".encode("latin-1"))
    code, out, _ = run(str(path), "--method", "textrank", "-f", "jsonl", "--sentences", "9")
    record = json.loads(out)
    assert code == 0 and "not UTF-8: decoded as cp1252 (detected)" in record["notes"][0]
    assert "The café served crème brûlée to every guest." in record["paragraph"]


def test_html_non_english_single_sentence(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(f"<html><body><script>x()</script><p>{ARTICLE}</p></body></html>")
    (tmp_path / "de.txt").write_text(
        "Der Stadtrat hat am Dienstag einen neuen Haushalt beschlossen. "
        "Die Ausgaben für Schulen steigen um vier Prozent. "
        "Die Bürgermeisterin sprach von einem Erfolg für alle Familien der Stadt."
    )
    (tmp_path / "one.md").write_text("Just one sentence about the new budget.")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00\x00")
    code, out, err = run(str(tmp_path), "--method", "textrank", "-f", "jsonl")
    records = {Path(r["id"]).name: r for r in map(json.loads, out.splitlines())}
    assert code == 0
    assert set(records) == {"page.html", "de.txt", "one.md"}
    assert "<" not in records["page.html"]["paragraph"] and "x()" not in records["page.html"]["paragraph"]
    assert records["de.txt"]["headline"]
    assert records["one.md"]["paragraph"] == "Just one sentence about the new budget."
    assert "image.png: skipped" in err


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nope.txt"))
    assert code == 2 and "no such file" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(ARTICLE)
    path.chmod(0)
    code, _, err = run(str(path), "--method", "textrank")
    assert code == 1 and "permission denied" in err


def test_jsonl_input_with_a_malformed_line(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(
        json.dumps({"id": "a", "text": ARTICLE})
        + "\n{not json\n"
        + json.dumps({"id": "b", "article": ARTICLE})
        + "\n"
        + json.dumps({"id": "c", "body": "x"})
        + "\n"
    )
    code, out, err = run(str(data), "--input-format", "jsonl", "--method", "textrank", "-f", "jsonl")
    assert code == 1
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a", "b"]
    assert "malformed JSON" in err and "no string field" in err


def test_output_and_resume(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps({"id": str(i), "text": ARTICLE}) + "\n" for i in range(4)))
    out = tmp_path / "out.jsonl"
    out.write_text(
        json.dumps({"id": "0", "headline": "h", "paragraph": "p", "method": "textrank", "model": None, "notes": []})
        + '\n{"id": "1", "head'
    )
    code, _, _ = run(
        str(data), "--input-format", "jsonl", "--method", "textrank", "-f", "jsonl", "-o", str(out), "--resume"
    )
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert code == 0 and ids == ["0", "1", "2", "3"]


def test_interrupt_keeps_written_records_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from summarize.textrank import TextRankEngine

    real = TextRankEngine.summarize_one
    calls = {"n": 0}

    def flaky(self: TextRankEngine, doc, opts):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, doc, opts)

    monkeypatch.setattr(TextRankEngine, "summarize_one", flaky)
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps({"id": str(i), "text": ARTICLE}) + "\n" for i in range(5)))
    for fmt in ("jsonl", "json"):
        calls["n"] = 0
        out = tmp_path / f"out.{fmt}"
        code, _, _ = run(
            str(data), "--input-format", "jsonl", "--method", "textrank", "-f", fmt, "-o", str(out), "--batch-size", "1"
        )
        assert code == 130
        text = out.read_text()
        records = [json.loads(line) for line in text.splitlines()] if fmt == "jsonl" else json.loads(text)
        assert [r["id"] for r in records] == ["0", "1"]


def test_main_dispatches_tools(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["models", "list"])
    assert exit_info.value.code in (0, None)
    out = capsys.readouterr().out
    for name in (
        "t5-small",
        "flan-t5-small",
        "distilbart-cnn-6-6",
        "distilbart-cnn-12-6",
        "bart-large-cnn",
        "pegasus-xsum",
    ):
        assert name in out


def test_models_pull_fails_fast_offline(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["models", "pull", "t5-small"])
    assert exit_info.value.code == 2
    assert "HF_HUB_OFFLINE" in capsys.readouterr().err


def test_help_lists_commands_without_placeholders_or_heavy_imports() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from summarize import cli\n"
        "for args in (['--help'], ['--version']):\n"
        "    try:\n"
        "        cli.main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = sorted(m for m in ('numpy', 'torch', 'transformers') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out
    for command in ("eval", "models", "serve"):
        assert f"  {command} " in out
    assert "<bool>" not in out and "summarize 0." in out
    serve_help = subprocess.run(
        [sys.executable, "-m", "summarize.cli", "serve", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "pip install 'summarize[serve]'" in " ".join(serve_help.split())


def test_auto_without_a_cached_model_never_imports_torch() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from summarize import summarize\n"
        f"s = summarize(open({str(SEED)!r}).read())\n"
        "print(s.method, 'torch' in sys.modules, 'transformers' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["textrank", "False", "False"]

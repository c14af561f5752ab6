"""A fast regression guard for `summarize eval`: schema and signature, no timing."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ARTICLE, SEED
from typer.testing import CliRunner

from summarize import cli
from summarize.evaluate import bootstrap_ci, defect_rates, defects_per_doc, rouge_per_doc


def _dataset(tmp_path: Path) -> Path:
    rows = [
        {
            "id": "seed",
            "article": SEED.read_text(),
            "reference": "Blinken visits Kiev to show US support.",
            "title": "Blinken in Kiev",
        },
        {
            "id": "budget",
            "article": ARTICLE,
            "reference": "The council approved a budget that raises school spending.",
            "title": "Council passes budget",
        },
    ]
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_eval_json_schema_and_signature(tmp_path: Path) -> None:
    data = _dataset(tmp_path)
    per_doc = tmp_path / "per_doc.jsonl"
    result = CliRunner().invoke(
        cli.tools, ["eval", str(data), "--method", "textrank", "--json", "--per-doc", str(per_doc)]
    )
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    for key in ("rouge1", "rouge2", "rougeLsum"):
        assert 0 < out[key]["mean"] <= 100
        assert out[key]["ci95"][0] <= out[key]["mean"] <= out[key]["ci95"][1]
    assert out["rows"] == 2 and 0 <= out["unfaithful_rate"] <= 1
    assert set(out["length_words"]) == {"mean", "p95"}
    for field in (
        "summarize:",
        "task:paragraph",
        "method:textrank",
        "model:-",
        "paragraph_words=60",
        "backend=transformers",
        "data:tiny.jsonl:2:sha256=",
        "use_stemmer=True",
    ):
        assert field in out["signature"]
    records = [json.loads(line) for line in per_doc.read_text().splitlines()]
    assert [r["id"] for r in records] == ["seed", "budget"] and "rouge1" in records[0]
    rates = out["defect_rate"]
    assert {"any", "bad_end", "no_verb"} <= set(rates["headline"]) and {"any", "near_duplicate"} <= set(
        rates["paragraph"]
    )
    assert all(0 <= r <= 1 for part in rates.values() for r in part.values())
    assert all(set(r["defects"]) == {"headline", "paragraph"} for r in records)


def test_defect_rates_count_documents_per_kind() -> None:
    per_doc = defects_per_doc(
        ["City council approved new budget", "It was"],
        ["The council approved a budget.", "The council met The mayor spoke."],
        [ARTICLE, ARTICLE],
        12,
    )
    assert per_doc[0] == {"headline": [], "paragraph": []}
    rates = defect_rates(per_doc)
    assert rates["headline"]["any"] == 0.5 and rates["headline"]["pronoun_start"] == 0.5
    assert rates["paragraph"]["unfinished"] == 0.5 and rates["paragraph"]["near_duplicate"] == 0.0


def test_eval_headline_task_table(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli.tools, ["eval", str(_dataset(tmp_path)), "--task", "headline", "--method", "textrank", "--limit", "1"]
    )
    assert result.exit_code == 0
    assert "rouge1" in result.stdout and "signature: " in result.stdout and "task:headline" in result.stdout
    assert "pronoun_start" in result.stdout and "near_duplicate" in result.stdout


def test_eval_bad_input(tmp_path: Path) -> None:
    assert CliRunner().invoke(cli.tools, ["eval", str(tmp_path / "none.jsonl")]).exit_code == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"article": "x"}\n')
    assert CliRunner().invoke(cli.tools, ["eval", str(bad), "--method", "textrank"]).exit_code == 2


def test_rouge_and_bootstrap() -> None:
    assert rouge_per_doc(["the cat sat"], ["the cat sat"])[0]["rouge1"] == 100.0
    low, high = bootstrap_ci([1.0, 2.0, 3.0, 4.0])
    assert 1.0 <= low <= 2.5 <= high <= 4.0

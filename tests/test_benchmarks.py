"""Smoke tests of the benchmarks: each runs end to end on a tiny input, so that none can rot.

`make bench` runs here on two articles of each evaluation set (written for
these tests), with a tiny random T5 and a few output tokens; the checks are on
the shape and the arithmetic of its results, never on timings.
"""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLE, go_offline

from benchmarks import anchors, bench, report, serve_bench
from benchmarks.invariance import VARIANTS
from benchmarks.measure import in_child, peak_rss_mb, percentile_ms
from benchmarks.quality import quality_systems
from benchmarks.workload import (
    BENCH_MODEL,
    EVAL_SETS,
    fit_inputs,
    fixed_lengths,
    load_sets,
    random_model,
    speed_texts,
    use_registry,
    write_model_registry,
)
from summarize.corrupt import KINDS
from summarize.defects import HEADLINE_KINDS, PARAGRAPH_KINDS
from summarize.invariance import variants, wrap
from summarize.models import HEADLINE_POLICIES, spec_for

STORM = (
    "A storm brought heavy rain and strong winds to the northern coast on Sunday.\n"
    "Emergency crews rescued 12 people from flooded homes near the river, officials said.\n"
    "The weather service warned that more rain was expected later in the week."
)
# (article, reference): the second reference names a place the article never does.
ROWS = [(ARTICLE, "Council approves budget that raises school spending"), (STORM, "Storm floods homes in Wales")]
SMOKE = [
    "--rows",
    "2",
    "--articles",
    "2",
    "--batch-size",
    "2",
    "--scaling",
    "1,2",
    "--long-articles",
    "2",
    "--shape",
    "tiny-t5",
]
SMOKE += ["--headline-tokens", "4", "--paragraph-tokens", "8", "--threads", "1", "--workers", "2", "--in-process"]
SMOKE += ["--rounds", "2"]
SMOKE += ["--no-scaleout"]  # its rows are tested on the Ray instance of test_distributed.py
SMOKE += ["--no-chat"]  # real weights, minutes: test_chat_bench_runs_on_one_article_per_set


def write_eval_sets(directory: Path) -> Path:
    """Writes the three evaluation sets, two rows each, in their real formats."""
    directory.mkdir(parents=True, exist_ok=True)
    for spec in EVAL_SETS:
        with open(directory / spec.filename, "w", encoding="utf-8") as handle:
            for number, (article, reference) in enumerate(ROWS):
                handle.write(
                    json.dumps({"id": f"t{number}", "article": article, spec.reference_field: reference}) + "\n"
                )
    return directory


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str, Path]:
    """One smoke run of `make bench`: (results.json, REPORT.md, the output folder)."""
    base = tmp_path_factory.mktemp("bench")
    out = base / "out"
    with pytest.MonkeyPatch.context() as monkeypatch:
        go_offline(monkeypatch, base / "hf-empty")
        assert bench.main(["--out", str(out), "--eval-dir", str(write_eval_sets(base / "eval")), *SMOKE]) == 0
    return json.loads((out / "results.json").read_text()), (out / "REPORT.md").read_text(), out


def test_quality_scores_every_system_on_every_set(smoke: tuple[dict[str, Any], str, Path]) -> None:
    results, _, _ = smoke
    for spec in EVAL_SETS:
        scored = {r["system"]: r for r in results["quality"] if r["dataset"] == spec.name and "rouge1" in r}
        assert set(scored) == set(quality_systems(spec.task))
        for row in scored.values():
            assert 0 <= row["rouge1"]["mean"] <= 100
            assert f"data={spec.name}:2:" in row["signature"]


def test_defects_by_kind_for_each_part_of_each_set(smoke: tuple[dict[str, Any], str, Path]) -> None:
    results, _, _ = smoke
    rows = results["defects"]
    parts = ("headline", "paragraph")
    assert [(r["dataset"], r["part"]) for r in rows] == [(s.name, part) for s in EVAL_SETS for part in parts]
    for row in rows:
        kinds = HEADLINE_KINDS if row["part"] == "headline" else PARAGRAPH_KINDS
        assert list(row["by_kind"]) == list(kinds)
        assert max(row["by_kind"].values()) <= row["rate"] <= sum(row["by_kind"].values())
    scored = [r for r in results["quality"] if "rouge1" in r]
    assert all(0 <= r["defect_rate"] <= 1 for r in scored)


def test_invariance_has_every_variant_of_every_set(smoke: tuple[dict[str, Any], str, Path]) -> None:
    results, _, _ = smoke
    pairs = {(r["dataset"], r["variant"]) for r in results["invariance"]}
    assert pairs == {(s.name, v) for s in EVAL_SETS for v in VARIANTS}
    for row in results["invariance"]:
        assert row["rows"] == 2
        assert row["both"] <= min(row["headline"], row["paragraph"])


def test_faithfulness_counts_flagged_references_and_injected_errors(smoke: tuple[dict[str, Any], str, Path]) -> None:
    results, _, _ = smoke
    data = results["faithfulness"]
    assert [r["dataset"] for r in data["false_positives"]] == [s.name for s in EVAL_SETS]
    for row in data["false_positives"]:
        assert row["rows"] == 2 and row["flagged"] == 0.5  # "Wales" is in no article
    for row in data["recall"]:
        assert row["kind"] in KINDS
        assert (row["recall"] is None) == (row["rows"] == 0)
        assert row["recall"] is None or 0 <= row["recall"] <= 1
    assert any(row["rows"] for row in data["recall"])  # the articles have numbers and names to change


def test_extractive_rows_compare_ours_with_summa(smoke: tuple[dict[str, Any], str, Path]) -> None:
    results, _, _ = smoke
    rows = {r["system"]: r for r in results["extractive"]}
    summa = rows["summa TextRank (60 words)"]["articles_per_s"]
    assert rows["summarize textrank"]["vs_anchor"] == pytest.approx(
        rows["summarize textrank"]["articles_per_s"] / summa
    )
    assert rows["summarize textrank"]["p50_ms"] <= rows["summarize textrank"]["p95_ms"]
    workers = rows["summarize textrank, 2 workers"]
    assert workers["p50_ms"] is None and workers["p95_ms"] is None  # batches: no per-article latency


def test_abstractive_rows_have_batched_anchors_and_real_latencies(smoke: tuple[dict[str, Any], str, Path]) -> None:
    results, _, _ = smoke
    rows = results["abstractive"]
    assert len(rows) == 2 * (2 + len(bench.installed_backends()))  # per precision: 2 recipes, ours per backend
    by = {r["system"]: r for r in rows}
    for row in rows:
        int8 = row["quantize"] == "int8"
        assert row["anchor"] == "transformers recipe, batch 2" + (", int8" if int8 else "")
        assert row["vs_anchor"] == pytest.approx(row["articles_per_s"] / by[row["anchor"]]["articles_per_s"])
        assert row["articles"] == 2 and row["threads"] == 1
        if row["batch_size"] is None:  # the per-article reference: real percentiles
            assert 0 < row["p50_ms"] <= row["p95_ms"]
        else:
            assert row["p50_ms"] is None and row["p95_ms"] is None
    assert {r["backend"] for r in rows} == {"recipe", *bench.installed_backends()}
    assert results["workload"]["headline_policy"] in HEADLINE_POLICIES
    # Batched rows: the median of interleaved rounds, each round kept; the per-article reference once.
    rounds = results["workload"]["rounds"]
    for row in rows:
        speeds = row["rounds_articles_per_s"]
        assert len(speeds) == (1 if row["batch_size"] is None else rounds)
        assert row["articles_per_s"] == pytest.approx(statistics.median(speeds))


def test_scaling_has_each_batch_size_per_backend(smoke: tuple[dict[str, Any], str, Path]) -> None:
    results, _, _ = smoke
    expected = [(backend, size) for backend in bench.installed_backends() for size in (1, 2)]
    assert [(r["backend"], r["batch_size"]) for r in results["scaling"]] == expected
    assert results["scaling"][0]["vs_first"] == 1.0


def test_report_shows_each_measured_section_and_names_anchors(smoke: tuple[dict[str, Any], str, Path]) -> None:
    _, text, out = smoke
    for heading in ("## Quality", "## Defects", "## Invariance", "## Faithfulness guard", "## Speed: extractive"):
        assert heading in text
    assert "## Speed: abstractive" in text and "## Scaling with batch size" in text and "## Long articles" in text
    assert "x transformers recipe, batch 2, int8 |" in text
    assert "## Defects" in text
    assert "## Chat" not in text and "## Scale-out" not in text  # not measured yet
    assert (out / "quality_vs_speed.png").stat().st_size > 0


def test_sections_render_rows_from_other_measurements() -> None:
    results = {
        "defects": [
            {"dataset": "cnndm", "part": "headline", "system": "s", "rows": 4, "rate": 0.25, "by_kind": {"cut": 0.25}}
        ],
        "faithfulness": {
            "recall": [{"dataset": "xsum", "kind": "number", "rows": 10, "recall": 0.9}],
            "command": "summarize eval",
        },
        "chat": {
            "quality": [
                {
                    "dataset": "xsum",
                    "task": "paragraph",
                    "system": "chat",
                    "articles": 5,
                    **{k: {"mean": 20.0} for k in ("rouge1", "rouge2", "rougeLsum")},
                    "written_by_model": 0.8,
                    "flag_rate": 0.25,
                }
            ],
            "speed": [{"system": "chat, batch 16", "articles_per_s": 0.5, "peak_rss_mb": 700.0}],
            "batching": {"batched_s": 10.0, "loop_s": 25.0, "speedup": 2.5, "articles": 16, "new_tokens": 96},
        },
        "scaleout": [
            {
                "engine": "textrank",
                "setup": "Ray, 2 actors",
                "articles": 200,
                "articles_per_s": 9.0,
                "articles_per_s_after_startup": None,
                "startup_s": 4.0,
                "first_job_s": 6.0,
                "job_overhead_s": 1.5,
                "peak_mb": 90.0,
            }
        ],
    }
    lines = [line for section in report.SECTIONS for line in section(results)]
    assert "| cnndm | headline | s | 4 | 25.0% | cut 25.0% |" in lines
    assert "| xsum | number | 10 | 90.0% |" in lines and "Reproduce: `summarize eval`" in lines
    assert "| xsum | paragraph | chat | 5 | 20.00 | 20.00 | 20.00 | 80.0% | 25.0% |" in lines
    assert "| chat, batch 16 | 0.50 | 700 |" in lines
    assert any(line.startswith("Batched generation: 10.0 s against 25.0 s") for line in lines)
    assert "| textrank | Ray, 2 actors | 200 | 9.00 | – | 4.0 | 6.0 | 1.5 | 90 |" in lines


def test_variants_change_layout_only() -> None:
    forms = dict(variants(STORM))
    assert list(forms) == VARIANTS and len(VARIANTS) == 7
    assert max(len(line) for line in wrap(ARTICLE, 60).splitlines()) <= 60
    for text in forms.values():
        assert text.split() == STORM.split()
    assert forms["crlf"].count("\r\n") == STORM.count("\n")


def test_recipes_decode_exact_lengths_in_order(tmp_path: Path) -> None:
    lengths = fixed_lengths(3, 5)
    with random_model("tiny-t5", [ARTICLE, STORM] * 3, lengths) as (model_dir, _):
        texts = fit_inputs(model_dir, [ARTICLE, STORM])
        model, tokenizer = anchors.load_recipe_model(model_dir, "none")
        single = anchors.per_article_recipe(model, tokenizer, "summarize: ", 512, lengths)
        batched = anchors.batched_recipe(model, tokenizer, "summarize: ", 512, lengths)(texts)
        assert len(batched) == 2
        # Greedy over the same weights: a padded batch decodes what each article decodes alone.
        assert batched == [single(t) for t in texts]
        int8, _ = anchors.load_recipe_model(model_dir, "int8")
        assert "quantized" in type(int8.lm_head).__module__  # torch dynamic int8 Linear


def test_registry_file_names_the_model_with_its_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMARIZE_REGISTRY", raising=False)
    path = write_model_registry(tmp_path / "registry.toml", tmp_path, fixed_lengths(3, 5), "decode")
    with use_registry(path):
        spec = spec_for(BENCH_MODEL)
    assert spec.path == str(tmp_path) and spec.headline_policy == "decode"
    assert spec.paragraph == {"num_beams": 1, "min_new_tokens": 5, "max_new_tokens": 5}
    assert "SUMMARIZE_REGISTRY" not in os.environ  # put back as it was


def test_missing_eval_sets_are_noted_and_speed_falls_back_to_the_seeds(tmp_path: Path) -> None:
    notes: list[str] = []
    assert load_sets(tmp_path, None, False, notes) == {}
    assert len(notes) == len(EVAL_SETS) and all("not found" in note for note in notes)
    texts, source = speed_texts({}, notes)
    assert source == "seeds" and texts and "seeds/" in notes[-1]


def test_in_child_returns_the_result_or_the_childs_error() -> None:
    assert in_child(peak_rss_mb) > 0
    with pytest.raises(RuntimeError, match="invalid literal"):
        in_child(int, "not a number")


def test_percentile_is_nearest_rank_and_median() -> None:
    seconds = [0.001 * n for n in range(1, 101)]
    assert percentile_ms(seconds, 0.5) == pytest.approx(50.5)
    assert percentile_ms(seconds, 0.95) == pytest.approx(96)


@pytest.mark.slow
def test_serve_bench_runs_end_to_end(tmp_path: Path) -> None:
    eval_dir = write_eval_sets(tmp_path / "eval")
    args = ["--out", str(tmp_path / "out"), "--eval-dir", str(eval_dir), "--shape", "tiny-t5"]
    assert serve_bench.main([*args, "--requests", "4", "--abstractive-requests", "2", "--soak-s", "1"]) == 0
    results = json.loads((tmp_path / "out" / "serve.json").read_text())
    assert {r["server"] for r in results["runs"]} == {
        "textrank",
        "abstractive, micro-batching (max 16)",
        "abstractive, --max-batch 1",
    }
    for run in results["runs"]:
        answered = {"200"} if run["server"] == "textrank" else {"200", serve_bench.EMPTY_CODE}
        assert set(run["codes"]) <= answered and sum(run["codes"].values()) == run["requests"]
    assert results["soak"]["errors"] == 0 and results["soak"]["requests"] > 0
    text = (tmp_path / "out" / "SERVE.md").read_text()
    assert "Micro-batching at concurrency 8" in text and "empty outputs): 0." in text


@pytest.mark.slow
def test_chat_bench_runs_on_one_article_per_set(tmp_path: Path) -> None:
    from benchmarks.chat import CHAT_MODEL, chat_weights_missing, run_chat

    missing = chat_weights_missing()
    if missing:
        pytest.skip(missing)
    notes: list[str] = []
    chat = run_chat(False, notes, rows=1, speed_docs=2, eval_dir=write_eval_sets(tmp_path / "eval"))
    assert {r["dataset"] for r in chat["quality"]} == {s.name for s in EVAL_SETS}
    assert all(r["articles"] == 1 for r in chat["quality"])
    assert chat["speed"][0]["system"].startswith(CHAT_MODEL) and chat["batching"]["articles"] == 2
    assert "## Chat" in "\n".join(report.chat_section({"chat": chat}))


def test_long_input_section_compares_truncate_with_chunk() -> None:
    rows = [
        {"long_input": "truncate", "articles": 4, "threads": 2, "articles_per_s": 2.0, "peak_rss_mb": 900.0},
        {"long_input": "chunk", "articles": 4, "threads": 2, "articles_per_s": 0.5, "peak_rss_mb": 950.0},
    ]
    text = "\n".join(report.long_input_section({"long_input": rows}))
    assert "## Long articles (4 whole articles" in text and "| chunk | 0.50 | 950 |" in text
    assert "truncate is 4.0x faster than chunk" in text

"""The CTranslate2 backend: the transformers backend's outputs, a conversion made once, clear failures."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
from pathlib import Path

import pytest
import torch
from conftest import ARTICLE, SEED
from typer.testing import CliRunner

from summarize import Summarizer, seq2seq
from summarize.models import ModelUnavailable, resolve
from summarize.prepare import prepare, split_sentences
from summarize.schema import CallSettings, Document, EngineConfig, UsageError
from summarize.seq2seq import Seq2SeqEngine

ct2_backend = pytest.importorskip("summarize.ct2_backend")
pytest.importorskip("ctranslate2", reason="the ctranslate2 extra is not installed")

# Sentences of the seed article, one input each: varied lengths, so a batch is padded.
INPUTS = [s for s in split_sentences(" ".join(SEED.read_text().split())) if len(s.split()) > 3][:24]
DOCS = [prepare(Document(str(i), text)) for i, text in enumerate([ARTICLE, ARTICLE[:120], ARTICLE * 2, *INPUTS[:5]])]


@pytest.fixture(autouse=True)
def own_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Engines loaded here are this test's: the tests change their settings."""
    monkeypatch.setattr(seq2seq, "_LOADED", {})


def both_engines(path: Path, quantize: str = "none", policy: str | None = None) -> tuple[Seq2SeqEngine, Seq2SeqEngine]:
    config = EngineConfig(method="abstractive", model=str(path), device="cpu", quantize=quantize)
    engines = []
    for load in (seq2seq.load_engine, ct2_backend.load_engine):
        engine = load(*resolve(config.model), config)
        spec = engine.spec
        if policy:
            spec = dataclasses.replace(spec, headline_policy=policy, headline_prefix="headline: ")
        # No n-gram blocking: transformers counts the decoder's start token in
        # the n-grams it blocks and CTranslate2 does not, which matters only
        # when a model writes that token (pad) itself, as random weights do.
        short = {"num_beams": 1, "no_repeat_ngram_size": 0}
        engine.spec = dataclasses.replace(
            spec,
            headline={**spec.headline, **short, "min_new_tokens": 2, "max_new_tokens": 6},
            paragraph={**spec.paragraph, **short, "min_new_tokens": 4, "max_new_tokens": 16},
        )
        engines.append(engine)
    return engines[0], engines[1]


@pytest.mark.parametrize("policy", ["from-paragraph", "decode"])
def test_fp32_greedy_writes_what_the_transformers_backend_writes(tiny_t5: Path, policy: str) -> None:
    transformers_engine, ct2_engine = both_engines(tiny_t5, policy=policy)
    assert isinstance(ct2_engine, ct2_backend.CT2Engine)
    call = CallSettings(num_beams=1)
    expected = [(s.headline, s.paragraph) for s in transformers_engine.summarize_batch(DOCS, call)]
    written = [(s.headline, s.paragraph) for s in ct2_engine.summarize_batch(DOCS, call)]
    assert written == expected and any(paragraph for _, paragraph in written)


def test_fp32_greedy_tokens_are_generates_token_for_token(tiny_t5: Path) -> None:
    transformers_engine, ct2_engine = both_engines(tiny_t5)
    ids = transformers_engine._ids(INPUTS, "")
    for source in ids:
        expected = transformers_engine.model.generate(
            torch.tensor([source]), max_new_tokens=20, min_new_tokens=20, num_beams=1, do_sample=False
        )[0].tolist()[1:]
        tokens = ct2_engine.tokenizer.convert_ids_to_tokens(source)
        result = ct2_engine.model.translate_batch(
            [tokens], beam_size=1, max_decoding_length=20, min_decoding_length=20, max_input_length=0
        )[0]
        assert ct2_engine.tokenizer.convert_tokens_to_ids(result.hypotheses[0]) == expected


def test_int8_agrees_with_torch_int8_within_the_stated_tolerance(tiny_t5: Path) -> None:
    """int8: identical 20-token greedy outputs on at least half the inputs.

    The two quantise differently (CTranslate2 per row of weights, torch per
    tensor), and a 32-wide random model has near-ties at its first token, so
    an output either matches whole or differs from its first token: 34 of 60
    CNN/DM openings matched whole when this was written.
    """
    transformers_engine, ct2_engine = both_engines(tiny_t5, quantize="int8")
    same = 0
    for source in transformers_engine._ids(INPUTS, ""):
        expected = transformers_engine.model.generate(
            torch.tensor([source]), max_new_tokens=20, min_new_tokens=20, num_beams=1, do_sample=False
        )[0].tolist()[1:]
        tokens = ct2_engine.tokenizer.convert_ids_to_tokens(source)
        result = ct2_engine.model.translate_batch([tokens], beam_size=1, max_decoding_length=20, min_decoding_length=20)
        same += ct2_engine.tokenizer.convert_tokens_to_ids(result[0].hypotheses[0]) == expected
    assert same >= len(INPUTS) / 2


def test_a_model_is_converted_once_per_compute_type_and_again_when_its_contents_change(
    tiny_t5: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import ctranslate2

    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path / "cache"))
    model = tmp_path / "model"
    shutil.copytree(tiny_t5, model)
    conversions: list[str] = []
    real = ctranslate2.converters.TransformersConverter.convert

    def counting(self, output_dir, *args, **kwargs):  # type: ignore[no-untyped-def]
        conversions.append(kwargs.get("quantization"))
        return real(self, output_dir, *args, **kwargs)

    monkeypatch.setattr(ctranslate2.converters.TransformersConverter, "convert", counting)
    with caplog.at_level("WARNING"):
        first = ct2_backend.converted(model, "tiny", "float32")
    assert ct2_backend.converted(model, "tiny", "float32") == first
    assert conversions == ["float32"] and "converting tiny to CTranslate2 (float32), once" in caplog.text
    int8 = ct2_backend.converted(model, "tiny", "int8")
    assert int8 != first and conversions == ["float32", "int8"]
    # A copy of the same files (new times) with a .git folder beside them is the same model.
    copy = tmp_path / "copy"
    shutil.copytree(model, copy)
    (copy / ".git").mkdir()
    (copy / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    assert ct2_backend.converted(copy, "tiny", "float32") == first and len(conversions) == 2
    # Other contents of the same size (a fine-tune of the same shape, say) are another model.
    config = model / "config.json"
    text = config.read_text()
    assert '"dropout_rate": 0.1,' in text
    config.write_text(text.replace('"dropout_rate": 0.1,', '"dropout_rate": 0.2,'))
    assert ct2_backend.converted(model, "tiny", "float32") != first and len(conversions) == 3
    # Nothing half-written is left beside the conversions (the lock files are empty).
    entries = list((tmp_path / "cache" / "ctranslate2").iterdir())
    assert not [p for p in entries if p.name.startswith(".converting")]
    assert len([p for p in entries if not p.name.startswith(".")]) == 3


def test_a_damaged_or_unwritable_cache_is_a_clear_error_and_an_incomplete_copy_is_replaced(
    tiny_t5: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path / "cache"))
    config = EngineConfig(method="abstractive", model=str(tiny_t5), device="cpu", backend="ctranslate2")
    folder = ct2_backend.converted(tiny_t5, "tiny", "float32")
    (folder / "model.bin").write_bytes((folder / "model.bin").read_bytes()[:1000])
    with pytest.raises(ModelUnavailable, match=f"cannot load .* from {folder} .*delete that folder to convert again"):
        ct2_backend.load_engine(*resolve(str(tiny_t5)), config)
    summary = Summarizer(config.replace(method="auto")).summarize(ARTICLE)
    assert summary.method == "textrank" and "delete that folder" in summary.notes[0]
    # A folder without its model (emptied by hand, say) is converted again.
    shutil.rmtree(folder)
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    assert ct2_backend.converted(tiny_t5, "tiny", "float32") == folder and (folder / "model.bin").is_file()
    # A cache path that is a file.
    (tmp_path / "afile").write_text("")
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path / "afile"))
    unwritable = r"cannot write the CTranslate2 cache .* \(set SUMMARIZE_CACHE\): .*Not a directory"
    with pytest.raises(ModelUnavailable, match=unwritable):
        ct2_backend.converted(tiny_t5, "tiny", "float32")


def test_a_killed_conversions_scratch_folder_is_removed_later(
    tiny_t5: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import time

    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path))
    old = tmp_path / "ctranslate2" / ".converting-killed"
    recent = tmp_path / "ctranslate2" / ".converting-running"
    for scratch in (old, recent):
        scratch.mkdir(parents=True)
    long_ago = time.time() - 24 * 3600
    os.utime(old, (long_ago, long_ago))
    ct2_backend.converted(tiny_t5, "tiny", "int8")
    assert not old.exists() and recent.exists()  # another process may still be writing the recent one


def test_a_model_the_converter_cannot_convert_is_reported_and_auto_falls_back(
    tiny_t5: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ctranslate2

    def refuse(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("No conversion is registered for the model configuration FancyConfig")

    monkeypatch.setattr(ctranslate2.converters.TransformersConverter, "convert", refuse)
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path))
    with pytest.raises(ModelUnavailable, match="ctranslate2 cannot convert fancy: No conversion is registered"):
        ct2_backend.converted(tiny_t5, "fancy", "float32")
    summary = Summarizer(method="auto", model=str(tiny_t5), backend="ctranslate2").summarize(ARTICLE)
    assert summary.method == "textrank" and summary.headline and summary.paragraph
    assert "ctranslate2 cannot convert" in summary.notes[0] and "fell back to textrank" in summary.notes[0]
    assert not [p for p in (tmp_path / "ctranslate2").iterdir() if p.name.startswith(".converting")]


def test_missing_package_unsupported_device_or_setting_is_a_clear_error(
    tiny_t5: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ModelUnavailable, match="runs on the CPU or CUDA, not mps"):
        ct2_backend.compute_type("mps", "none")
    # Never float16: T5-family models overflow in it.
    assert [ct2_backend.compute_type("cpu", q) for q in ("none", "int8")] == ["float32", "int8"]
    assert [ct2_backend.compute_type("cuda", q, bfloat16=True) for q in ("none", "int8")] == [
        "bfloat16",
        "int8_bfloat16",
    ]
    assert [ct2_backend.compute_type("cuda", q, bfloat16=False) for q in ("none", "int8")] == [
        "float32",
        "int8_float32",
    ]
    # The device is CTranslate2's choice: "auto" is never MPS, and CUDA only where CTranslate2 sees a GPU.
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    assert ct2_backend.pick_ct2_device("auto") == "cpu"
    for device in ("mps", "cuda"):
        with pytest.raises(ModelUnavailable, match=f"cannot run on {device} here"):
            ct2_backend.pick_ct2_device(device)
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)
    assert ct2_backend.pick_ct2_device("auto") == "cuda" == ct2_backend.pick_ct2_device("cuda")
    with pytest.raises(ModelUnavailable, match="no counterpart for the generation setting 'top_k'"):
        ct2_backend.translate_kwargs({"top_k": 5}, CallSettings())
    assert ct2_backend.translate_kwargs({"num_beams": 4, "max_new_tokens": 9}, CallSettings(num_beams=1)) == {
        "beam_size": 1,
        "max_decoding_length": 9,
    }
    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    config = EngineConfig(method="abstractive", model=str(tiny_t5), device="cpu", backend="ctranslate2")
    with pytest.raises(ModelUnavailable, match=r"pip install 'summarize\[ctranslate2\]'"):
        ct2_backend.load_engine(*resolve(str(tiny_t5)), config)


def test_a_chat_model_is_not_run_by_ctranslate2(tiny_chat: Path) -> None:
    with pytest.raises(UsageError, match="the ctranslate2 backend runs seq2seq models"):
        Summarizer(method="chat", model=str(tiny_chat), backend="ctranslate2")


def test_cli_runs_the_ctranslate2_backend_and_says_when_it_converts(
    tiny_t5: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from summarize import cli

    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path))
    args = [
        str(SEED),
        "--model",
        str(tiny_t5),
        "--backend",
        "ctranslate2",
        "--num-beams",
        "1",
        "-f",
        "jsonl",
        "--on-flag",
        "note",
    ]
    # The CLI logs its warnings to stderr; under pytest, caplog holds them.
    with caplog.at_level("WARNING"):
        result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 0, result.stderr
    assert "to CTranslate2 (float32), once; cached in" in caplog.text
    record = json.loads(result.stdout)
    assert record["method"] == "abstractive" and record["sources"] == {
        "headline": "abstractive",
        "paragraph": "abstractive",
    }
    monkeypatch.setattr(seq2seq, "_LOADED", {})  # a new process: the conversion is read from the cache
    caplog.clear()
    with caplog.at_level("WARNING"):
        again = CliRunner().invoke(cli.app, args)
    assert again.exit_code == 0 and json.loads(again.stdout) == record and "converting" not in caplog.text

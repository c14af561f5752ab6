"""The abstractive engine on tiny random models of the real architectures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from conftest import ARTICLE, SEED
from typer.testing import CliRunner

from summarize import Summarizer
from summarize.generation import model_input
from summarize.models import ModelUnavailable, resolve
from summarize.prepare import prepare
from summarize.schema import CallSettings, Document, EngineConfig
from summarize.seq2seq import Seq2SeqEngine, load_engine, pick_device, pick_dtype

# Fixed, short outputs: random weights would otherwise ramble to max length.
FAST = {"num_beams": 1}


def engine_for(path: Path, **settings: object) -> tuple[Seq2SeqEngine, CallSettings]:
    config = EngineConfig(method="abstractive", model=str(path), device="cpu").replace(
        **{k: v for k, v in settings.items() if k in ("quantize", "batch_size")}
    )
    opts = CallSettings().replace(**{k: v for k, v in settings.items() if k not in ("quantize", "batch_size")})
    engine = load_engine(*resolve(config.model), config)
    engine.spec.headline.update(min_new_tokens=2, max_new_tokens=6)
    engine.spec.paragraph.update(min_new_tokens=4, max_new_tokens=12)
    return engine, opts


DOCS = [
    prepare(Document(str(i), text))
    for i, text in enumerate([ARTICLE, ARTICLE[:120], ARTICLE * 2, "Budget approved by the council."])
]


@pytest.mark.parametrize("fixture", ["tiny_t5", "tiny_bart"])
def test_batch_equals_one_by_one_and_keeps_order(fixture: str, request: pytest.FixtureRequest) -> None:
    engine, opts = engine_for(request.getfixturevalue(fixture), num_beams=1)
    batched = engine.summarize_batch(DOCS, opts)
    single = [engine.summarize_batch([doc], opts)[0] for doc in DOCS]
    assert [s.id for s in batched] == ["0", "1", "2", "3"]
    assert [(s.headline, s.paragraph) for s in batched] == [(s.headline, s.paragraph) for s in single]
    assert all(s.method == "abstractive" and s.model == str(request.getfixturevalue(fixture)) for s in batched)


def test_each_document_is_encoded_once_without_padding(tiny_t5: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine, opts = engine_for(tiny_t5, num_beams=2, batch_size=8)
    encoder = engine.model.get_encoder()
    calls: list[tuple[int, int, bool]] = []
    real_forward = encoder.forward

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        ids = kwargs["input_ids"]
        calls.append((ids.shape[0], ids.shape[1], kwargs.get("attention_mask") is None))
        return real_forward(*args, **kwargs)

    monkeypatch.setattr(encoder, "forward", counting)
    docs = [d for d in DOCS if engine.count_tokens([d.text])[0] <= engine.max_input] * 2
    lengths = set(engine.count_tokens([model_input(d) for d in docs]))
    summaries = engine.summarize_batch(docs, opts)
    assert sum(rows for rows, _, _ in calls) == len(docs)  # one batch: each document once
    assert sorted(length for _, length, _ in calls) == sorted(lengths)  # one pass per length
    assert all(unmasked for _, _, unmasked in calls)
    assert all(s.paragraph and s.headline is not None for s in summaries)


@pytest.mark.parametrize("fixture", ["tiny_t5", "tiny_bart"])
def test_grouped_encoding_equals_padded_encoding(fixture: str, request: pytest.FixtureRequest) -> None:
    engine, _ = engine_for(request.getfixturevalue(fixture))
    texts = [model_input(d) for d in DOCS] + [model_input(DOCS[0])]
    with torch.inference_mode():
        states, mask = engine._encode(texts, engine.spec.prefix)
        padded = engine.tokenizer(
            [engine.spec.prefix + t for t in texts],
            padding=True,
            truncation=True,
            max_length=engine.max_input,
            return_tensors="pt",
        )
        expected = engine.model.get_encoder()(**padded).last_hidden_state
    assert torch.equal(mask, padded["attention_mask"])
    real = mask.bool()
    assert torch.allclose(states[real], expected[real], atol=1e-5, rtol=1e-4)
    assert not states[~real].any()


@pytest.mark.parametrize("fixture", ["tiny_t5", "tiny_bart"])
@pytest.mark.parametrize("beams", [1, 2])
def test_greedy_loop_writes_what_generate_writes(
    fixture: str, beams: int, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarize import greedy

    engine, opts = engine_for(request.getfixturevalue(fixture), num_beams=beams)
    engine.spec.paragraph.update(no_repeat_ngram_size=3, min_new_tokens=4, max_new_tokens=20)
    used = {"greedy": 0, "generate": 0}
    real_greedy, real_generate = greedy.greedy, engine.model.generate

    def counted(name, real):  # type: ignore[no-untyped-def]
        def run(*args, **kwargs):  # type: ignore[no-untyped-def]
            used[name] += 1
            return real(*args, **kwargs)

        return run

    monkeypatch.setattr(greedy, "greedy", counted("greedy", real_greedy))
    monkeypatch.setattr(engine.model, "generate", counted("generate", real_generate))
    fast = engine.summarize_batch(DOCS, opts)
    # Greedy settings take the loop, beam search takes generate.
    assert used == ({"greedy": 1, "generate": 0} if beams == 1 else {"greedy": 0, "generate": 1})
    monkeypatch.setattr(greedy, "supports", lambda model, settings: False)
    slow = engine.summarize_batch(DOCS, opts)
    assert [(s.headline, s.paragraph) for s in fast] == [(s.headline, s.paragraph) for s in slow]


@pytest.mark.parametrize(("policy", "decodes", "encodes"), [("from-paragraph", 1, 1), ("decode", 2, 2)])
def test_headline_policy_sets_the_decodes(
    tiny_t5: Path, monkeypatch: pytest.MonkeyPatch, policy: str, decodes: int, encodes: int
) -> None:
    import dataclasses

    engine, opts = engine_for(tiny_t5, num_beams=1)
    monkeypatch.setattr(
        engine, "spec", dataclasses.replace(engine.spec, headline_policy=policy, headline_prefix="headline: ")
    )
    counts = {"decode": 0, "encode": 0}
    real_decode, real_encode = engine._decode, engine._encode

    def decode(*args, **kwargs):  # type: ignore[no-untyped-def]
        counts["decode"] += 1
        return real_decode(*args, **kwargs)

    def encode(*args, **kwargs):  # type: ignore[no-untyped-def]
        counts["encode"] += 1
        return real_encode(*args, **kwargs)

    monkeypatch.setattr(engine, "_decode", decode)
    monkeypatch.setattr(engine, "_encode", encode)
    summary = engine.summarize_batch(DOCS[:1], opts)[0]
    assert (counts["decode"], counts["encode"]) == (decodes, encodes)
    assert summary.headline and "\n" not in summary.headline and not summary.headline.endswith(".")


def test_headline_from_paragraph_compresses_its_first_sentence() -> None:
    from summarize.seq2seq import headline_from

    paragraph = "The city council approved a new budget on Tuesday after months of debate. It raises spending."
    headline = headline_from(paragraph, 8)
    assert headline.startswith("City council approves") and len(headline.split()) <= 8
    assert headline_from("", 8) == ""


def test_long_input_is_truncated_with_a_note_by_default(tiny_t5: Path) -> None:
    engine, opts = engine_for(tiny_t5, num_beams=1)
    doc = prepare(Document("long", SEED.read_text() * 2))
    summary = engine.summarize_batch([doc], opts)[0]
    assert summary.paragraph and any("truncated at" in n and "left out" in n for n in summary.notes)


def test_threads_apply_on_every_load(tiny_t5: Path) -> None:
    for threads in (1, 2, 1):
        config = EngineConfig(model=str(tiny_t5), method="abstractive", device="cpu", threads=threads)
        load_engine(*resolve(config.model), config)
        assert torch.get_num_threads() == threads


def test_long_input_is_chunked_with_a_note(tiny_t5: Path) -> None:
    engine, opts = engine_for(tiny_t5, num_beams=1, long_input="chunk")
    long_text = SEED.read_text() * 2
    doc = prepare(Document("long", long_text))
    summary = engine.summarize_batch([doc], opts)[0]
    assert any("chunks" in note for note in summary.notes)
    chunks = engine.chunks([s.text for s in doc.sentences])
    assert len(chunks) > 1
    assert max(engine.count_tokens(chunks)) <= engine.max_input


def test_headline_is_clean(tiny_t5: Path) -> None:
    engine, opts = engine_for(tiny_t5, num_beams=1, headline_words=3)
    for summary in engine.summarize_batch(DOCS, opts):
        assert len(summary.headline.split()) <= 3
        assert "\n" not in summary.headline and not summary.headline.endswith(".")


def test_model_loaded_once(tiny_t5: Path) -> None:
    config = EngineConfig(model=str(tiny_t5), method="abstractive", device="cpu")
    assert load_engine(*resolve(config.model), config) is load_engine(*resolve(config.model), config)


def test_device_selection() -> None:
    assert pick_device("auto", cuda=True, mps=True) == "cuda"
    assert pick_device("auto", cuda=False, mps=True) == "mps"
    assert pick_device("auto", cuda=False, mps=False) == "cpu"
    assert pick_device("cpu", cuda=True, mps=False) == "cpu"
    with pytest.raises(ModelUnavailable):
        pick_device("cuda", cuda=False, mps=False)
    assert pick_dtype("cpu") is torch.float32
    assert pick_dtype("cuda", bf16_supported=True) is torch.bfloat16
    assert pick_dtype("cuda", bf16_supported=False) is torch.float16
    assert pick_dtype("mps") is torch.float16


def test_int8_quantisation_runs(tiny_t5: Path) -> None:
    engine, opts = engine_for(tiny_t5, num_beams=1, quantize="int8")
    assert engine.summarize_batch(DOCS[:1], opts)[0].paragraph


def test_summarizer_uses_the_model_and_retries_failed_batches(tiny_t5: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summarizer = Summarizer(model=str(tiny_t5), device="cpu", batch_size=4)
    engine = summarizer.engine
    assert engine.name == "abstractive"
    real = engine.summarize_batch
    sizes: list[int] = []

    def oom_on_big_batches(docs, opts):  # type: ignore[no-untyped-def]
        sizes.append(len(docs))
        if len(docs) > 1:
            raise RuntimeError("CUDA out of memory")
        if docs[0].id == "2":
            raise RuntimeError("broken document")
        return real(docs, opts)

    monkeypatch.setattr(engine, "summarize_batch", oom_on_big_batches)
    results = list(summarizer.summarize_many([Document(d.id, d.text) for d in DOCS], num_beams=1))
    assert [r.id for r in results] == ["0", "1", "2", "3"]
    assert sizes[:3] == [4, 2, 1]
    assert results[2].method == "textrank" and "broken document" in results[2].notes[-1]
    assert all(r.ok for r in results)


def test_unfaithful_output_is_replaced_in_auto_mode(tiny_t5: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summarizer = Summarizer(model=str(tiny_t5), device="cpu")
    from summarize.schema import Summary

    monkeypatch.setattr(
        summarizer.engine,
        "summarize_batch",
        lambda docs, opts: [
            Summary(d.id, "Council budget approved on Friday", "The council approved a budget.", "abstractive", "m")
            for d in docs
        ],
    )
    summary = summarizer.summarize(ARTICLE)
    assert "Friday" not in summary.headline  # the source says Tuesday
    assert any("headline conflicts with the source: Friday (source: Tuesday)" in note for note in summary.notes)
    assert summary.paragraph == "The council approved a budget."
    assert summary.method == "mixed" and summary.sources == {"headline": "textrank", "paragraph": "abstractive"}


def test_broken_model_directory_falls_back(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "t5"}))
    summary = Summarizer(model=str(tmp_path)).summarize(ARTICLE)
    assert summary.method == "textrank" and "could not be loaded" in summary.notes[0]


def test_cli_runs_the_abstractive_path(tiny_t5: Path) -> None:
    from summarize import cli

    result = CliRunner().invoke(
        cli.app,
        [str(SEED), "--model", str(tiny_t5), "--num-beams", "1", "--device", "cpu", "-f", "jsonl", "--on-flag", "note"],
    )
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["method"] == "abstractive" and record["model"] == str(tiny_t5)
    assert record["sources"] == {"headline": "abstractive", "paragraph": "abstractive"}

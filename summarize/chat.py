"""The chat engine: a small instruction-tuned decoder-only model, prompted
through its own chat template.

One prompt per article asks for a paragraph and a headline of the requested
lengths, answered in one generation in a labelled form:

    Summary: <paragraph>
    Headline: <headline>

The assistant's turn is begun with "Summary:", which holds small models to the
form; the paragraph comes first because it is what such models are trained to
write, and the headline then sums up what they just wrote. The answer is read
leniently (labels in any case, Markdown, quotes, a looping model's repeats).
A missing headline is compressed from the model's paragraph (the seq2seq
engine's from-paragraph policy); a part still missing or unusable is taken
from TextRank, with a note, and the record's sources say so. Prompts are left-padded and batched by length
under a token budget (`generation.ModelEngine`, shared with the seq2seq
engine, which also truncates or chunks long articles); decoding is greedy.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from summarize.generation import ModelEngine
from summarize.headline import clean_headline
from summarize.models import ModelSpec, ModelUnavailable, first_line
from summarize.prepare import split_sentences
from summarize.schema import CallSettings, EngineConfig, Prepared, Summary
from summarize.seq2seq import finish_loading, generation_kwargs, headline_from, load_cached, pick_dtype
from summarize.textrank import TextRankEngine

log = logging.getLogger(__name__)

SYSTEM = "You are a news editor. You summarise articles accurately, using only facts stated in the article."
ANSWER_START = "Summary:"
# Tokens per requested word, with room for the labels: generous, since a
# paragraph cut short loses its last sentence.
TOKENS_PER_WORD = 1.6
LABEL_TOKENS = 16
# Padded prompt tokens per document of a batch: a chat prompt (template,
# instruction and article) is about twice a seq2seq input, and decoding a
# batch costs little more than decoding one prompt, so the CPU budget is
# doubled; a GPU holds the key-value cache of far longer batches.
CPU_TOKENS_PER_DOC = 1024
GPU_TOKENS_PER_DOC = 2048

_LABEL = re.compile(r"(?i)(?<![\w-])[*_#>\s]*(summary|paragraph|headline|title)[*_]*\s*:[*_]*")
_WRAPPERS = "\"'*_#`“”‘’ "


def instruction(call: CallSettings, headline: bool) -> str:
    """What the model is asked for, at the call's lengths."""
    size = f"{call.sentences} sentences" if call.sentences else f"about {call.paragraph_words} words"
    ask = f"Summarise the article above in one paragraph of {size}."
    if not headline:
        return f"{ask} Answer in this format:\nSummary: <paragraph>"
    return (
        f"{ask} Then write a headline for it of at most {call.headline_words} words. "
        "Answer in this format:\nSummary: <paragraph>\nHeadline: <headline>"
    )


def max_new_tokens(call: CallSettings, headline: bool) -> int:
    """The most tokens an answer of the requested lengths needs."""
    words = (call.sentences or 0) * 25 or call.paragraph_words
    if headline:
        words += call.headline_words
    return int(TOKENS_PER_WORD * words) + LABEL_TOKENS


def _clean(text: str) -> str:
    # Past a blank line a small model starts over or rambles.
    text = text.strip().split("\n\n")[0]
    return " ".join(text.split()).strip(_WRAPPERS)


def _paragraph(text: str, call: CallSettings) -> str:
    """A paragraph of whole, distinct sentences, near the requested length."""
    sentences: list[str] = []
    for sentence in split_sentences(text):
        if sentence not in sentences:  # a looping model repeats itself
            sentences.append(sentence)
    # An answer cut off at the token limit ends mid-sentence: drop that part.
    if len(sentences) > 1 and sentences[-1][-1:] not in ".!?\"'”’)":
        sentences.pop()
    limit = call.sentences or None
    kept: list[str] = []
    for sentence in sentences[:limit]:
        if kept and not call.sentences and len(" ".join(kept).split()) >= call.paragraph_words:
            break
        kept.append(sentence)
    return " ".join(kept)


def parse_answer(answer: str, call: CallSettings, headline: bool = True) -> tuple[str, str]:
    """Reads (headline, paragraph) from a model's answer.

    Args:
      answer: the answer, beginning with its first label.
      call: the requested lengths.
      headline: whether a headline was asked for.

    Returns:
      (headline, paragraph); a part that is missing or unusable is "".
    """
    parts: dict[str, str] = {}
    matches = list(_LABEL.finditer(answer))
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        part = "headline" if match.group(1).lower() in {"headline", "title"} else "paragraph"
        text = _clean(answer[match.end() : following.start() if following else len(answer)])
        if text and part not in parts:
            parts[part] = text
    paragraph = _paragraph(parts.get("paragraph", ""), call)
    if len(paragraph.split()) < 3:
        paragraph = ""
    title = clean_headline(parts.get("headline", ""), call.headline_words) if headline else ""
    if title and paragraph and title.lower() == paragraph.lower().rstrip("."):
        paragraph = ""  # the model wrote the headline twice: no paragraph
    return title, paragraph


class ChatEngine(ModelEngine):
    """Headlines and paragraphs from an instruction-tuned causal language model.

    Args:
      model: a loaded `AutoModelForCausalLM`, already on `device`.
      tokenizer: its tokenizer, with a chat template.
      spec: the registry settings (input limit, generation).
      device: the torch device name.
      batch_size: most documents in one batch.
    """

    name = "chat"

    def __init__(self, model: Any, tokenizer: Any, spec: ModelSpec, device: str, batch_size: int = 16) -> None:
        if not getattr(tokenizer, "chat_template", None):
            raise ModelUnavailable(f"{spec.name} has no chat template; it is not an instruction-tuned chat model")
        tokenizer.padding_side = "left"  # generation continues from the right end of every row
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        super().__init__(model, tokenizer, spec, device, batch_size)
        self.tokens_per_doc = GPU_TOKENS_PER_DOC if device != "cpu" else CPU_TOKENS_PER_DOC
        self.textrank = TextRankEngine()
        # Set by benchmarks: every answer exactly this many tokens long, so
        # that batched and one-by-one runs do the same work.
        self.fixed_new_tokens: int | None = None
        self._overhead_tokens = len(self._encode([self.prompt("", CallSettings())])[0]) + LABEL_TOKENS // 2

    def prompt(self, text: str, call: CallSettings, headline: bool = True) -> str:
        """The whole prompt for one article: the chat template, and the answer's start."""
        user = f"Article:\n{text}\n\n{instruction(call, headline)}"
        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]
        try:
            rendered = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        except Exception:  # noqa: BLE001 - some templates refuse a system turn
            messages = [{"role": "user", "content": f"{SYSTEM}\n\n{user}"}]
            rendered = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return str(rendered) + ANSWER_START

    def _encode(self, prompts: Sequence[str]) -> list[list[int]]:
        # The template writes the special tokens itself (BOS included).
        return list(self.tokenizer(list(prompts), add_special_tokens=False)["input_ids"])

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Tokens of the whole prompt for each text."""
        if not texts:
            return []
        return [len(ids) + self._overhead_tokens for ids in self._encode(texts)]

    def summarize_batch(self, docs: Sequence[Prepared], call: CallSettings) -> list[Summary]:
        texts, notes = self.fit(docs, call)
        summaries: list[Summary] = []
        for doc, (headline, paragraph), note in zip(docs, self.generate(texts, call), notes, strict=True):
            if paragraph and not headline:
                # As the seq2seq engine's from-paragraph policy: the model's own words, compressed.
                headline = headline_from(paragraph, call.headline_words)
                note.append("the model's answer had no usable headline; compressed from its paragraph")
            summary = Summary(doc.id, headline, paragraph, self.name, self.model_id, note)
            missing = [part for part in ("headline", "paragraph") if not getattr(summary, part)]
            if missing:
                fallback = self.textrank.summarize_batch([doc], call)[0]
                for part in missing:
                    summary.set_part(part, getattr(fallback, part), self.textrank.name)
                    summary.notes.append(f"the model's answer had no usable {part}; textrank's used")
            summaries.append(summary)
        return summaries

    def generation_settings(self, call: CallSettings, headline: bool) -> dict[str, Any]:
        """Arguments for `generate`: the registry's, the call's beams, and a length bound."""
        kwargs = generation_kwargs(self.spec.generate, call)
        kwargs.setdefault("max_new_tokens", max_new_tokens(call, headline))
        if self.fixed_new_tokens:
            kwargs.update(min_new_tokens=self.fixed_new_tokens, max_new_tokens=self.fixed_new_tokens)
        else:
            # A blank line ends the answer (a chunk summary: its one line).
            kwargs.update(stop_strings=["\n\n"] if headline else ["\n"], tokenizer=self.tokenizer)
        kwargs["pad_token_id"] = self.tokenizer.pad_token_id
        return kwargs

    def answers(self, texts: Sequence[str], call: CallSettings, headline: bool = True) -> list[str]:
        """The model's raw answers for one batch of texts, each from its first label on."""
        prompts = [self.prompt(t, call, headline) for t in texts]
        encoded = self.tokenizer(prompts, padding=True, add_special_tokens=False, return_tensors="pt").to(self.device)
        with torch.inference_mode():
            output = self.model.generate(**encoded, **self.generation_settings(call, headline))
        answers = self.tokenizer.batch_decode(output[:, encoded["input_ids"].shape[1] :], skip_special_tokens=True)
        return [ANSWER_START + answer for answer in answers]

    def _generate_batch(
        self, texts: Sequence[str], call: CallSettings, headline: bool, languages: Sequence[str]
    ) -> list[tuple[str, str]]:
        # The prompt asks for English-style output whatever the input: the language needs no handling here.
        return [parse_answer(answer, call, headline) for answer in self.answers(texts, call, headline)]


def load_engine(spec: ModelSpec, directory: Path, config: EngineConfig) -> ChatEngine:
    """Loads (once per process) the chat model that `spec` and `directory` name.

    Raises:
      ModelUnavailable: the model, its chat template or the device cannot be had.
    """
    return load_cached(spec, directory, config, _load)


def _load(spec: ModelSpec, directory: Path, device: str, config: EngineConfig) -> ChatEngine:
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    files: dict[str, Any] = {"local_files_only": True}
    if spec.gguf_file:
        files["gguf_file"] = spec.gguf_file
    hf_logging.disable_progress_bar()
    try:
        # Dequantising a GGUF file draws a progress bar of its own on stderr,
        # which would land amid the CLI's output; failures are raised, not printed.
        with contextlib.redirect_stderr(io.StringIO()) if spec.gguf_file else contextlib.nullcontext():
            tokenizer = AutoTokenizer.from_pretrained(directory, **files)
            model = AutoModelForCausalLM.from_pretrained(directory, dtype=pick_dtype(device), **files)
    except Exception as err:  # noqa: BLE001 - a broken model is reported, not raised
        reason = first_line(err)
        if spec.gguf_file and ("gguf" in reason.lower() or "accelerate" in reason.lower()):
            reason += " (GGUF files need the chat extra: pip install 'summarize[chat]')"
        raise ModelUnavailable(f"{spec.name} could not be loaded from {directory}: {reason}") from err
    finally:
        hf_logging.enable_progress_bar()
    model = finish_loading(model, device, config)
    log.info("loaded %s (chat) on %s", spec.name, device)
    return ChatEngine(model, tokenizer, spec, device, config.batch_size)

"""The abstractive engine: a pretrained seq2seq model through transformers.

Each batch is encoded once; the paragraph and the headline are both decoded
from those encoder states, with their own length settings. Documents are
sorted by token length and packed under a token budget, so that padding is
small, and results go back in input order. An article over the model's input
limit is split at sentence boundaries, each chunk summarised, and the joined
chunk summaries summarised again.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import torch
import transformers
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
from transformers.modeling_outputs import BaseModelOutput

from summarize.headline import clean_headline, compress
from summarize.models import ModelSpec, ModelUnavailable
from summarize.prepare import split_sentences
from summarize.schema import CallSettings, EngineConfig, Prepared, Summary

log = logging.getLogger(__name__)

# transformers' "Loading weights" bar, its LOAD REPORT and its generation-flag
# warnings are about things a user of this tool cannot act on. transformers
# sets its own log level when imported, so this must come after the import.
transformers.utils.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()
# A sentence any tokenizer with a vocabulary splits into known pieces.
PROBE = "The council approved the budget on Tuesday."

# Most chunks one article is cut into; past this the rest is left out, and the
# summary's notes say how much was summarised.
MAX_CHUNKS = 16
# Padded tokens per batch, per document of batch_size: keeps a batch of long
# articles from taking as much memory as a batch of short ones would not.
TOKENS_PER_DOC = 512


def physical_cores() -> int:
    """Physical cores this process may use: hyper-threads share a core's
    arithmetic units, so matrix work gains nothing from them."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            info = handle.read()
    except OSError:
        return usable
    cores = set(re.findall(r"physical id\s*:\s*(\d+)[^\n]*\n(?:[^\n]+\n)*?core id\s*:\s*(\d+)", info))
    logical = info.count("processor\t:") or usable
    # Scale to this process's share of the machine (containers, taskset).
    return max(1, round(usable * len(cores) / logical)) if cores else usable


def pick_device(requested: str, cuda: bool | None = None, mps: bool | None = None) -> str:
    """Chooses the device: for "auto", CUDA, then MPS, then the CPU.

    Args:
      requested: "auto", "cpu", "cuda" or "mps".
      cuda: whether CUDA is available (asked of torch when None).
      mps: whether Apple's MPS is available (asked of torch when None).

    Raises:
      ModelUnavailable: the requested device is not available.
    """
    cuda = torch.cuda.is_available() if cuda is None else cuda
    if mps is None:
        mps = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
    available = {"cpu": True, "cuda": cuda, "mps": mps}
    if requested == "auto":
        return next(d for d in ("cuda", "mps", "cpu") if available[d])
    if not available.get(requested, False):
        raise ModelUnavailable(f"device {requested!r} is not available here")
    return requested


def pick_dtype(device: str, bf16_supported: bool | None = None) -> torch.dtype:
    """fp32 on the CPU; bf16 on a GPU that has it, else fp16."""
    if device == "cpu":
        return torch.float32
    if device == "cuda":
        bf16 = torch.cuda.is_bf16_supported() if bf16_supported is None else bf16_supported
        return torch.bfloat16 if bf16 else torch.float16
    return torch.float16


def generation_kwargs(settings: dict[str, Any], call: CallSettings) -> dict[str, Any]:
    """Generation arguments for one output: the registry's, with the call's beams applied."""
    kwargs = dict(settings)
    if call.num_beams is not None:
        kwargs["num_beams"] = call.num_beams
    kwargs.setdefault("num_beams", 1)
    kwargs["do_sample"] = False  # deterministic: the same input gives the same output
    if kwargs["num_beams"] > 1:
        kwargs["early_stopping"] = True
    return kwargs


class Seq2SeqEngine:
    """Headlines and paragraphs from a seq2seq model.

    Args:
      model: a loaded `AutoModelForSeq2SeqLM`, already on `device`.
      tokenizer: its tokenizer.
      spec: the registry settings (prefix, input limit, generation).
      device: the torch device name.
      batch_size: most documents in one batch.
    """

    name = "abstractive"

    def __init__(self, model: Any, tokenizer: Any, spec: ModelSpec, device: str, batch_size: int = 16) -> None:
        self.model = model
        self.batch_size = batch_size
        self.tokenizer = tokenizer
        self.spec = spec
        self.device = device
        self.model_id = spec.hub_id or spec.name
        self.max_input = spec.max_input_tokens

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Tokens in each text, prefix and special tokens included."""
        if not texts:
            return []
        ids = self.tokenizer([self.spec.prefix + t for t in texts], add_special_tokens=True)["input_ids"]
        return [len(x) for x in ids]

    def summarize_batch(self, docs: Sequence[Prepared], call: CallSettings) -> list[Summary]:
        policy = self.spec.long_input if call.long_input == "auto" else call.long_input
        texts = [model_input(doc) for doc in docs]
        lengths = self.count_tokens(texts)
        notes: list[list[str]] = [list(doc.notes) for doc in docs]
        for i, length in enumerate(lengths):
            if length <= self.max_input:
                continue
            if policy == "chunk":
                pieces = ([docs[i].title] if docs[i].title else []) + [s.text for s in docs[i].sentences]
                texts[i], note = self._condense(pieces, length, call)
            else:
                # The tokenizer cuts it at the limit; news puts its substance first.
                note = (
                    f"input truncated at {self.max_input} tokens: {1 - self.max_input / length:.0%} of its "
                    f"{length} tokens left out (--long-input chunk reads it all)"
                )
            notes[i].append(note)
        outputs = self.generate(texts, call, languages=[doc.language for doc in docs])
        return [
            Summary(doc.id, headline, paragraph, self.name, self.model_id, note)
            for doc, (headline, paragraph), note in zip(docs, outputs, notes, strict=True)
        ]

    def generate(
        self, texts: Sequence[str], call: CallSettings, headline: bool = True, languages: Sequence[str] | None = None
    ) -> list[tuple[str, str]]:
        """Headline and paragraph for each text, in input order.

        Texts are sorted by length and packed under a token budget; each batch
        is encoded once and both outputs are decoded from the same states.

        Args:
          texts: normalised texts within the input limit.
          call: beams and headline length.
          headline: decode the headline too (chunk summaries need none).
          languages: each text's language, for the headline's cut ("en" when not given).

        Returns:
          (headline, paragraph) per text; headline is "" when not asked for.
        """
        lengths = self.count_tokens(texts)
        results: list[tuple[str, str]] = [("", "")] * len(texts)
        for batch in self._batches(lengths, self.batch_size):
            langs = [languages[i] if languages else "en" for i in batch]
            pairs = self._generate_batch([texts[i] for i in batch], call, headline, langs)
            for i, pair in zip(batch, pairs, strict=True):
                results[i] = pair
        return results

    def _batches(self, lengths: Sequence[int], batch_size: int) -> Iterator[list[int]]:
        budget = batch_size * TOKENS_PER_DOC
        batch: list[int] = []
        for i in sorted(range(len(lengths)), key=lambda k: lengths[k]):
            # Sorted ascending, so the newest member sets the padded width.
            if batch and (len(batch) >= batch_size or (len(batch) + 1) * min(lengths[i], self.max_input) > budget):
                yield batch
                batch = []
            batch.append(i)
        if batch:
            yield batch

    def _encode(self, texts: Sequence[str], prefix: str) -> tuple[torch.Tensor, torch.Tensor]:
        encoded = self.tokenizer(
            [prefix + t for t in texts],
            padding=True,
            truncation=True,  # over-long texts were condensed first, or are cut here with a note
            max_length=self.max_input,
            return_tensors="pt",
        ).to(self.device)
        mask = encoded["attention_mask"]
        states = self.model.get_encoder()(input_ids=encoded["input_ids"], attention_mask=mask).last_hidden_state
        return states, mask

    def _generate_batch(
        self, texts: Sequence[str], call: CallSettings, headline: bool, languages: Sequence[str]
    ) -> list[tuple[str, str]]:
        with torch.inference_mode():
            states, mask = self._encode(texts, self.spec.prefix)
            paragraphs = [" ".join(p.split()) for p in self._decode(states, mask, self.spec.paragraph, call)]
            if not headline:
                headlines = [""] * len(texts)
            elif self.spec.headline_policy == "from-paragraph":
                pairs = zip(paragraphs, languages, strict=True)
                headlines = [headline_from(p, call.headline_words, lang) for p, lang in pairs]
            else:
                if self.spec.headline_prefix != self.spec.prefix:
                    states, mask = self._encode(texts, self.spec.headline_prefix)
                decoded = self._decode(states, mask, self.spec.headline, call)
                pairs = zip(decoded, languages, strict=True)
                headlines = [clean_headline(h, call.headline_words, lang) for h, lang in pairs]
        return list(zip(headlines, paragraphs, strict=True))

    def _decode(
        self, states: torch.Tensor, mask: torch.Tensor, settings: dict[str, Any], call: CallSettings
    ) -> list[str]:
        # A fresh output object per call: generate() expands it for beam
        # search in place, and the other decode must see the original states.
        output = self.model.generate(
            encoder_outputs=BaseModelOutput(last_hidden_state=states),
            attention_mask=mask,
            **generation_kwargs(settings, call),
        )
        return list(self.tokenizer.batch_decode(output, skip_special_tokens=True))

    def chunks(self, sentences: Sequence[str]) -> list[str]:
        """Packs sentences, in order, into pieces within the input limit."""
        limit = self.max_input - self.count_tokens([""])[0]
        pieces: list[str] = []
        for sentence in sentences:
            words = sentence.split()
            # A sentence over the limit (no punctuation) is cut by words; a
            # word is at least one token, so limit // 2 words is safe enough.
            pieces.extend(" ".join(words[k : k + limit // 2]) for k in range(0, len(words), limit // 2))
        sizes = self.count_tokens(pieces)
        chunks: list[str] = []
        current: list[str] = []
        size = 0
        for piece, n in zip(pieces, sizes, strict=True):
            if current and size + n > limit:
                chunks.append(" ".join(current))
                current, size = [], 0
            current.append(piece)
            size += n
        if current:
            chunks.append(" ".join(current))
        return chunks

    def _condense(self, sentences: Sequence[str], length: int, call: CallSettings) -> tuple[str, str]:
        """Summarises the chunks of a long text until the joined result fits."""
        chunks = self.chunks(sentences)
        note = f"input of {length} tokens over the {self.max_input}-token limit: summarised in {len(chunks)} chunks"
        if len(chunks) > MAX_CHUNKS:
            note += f" (only the first {MAX_CHUNKS} were used)"
            chunks = chunks[:MAX_CHUNKS]
        for _ in range(4):  # each round shrinks the text several times over
            summaries = [p for _, p in self.generate(chunks, call, headline=False)]
            joined = " ".join(summaries)
            if self.count_tokens([joined])[0] <= self.max_input:
                return joined, note
            chunks = self.chunks(summaries)
        return chunks[0], note


def headline_from(paragraph: str, max_words: int, language: str = "en") -> str:
    """The headline compressor applied to a generated paragraph's first sentence."""
    sentences = split_sentences(paragraph)
    return compress(sentences[0], max_words, language=language) if sentences else ""


def model_input(doc: Prepared) -> str:
    """The text a model reads: the title and the body, without the dateline."""
    return f"{doc.title}. {doc.body}" if doc.title else doc.body


_LOADED: dict[tuple[str, str, str, int], Seq2SeqEngine] = {}


def load_engine(spec: ModelSpec, directory: Path, config: EngineConfig) -> Seq2SeqEngine:
    """Loads (once per process) the model that `spec` and `directory` name.

    Raises:
      ModelUnavailable: the model or the device cannot be had.
    """
    device = pick_device(config.device)
    if config.max_input_tokens is not None:
        spec = ModelSpec(**{**spec.__dict__, "max_input_tokens": config.max_input_tokens})
    key = (str(directory), device, config.quantize, spec.max_input_tokens, config.threads, config.batch_size)
    if key not in _LOADED:
        _LOADED[key] = _load(spec, directory, device, config)
    # On every load, not only the first: a second Summarizer may ask for other threads.
    torch.set_num_threads(config.threads or physical_cores())
    return _LOADED[key]


def _has_vocabulary(tokenizer: Any) -> bool:
    """False for a tokenizer made without its files: it knows only its special
    tokens, so every word becomes <unk> and every output is empty."""
    ids = tokenizer(PROBE)["input_ids"]
    return bool(tokenizer.decode(ids, skip_special_tokens=True).strip())


def _load(spec: ModelSpec, directory: Path, device: str, config: EngineConfig) -> Seq2SeqEngine:
    try:
        tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
        model = AutoModelForSeq2SeqLM.from_pretrained(directory, local_files_only=True, dtype=pick_dtype(device))
    except Exception as err:  # noqa: BLE001 - a broken model is reported, not raised
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ModelUnavailable(f"{spec.name} could not be loaded from {directory}: {reason}") from err
    if not _has_vocabulary(tokenizer):
        raise ModelUnavailable(
            f"{spec.name} has no usable tokenizer in {directory} (tokenizer.json, spiece.model or vocab files)"
        )
    model.eval().to(device)
    if config.quantize == "int8":
        if device != "cpu":
            raise ModelUnavailable("--quantize int8 runs on the CPU only; use --device cpu")
        with warnings.catch_warnings():
            # torch marks eager dynamic quantisation deprecated in favour of
            # torchao, a further dependency; it still works and is what we measure.
            warnings.simplefilter("ignore")
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    log.info("loaded %s on %s", spec.name, device)
    return Seq2SeqEngine(model, tokenizer, spec, device, config.batch_size)

"""The abstractive engine: a pretrained seq2seq model through transformers.

Each batch is encoded once and the paragraph decoded from those states; the
headline is compressed from the paragraph's first sentence, or decoded with a
prompt of its own (the registry's `headline_policy`). Batching and long
inputs (truncated, or chunked and condensed) are `generation.ModelEngine`'s,
shared with the chat engine. Another backend (`ct2_backend.py`) replaces
only `_write`, the model's part: the rest is this engine's whatever runs it.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import torch
import transformers
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
from transformers.modeling_outputs import BaseModelOutput

from summarize import greedy
from summarize.generation import ModelEngine
from summarize.headline import clean_headline, compress
from summarize.models import ModelSpec, ModelUnavailable, first_line
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


class Seq2SeqEngine(ModelEngine):
    """Headlines and paragraphs from a seq2seq model.

    Args:
      model: a loaded `AutoModelForSeq2SeqLM`, already on `device`.
      tokenizer: its tokenizer.
      spec: the registry settings (prefix, input limit, generation).
      device: the torch device name.
      batch_size: most documents in one batch.
    """

    name = "abstractive"

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Tokens in each text, prefix and special tokens included."""
        if not texts:
            return []
        ids = self.tokenizer([self.spec.prefix + t for t in texts], add_special_tokens=True)["input_ids"]
        return [len(x) for x in ids]

    def summarize_batch(self, docs: Sequence[Prepared], call: CallSettings) -> list[Summary]:
        texts, notes = self.fit(docs, call)
        outputs = self.generate(texts, call, languages=[doc.language for doc in docs])
        return [
            Summary(doc.id, headline, paragraph, self.name, self.model_id, note)
            for doc, (headline, paragraph), note in zip(docs, outputs, notes, strict=True)
        ]

    def _ids(self, texts: Sequence[str], prefix: str) -> list[list[int]]:
        """Token ids of each text after `prefix`, cut to the input limit."""
        ids: list[list[int]] = self.tokenizer(
            [prefix + t for t in texts],
            truncation=True,  # a guard only: over-long texts were truncated or condensed first
            max_length=self.max_input,
        )["input_ids"]
        return ids

    def _encode(self, texts: Sequence[str], prefix: str) -> tuple[torch.Tensor, torch.Tensor]:
        """Encoder states and mask of a batch, padded to its longest text.

        Texts of equal token length are encoded together with no attention
        mask: with padding, T5's attention builds a (batch, heads, length,
        length) mask in every layer, which cost about a quarter of the encoder
        (measured, see models/README.md). Batches come sorted by length, and
        most news articles fill the input limit, so groups are few and large.
        """
        ids = self._ids(texts, prefix)
        width = max(len(x) for x in ids)
        encoder = self.model.get_encoder()
        states: torch.Tensor | None = None
        mask = torch.zeros(len(ids), width, dtype=torch.long, device=self.device)
        for group in equal_lengths(ids):
            length = len(ids[group[0]])
            batch = torch.tensor([ids[i] for i in group], dtype=torch.long, device=self.device)
            hidden = encoder(input_ids=batch).last_hidden_state
            if states is None:
                states = hidden.new_zeros(len(ids), width, hidden.shape[-1])
            rows = torch.tensor(group, device=self.device)
            states[rows, :length] = hidden
            mask[rows, :length] = 1
        assert states is not None
        return states, mask

    def _generate_batch(
        self, texts: Sequence[str], call: CallSettings, headline: bool, languages: Sequence[str]
    ) -> list[tuple[str, str]]:
        decode_headline = headline and self.spec.headline_policy != "from-paragraph"
        written, decoded = self._write(texts, call, decode_headline)
        paragraphs = [" ".join(p.split()) for p in written]
        if not headline:
            headlines = [""] * len(texts)
        elif decoded is None:
            pairs = zip(paragraphs, languages, strict=True)
            headlines = [headline_from(p, call.headline_words, lang) for p, lang in pairs]
        else:
            pairs = zip(decoded, languages, strict=True)
            headlines = [clean_headline(h, call.headline_words, lang) for h, lang in pairs]
        return list(zip(headlines, paragraphs, strict=True))

    def _write(self, texts: Sequence[str], call: CallSettings, headline: bool) -> tuple[list[str], list[str] | None]:
        """The model's paragraphs and, if `headline`, its decoded headlines (else None), as text."""
        with torch.inference_mode():
            states, mask = self._encode(texts, self.spec.prefix)
            paragraphs = self._decode(states, mask, self.spec.paragraph, call)
            if not headline:
                return paragraphs, None
            if self.spec.headline_prefix != self.spec.prefix:
                states, mask = self._encode(texts, self.spec.headline_prefix)
            return paragraphs, self._decode(states, mask, self.spec.headline, call)

    def _decode(
        self, states: torch.Tensor, mask: torch.Tensor, settings: dict[str, Any], call: CallSettings
    ) -> list[str]:
        kwargs = generation_kwargs(settings, call)
        if greedy.supports(self.model, kwargs):
            output = greedy.greedy(self.model, states, mask, kwargs)
        else:
            # A fresh output object per call: generate() expands it for beam
            # search in place, and the other decode must see the original states.
            output = self.model.generate(
                encoder_outputs=BaseModelOutput(last_hidden_state=states), attention_mask=mask, **kwargs
            )
        return list(self.tokenizer.batch_decode(output, skip_special_tokens=True))


def equal_lengths(ids: Sequence[Sequence[int]]) -> list[list[int]]:
    """Indices of the token sequences grouped by length, in order of first appearance."""
    groups: dict[int, list[int]] = {}
    for i, sequence in enumerate(ids):
        groups.setdefault(len(sequence), []).append(i)
    return list(groups.values())


_LOADED: dict[tuple[Any, ...], Any] = {}

Engine = TypeVar("Engine")


def headline_from(paragraph: str, max_words: int, language: str = "en") -> str:
    """The headline compressor applied to a generated paragraph's first sentence."""
    sentences = split_sentences(paragraph)
    if not sentences:
        return ""
    # A fragment the compressor cannot shorten into a headline is still the model's words, cleaned.
    return compress(sentences[0], max_words, language=language) or clean_headline(sentences[0], max_words, language)


def has_vocabulary(tokenizer: Any) -> bool:
    """False for a tokenizer made without its files: it knows only its special
    tokens, so every word becomes <unk> and every output is empty."""
    ids = tokenizer(PROBE)["input_ids"]
    return bool(tokenizer.decode(ids, skip_special_tokens=True).strip())


def load_cached(
    spec: ModelSpec,
    directory: Path,
    config: EngineConfig,
    loader: Callable[[ModelSpec, Path, str, EngineConfig], Engine],
    device_for: Callable[[str], str] = pick_device,
) -> Engine:
    """Loads a model engine once per process: the same files, device and settings share it.

    Args:
      spec: the resolved registry settings.
      directory: the model's files.
      config: the load-time settings (device, quantisation, threads, input limit).
      loader: makes the engine: (spec, directory, device, config) -> engine.
      device_for: the device for `config.device` ("auto" included).

    Raises:
      ModelUnavailable: the model or the device cannot be had.
    """
    device = device_for(config.device)
    if config.max_input_tokens is not None:
        spec = spec.replace(max_input_tokens=config.max_input_tokens)
    key = (
        loader.__module__,
        str(directory),
        spec.gguf_file,
        device,
        config.quantize,
        spec.max_input_tokens,
        config.threads,
        config.batch_size,
    )
    if key not in _LOADED:
        _LOADED[key] = loader(spec, directory, device, config)
    # On every load, not only the first: a second Summarizer may ask for other threads.
    torch.set_num_threads(config.threads or physical_cores())
    return cast(Engine, _LOADED[key])


def finish_loading(model: Any, device: str, config: EngineConfig) -> Any:
    """Puts a loaded model in inference mode on its device, quantised if asked.

    Raises:
      ModelUnavailable: int8 asked for off the CPU.
    """
    model.eval().to(device)
    if config.quantize == "int8":
        if device != "cpu":
            raise ModelUnavailable("--quantize int8 runs on the CPU only; use --device cpu")
        with warnings.catch_warnings():
            # torch marks eager dynamic quantisation deprecated in favour of
            # torchao, a further dependency; it still works and is what we measure.
            warnings.simplefilter("ignore")
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return model


def load_engine(spec: ModelSpec, directory: Path, config: EngineConfig) -> Seq2SeqEngine:
    """Loads (once per process) the model that `spec` and `directory` name.

    Raises:
      ModelUnavailable: the model or the device cannot be had.
    """
    return load_cached(spec, directory, config, _load)


def load_tokenizer(spec: ModelSpec, directory: Path) -> Any:
    """The model's tokenizer, from its directory only.

    Raises:
      ModelUnavailable: it cannot be loaded, or it has no vocabulary.
    """
    try:
        tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
    except Exception as err:  # noqa: BLE001 - a broken model is reported, not raised
        raise ModelUnavailable(f"{spec.name} could not be loaded from {directory}: {first_line(err)}") from err
    if not has_vocabulary(tokenizer):
        raise ModelUnavailable(
            f"{spec.name} has no usable tokenizer in {directory} (tokenizer.json, spiece.model or vocab files)"
        )
    return tokenizer


def _load(spec: ModelSpec, directory: Path, device: str, config: EngineConfig) -> Seq2SeqEngine:
    # The weights first: a folder with no model at all (a stray config.json)
    # is reported as that, not as the tokenizer it also lacks.
    try:
        model = AutoModelForSeq2SeqLM.from_pretrained(directory, local_files_only=True, dtype=pick_dtype(device))
    except Exception as err:  # noqa: BLE001 - a broken model is reported, not raised
        raise ModelUnavailable(f"{spec.name} could not be loaded from {directory}: {first_line(err)}") from err
    tokenizer = load_tokenizer(spec, directory)
    model = finish_loading(model, device, config)
    log.info("loaded %s on %s", spec.name, device)
    return Seq2SeqEngine(model, tokenizer, spec, device, config.batch_size)

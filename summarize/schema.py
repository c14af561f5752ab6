"""The shared types: documents in, summaries out, the two kinds of settings, and
the engine protocol.

Settings come in two kinds, as in sacreBLEU (configure once, score many times):
- `EngineConfig`: fixed when a `Summarizer` is made (engine, model, device...).
- `CallSettings`: may change on every call and every HTTP request (lengths,
  beams, long-input policy, what the faithfulness guard does).
Every default and every bound lives here, and nowhere else.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

METHODS: tuple[str, ...] = ("auto", "abstractive", "chat", "textrank")
DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda", "mps")
QUANTIZE: tuple[str, ...] = ("none", "int8")
BACKENDS: tuple[str, ...] = ("transformers", "ctranslate2")
LONG_INPUT: tuple[str, ...] = ("auto", "truncate", "chunk")
ON_FLAG: tuple[str, ...] = ("replace", "note", "drop")
# The model `--model` names when it is not given, and the one `--method chat`
# takes in its place.
DEFAULT_MODEL = "t5-small"
DEFAULT_CHAT_MODEL = "smollm2-135m"
# The engines that write a part; "mixed" is a method only, never a source.
ENGINES: tuple[str, ...] = ("abstractive", "chat", "textrank")


class UsageError(ValueError):
    """A problem the user can fix: a bad option, an unusable model, no input."""


@dataclass(frozen=True)
class Document:
    """One article to summarise, as read.

    Attributes:
      id: a stable identifier (file path, JSONL id, URL or line number).
      text: the raw text: plain, Markdown or HTML.
      notes: remarks made while reading it, such as replaced invalid bytes.
      url: where it was fetched from, if anywhere.
    """

    id: str
    text: str
    notes: tuple[str, ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class Sentence:
    """One sentence of a prepared document.

    Attributes:
      text: the sentence, normalised.
      start: its first character in `Prepared.text`.
      end: one past its last character in `Prepared.text`.
      paragraph: the index of its paragraph.
    """

    text: str
    start: int
    end: int
    paragraph: int


@dataclass(eq=False)
class Prepared:
    """A document after the preparation stage: everything engines and the guard
    read. Made once per document by `summarize.prepare.prepare`.

    Attributes:
      id: the document's id.
      text: the normalised full text (title, dateline and body).
      title: the title line, when the text opens with one (not among `sentences`).
      dateline: a leading news dateline ("KIEV (Reuters) -"), removed from the
        first sentence.
      paragraphs: the body's paragraphs.
      sentences: the body's sentences, in order.
      language: an ISO 639-1 code, or "und" when unknown.
      script: the main writing system ("latin", "cjk", "cyrillic"...).
      notes: remarks from reading and preparing (replaced bytes, long input).
    """

    id: str
    text: str
    title: str | None
    dateline: str | None
    paragraphs: list[str]
    sentences: list[Sentence]
    language: str = "und"
    script: str = "latin"
    notes: list[str] = field(default_factory=list)
    # Derived data that a stage computes once per document (the guard's
    # index of the source, say), keyed by the stage's name.
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def body(self) -> str:
        """The body's sentences, joined by spaces."""
        return " ".join(s.text for s in self.sentences)

    @cached_property
    def words(self) -> list[str]:
        """The words of the whole text (title included)."""
        from summarize.prepare import words

        return words(self.text)


@dataclass
class Summary:
    """The result for one document.

    Attributes:
      id: the document's id.
      headline: one line, no final full stop.
      paragraph: a few sentences.
      method: the engine that wrote both parts, or "mixed" when they differ.
      model: the model id when a model wrote a part, else None.
      sources: which engine wrote each part: {"headline": ..., "paragraph": ...}.
      notes: one-line remarks (fallbacks, truncation, flagged facts).
      error: set when the document could not be summarised at all.
    """

    id: str
    headline: str
    paragraph: str
    method: str
    model: str | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    sources: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.sources and self.error is None and self.method in ENGINES:
            self.sources = {"headline": self.method, "paragraph": self.method}

    @property
    def ok(self) -> bool:
        return self.error is None

    def set_part(self, part: str, text: str, engine: str) -> None:
        """Replaces the headline or the paragraph, recording which engine wrote it."""
        setattr(self, part, text)
        self.sources[part] = engine
        engines = set(self.sources.values())
        self.method = engines.pop() if len(engines) == 1 else "mixed"
        if self.method == "textrank":
            self.model = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON record: id, headline, paragraph, method, sources, model, notes (and error)."""
        record: dict[str, Any] = {
            "id": self.id,
            "headline": self.headline,
            "paragraph": self.paragraph,
            "method": self.method,
            "sources": dict(self.sources),
            "model": self.model,
            "notes": list(self.notes),
        }
        if self.error is not None:
            record["error"] = self.error
        return record


# --- settings -----------------------------------------------------------------


def _setting(
    default: Any, help: str, *, lo: int | None = None, hi: int | None = None, choices: Sequence[str] = ()
) -> Any:
    return field(default=default, metadata={"help": help, "lo": lo, "hi": hi, "choices": tuple(choices)})


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _check(settings: Any) -> None:
    """Validates every field of a settings dataclass by type and range.

    A bool is not a number, 5.5 is not a word count, and NaN is not anything.

    Raises:
      UsageError: with one line naming the setting and what it accepts.
    """
    for spec in dataclasses.fields(settings):
        value = getattr(settings, spec.name)
        meta = spec.metadata
        name = spec.name.replace("_", "-")
        if value is None and spec.default is None:
            continue
        if meta.get("choices"):
            if not isinstance(value, str) or value not in meta["choices"]:
                raise UsageError(f"{name} must be one of {', '.join(meta['choices'])}, not {value!r}")
        elif isinstance(spec.default, bool):
            if not isinstance(value, bool):
                raise UsageError(f"{name} must be true or false, not {value!r}")
        elif meta.get("lo") is not None:
            lo, hi = meta["lo"], meta["hi"]
            if type(value) is not int:
                raise UsageError(f"{name} must be a whole number from {lo} to {hi}, not {value!r}")
            if not lo <= value <= hi:
                raise UsageError(f"{name} must be from {lo} to {hi}, not {value}")
        elif not isinstance(value, str):
            raise UsageError(f"{name} must be a string, not {value!r}")


class _Settings:
    """What both kinds of settings share: validation, copies and dicts."""

    def __post_init__(self) -> None:
        _check(self)

    def replace(self, **changes: Any) -> Any:
        """Returns a copy with `changes` applied (and validated).

        Raises:
          UsageError: an unknown name or a bad value.
        """
        unknown = set(changes) - names(type(self))
        if unknown:
            raise UsageError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Any:
        """Builds settings from a mapping such as a JSON object.

        Raises:
          UsageError: an unknown name or a bad value.
        """
        return cls().replace(**values)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]


def names(cls: type) -> set[str]:
    """The field names of a settings class."""
    return {f.name for f in dataclasses.fields(cls)}


@dataclass(frozen=True)
class EngineConfig(_Settings):
    """Load-time settings, fixed for the life of a `Summarizer` (and of a server).

    Attributes:
      method: "auto" (a model when one is available, else TextRank),
        "abstractive", "chat" or "textrank".
      model: a registry name, a hub id, a local directory or a .gguf file;
        with method "chat", the default model stands for DEFAULT_CHAT_MODEL.
      backend: the inference backend for seq2seq models.
      device: "auto", "cpu", "cuda" or "mps".
      quantize: "none" or "int8" (dynamic quantisation on the CPU).
      threads: torch CPU threads; None takes the physical cores, divided among workers.
      workers: processes that share a TextRank batch (1: this process only).
      batch_size: most documents in one model batch.
      allow_download: let the model be fetched from the hub.
      max_input_tokens: model input limit; None takes the registry's value.
    """

    method: str = _setting("auto", "auto uses a model when one is available, else textrank", choices=METHODS)
    model: str = _setting(DEFAULT_MODEL, "Registry name, hub id, local model directory or .gguf file.")
    backend: str = _setting(
        "transformers",
        "Inference backend for seq2seq models (ctranslate2: pip install 'summarize[ctranslate2]').",
        choices=BACKENDS,
    )
    device: str = _setting("auto", "Where the model runs.", choices=DEVICES)
    quantize: str = _setting("none", "int8 quantises Linear layers on the CPU.", choices=QUANTIZE)
    threads: int | None = _setting(
        None,
        "CPU threads of torch or CTranslate2, set at load (default: the cores, shared among workers).",
        lo=1,
        hi=1024,
    )
    workers: int = _setting(1, "Processes sharing each TextRank batch (at most the cores).", lo=1, hi=max(1, _cores()))
    batch_size: int = _setting(16, "Documents per batch.", lo=1, hi=4096)
    allow_download: bool = _setting(False, "Fetch the model from the hub when it is not cached.")
    max_input_tokens: int | None = _setting(None, "Model input limit (default: the registry's).", lo=16, hi=131072)


@dataclass(frozen=True)
class CallSettings(_Settings):
    """Per-call settings: they may change on every call and every HTTP request.

    Attributes:
      headline_words: most words in a headline (scripts without spaces count
        characters, about 2.5 per word).
      paragraph_words: target paragraph length in words.
      sentences: when set, the paragraph has this many sentences (TextRank)
        instead of a word target.
      num_beams: beams for generation; None takes the registry's default.
      long_input: an article over the model's input limit is cut ("truncate",
        with a note saying how much was left out) or summarised in chunks
        ("chunk"); "auto" follows the registry.
      on_flag: what the faithfulness guard does with a part it flags:
        "replace" it with TextRank's, "note" it only, or "drop" the record.
    """

    headline_words: int = _setting(12, "Most words in a headline.", lo=3, hi=40)
    paragraph_words: int = _setting(60, "Target paragraph length in words.", lo=10, hi=1000)
    sentences: int | None = _setting(None, "Paragraph length in sentences (TextRank), instead of words.", lo=1, hi=50)
    num_beams: int | None = _setting(None, "Beams for generation (default: the registry's).", lo=1, hi=16)
    long_input: str = _setting("auto", "Over the model's input limit: truncate or chunk.", choices=LONG_INPUT)
    on_flag: str = _setting("replace", "A part the faithfulness guard flags: replace, note or drop.", choices=ON_FLAG)


class Engine(Protocol):
    """What every engine implements."""

    name: str

    def summarize_batch(self, docs: Sequence[Prepared], call: CallSettings) -> list[Summary]:
        """Summarises prepared documents, returning one Summary each, in the same order."""
        ...

"""The shared types: documents in, summaries out, options, and the engine protocol.

Every default lives in `Options`, and nowhere else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Method = Literal["auto", "abstractive", "textrank"]
METHODS: tuple[str, ...] = ("auto", "abstractive", "textrank")
DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda", "mps")
QUANTIZE: tuple[str, ...] = ("none", "int8")


class UsageError(ValueError):
    """A problem the user can fix: a bad option, an unusable model, no input."""


@dataclass(frozen=True)
class Document:
    """One article to summarise.

    Attributes:
      id: a stable identifier (file path, JSONL id or line number).
      text: the raw article text.
      notes: remarks made while reading it, such as replaced invalid UTF-8.
    """

    id: str
    text: str
    notes: tuple[str, ...] = ()


@dataclass
class Summary:
    """The result for one document.

    Attributes:
      id: the document's id.
      headline: one line, no final full stop.
      paragraph: a few sentences.
      method: "abstractive" or "textrank".
      model: the model id, or None for TextRank.
      notes: one-line remarks (fallbacks, chunking, invented facts).
      error: set when the document could not be summarised at all.
    """

    id: str
    headline: str
    paragraph: str
    method: str
    model: str | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """The JSON record: id, headline, paragraph, method, model, notes (and error)."""
        record = dataclasses.asdict(self)
        if record["error"] is None:
            del record["error"]
        return record


@dataclass(frozen=True)
class Options:
    """Every summarisation setting, with its default.

    Attributes:
      method: "auto" (abstractive when a model is available), "abstractive" or "textrank".
      headline_words: most words in a headline.
      paragraph_words: target paragraph length in words.
      sentences: when set, the paragraph has this many sentences (TextRank)
        instead of a word target.
      model: a registry name, a hub id or a local directory.
      device: "auto", "cpu", "cuda" or "mps".
      batch_size: most documents in one model batch.
      num_beams: beams for generation; None takes the registry's default.
      max_input_tokens: model input limit; None takes the registry's value.
      quantize: "none" or "int8" (dynamic quantisation on the CPU).
      threads: torch CPU threads; None leaves torch's default.
      workers: processes that share a TextRank batch (1: this process only).
      allow_download: let the model be fetched from the hub.
      faithfulness: check generated text against the source.
    """

    method: str = "auto"
    headline_words: int = 12
    paragraph_words: int = 60
    sentences: int | None = None
    model: str = "t5-small"
    device: str = "auto"
    batch_size: int = 16
    num_beams: int | None = None
    max_input_tokens: int | None = None
    quantize: str = "none"
    threads: int | None = None
    workers: int = 1
    allow_download: bool = False
    faithfulness: bool = True

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise UsageError(f"unknown method {self.method!r}; choose one of {', '.join(METHODS)}")
        if self.device not in DEVICES:
            raise UsageError(f"unknown device {self.device!r}; choose one of {', '.join(DEVICES)}")
        if self.quantize not in QUANTIZE:
            raise UsageError(f"unknown quantize {self.quantize!r}; choose one of {', '.join(QUANTIZE)}")
        for name in ("headline_words", "paragraph_words", "batch_size", "workers"):
            if getattr(self, name) < 1:
                raise UsageError(f"{name.replace('_', '-')} must be at least 1")
        if self.sentences is not None and self.sentences < 1:
            raise UsageError("sentences must be at least 1")
        if self.num_beams is not None and self.num_beams < 1:
            raise UsageError("num-beams must be at least 1")

    def replace(self, **changes: Any) -> Options:
        """Returns a copy with `changes` applied (and validated)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise UsageError(f"unknown option(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)


class Engine(Protocol):
    """What both engines implement."""

    name: str

    def summarize_batch(self, docs: Sequence[Document], opts: Options) -> list[Summary]:
        """Summarises `docs`, returning one Summary each, in the same order."""
        ...

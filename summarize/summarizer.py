"""The `Summarizer`: chooses the engine, batches documents, falls back on failure.

An abstractive batch that fails (out of memory, say) is retried at half its
size, then document by document; a document that still fails gets the
TextRank summary in "auto" mode, or an error in its own record. No failure
loses the rest of the batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from summarize.faithfulness import unsupported
from summarize.schema import Document, Engine, Options, Summary, UsageError
from summarize.textrank import TextRankEngine

log = logging.getLogger(__name__)


class Summarizer:
    """Summarises documents with the engine the options ask for.

    Args:
      options: the settings; `Options()` when omitted.
      **overrides: options to change, e.g. `Summarizer(method="textrank")`.

    Raises:
      UsageError: an option is invalid, or method="abstractive" and the model
        cannot be loaded.
    """

    def __init__(self, options: Options | None = None, **overrides: Any) -> None:
        base = options or Options()
        self.options = base.replace(**overrides) if overrides else base
        self.textrank = TextRankEngine()
        self.engine, self.fallback_note = self._choose_engine()

    def _choose_engine(self) -> tuple[Engine, str | None]:
        if self.options.method == "textrank":
            return self.textrank, None
        from summarize.models import ModelUnavailable  # torch loads lazily, only when asked for
        from summarize.seq2seq import load_engine

        try:
            return load_engine(self.options), None
        except ModelUnavailable as err:
            if self.options.method == "abstractive":
                raise UsageError(str(err)) from err
            log.warning("%s; using textrank", err)
            return self.textrank, f"{err}; fell back to textrank"

    @property
    def model(self) -> str | None:
        """The model in use, or None for TextRank."""
        return getattr(self.engine, "model_id", None)

    def summarize(self, text: str, id: str = "0") -> Summary:
        """Summarises one text.

        Returns:
          The Summary; its `error` is set when the text could not be summarised.
        """
        return next(self.summarize_many([Document(id, text)]))

    def summarize_many(self, items: Iterable[Document | str]) -> Iterator[Summary]:
        """Summarises a stream of documents lazily, in input order.

        Args:
          items: Documents, or plain strings (their ids are their positions).

        Yields:
          One Summary per item, as soon as its batch is done.
        """
        batch: list[Document] = []
        for number, item in enumerate(items):
            batch.append(item if isinstance(item, Document) else Document(str(number), item))
            if len(batch) >= self.options.batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _run(self, docs: Sequence[Document]) -> list[Summary]:
        results: dict[int, Summary] = {}
        todo: list[int] = []
        for i, doc in enumerate(docs):
            if not doc.text.strip():
                results[i] = _failed(doc, "empty text", self.engine.name)
            else:
                todo.append(i)
        done = self._summarize(self.engine, [docs[i] for i in todo])
        for i, summary in zip(todo, done, strict=True):
            if self.fallback_note:
                summary.notes.insert(0, self.fallback_note)
            if summary.ok and summary.method != self.textrank.name and self.options.faithfulness:
                self._guard(docs[i], summary)
            results[i] = summary
        return [results[i] for i in range(len(docs))]

    def _summarize(self, engine: Engine, docs: Sequence[Document]) -> list[Summary]:
        """Runs `engine` on `docs`, halving the batch on failure."""
        if not docs:
            return []
        try:
            return engine.summarize_batch(docs, self.options)
        except Exception as err:  # noqa: BLE001 - any engine failure is contained
            if len(docs) > 1:
                log.info("batch of %d failed (%s); retrying in halves", len(docs), err)
                half = len(docs) // 2
                return self._summarize(engine, docs[:half]) + self._summarize(engine, docs[half:])
            return [self._recover(engine, docs[0], err)]

    def _recover(self, engine: Engine, doc: Document, err: Exception) -> Summary:
        reason = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        if engine is not self.textrank and self.options.method == "auto":
            summary = self._summarize(self.textrank, [doc])[0]
            summary.notes.append(f"{engine.name} failed ({reason}); fell back to textrank")
            return summary
        return _failed(doc, reason, engine.name)

    def _guard(self, doc: Document, summary: Summary) -> None:
        """Notes invented facts; in "auto" mode swaps the unfaithful part for TextRank's."""
        fallback: Summary | None = None
        for part in ("headline", "paragraph"):
            invented = unsupported(getattr(summary, part), doc.text)
            if not invented:
                continue
            summary.notes.append(f"{part} has words not in the source: {', '.join(invented[:5])}")
            if self.options.method == "auto":
                fallback = fallback or self.textrank.summarize_batch([doc], self.options)[0]
                setattr(summary, part, getattr(fallback, part))
                summary.notes.append(f"{part} replaced by textrank's")


def _failed(doc: Document, reason: str, method: str) -> Summary:
    return Summary(doc.id, "", "", method, None, list(doc.notes), error=reason)


def summarize(text: str, **options: Any) -> Summary:
    """Summarises one text with the given options.

    Args:
      text: the article.
      **options: any field of `Options`, e.g. method="textrank", paragraph_words=50.

    Returns:
      The Summary.
    """
    return Summarizer(Options(**options)).summarize(text)

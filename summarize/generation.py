"""What the model engines share: length-sorted batches under a token budget,
and fitting a long article into the model's input limit.

Both the seq2seq and the chat engine subclass `ModelEngine` and supply how to
count tokens and how to generate one batch. An article over the limit is
either truncated at a sentence boundary, with a note saying how much was left
out, or split at sentence boundaries into chunks that are summarised, their
summaries joined and summarised again ("chunk"); the call's `long_input`
chooses, and "auto" takes the registry's choice for the model.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from summarize.models import ModelSpec
from summarize.schema import CallSettings, Prepared

# Most chunks one article is cut into; past this the rest is left out, and the
# summary's notes say how much was summarised.
MAX_CHUNKS = 16
# Padded tokens per batch, per document of batch_size: keeps a batch of long
# articles from taking as much memory as a batch of short ones would not.
TOKENS_PER_DOC = 512


def token_batches(
    lengths: Sequence[int], batch_size: int, limit: int, tokens_per_doc: int = TOKENS_PER_DOC
) -> Iterator[list[int]]:
    """Groups indices into batches of similar length under a token budget.

    Args:
      lengths: tokens in each input.
      batch_size: most inputs in one batch.
      limit: the input limit (longer inputs count as this long).
      tokens_per_doc: the budget per batch is batch_size times this.

    Yields:
      Lists of indices into `lengths`, shortest inputs first.
    """
    budget = batch_size * tokens_per_doc
    batch: list[int] = []
    for i in sorted(range(len(lengths)), key=lambda k: lengths[k]):
        # Sorted ascending, so the newest member sets the padded width.
        if batch and (len(batch) >= batch_size or (len(batch) + 1) * min(lengths[i], limit) > budget):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def model_input(doc: Prepared) -> str:
    """The text a model reads: the title and the body, without the dateline."""
    return f"{doc.title}. {doc.body}" if doc.title else doc.body


def _pieces(doc: Prepared) -> list[str]:
    return ([doc.title] if doc.title else []) + [s.text for s in doc.sentences]


class ModelEngine:
    """The batching and long-input handling of an engine that runs a model.

    Subclasses set `name` and implement `count_tokens` and `_generate_batch`.

    Args:
      model: the loaded model, already on `device`.
      tokenizer: its tokenizer.
      spec: the registry settings (input limit, generation).
      device: the torch device name.
      batch_size: most documents in one batch.
    """

    name: str
    tokens_per_doc: int = TOKENS_PER_DOC

    def __init__(self, model: Any, tokenizer: Any, spec: ModelSpec, device: str, batch_size: int = 16) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.spec = spec
        self.device = device
        self.batch_size = batch_size
        self.model_id = spec.hub_id or spec.name
        self.max_input = spec.max_input_tokens

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Tokens the model reads for each text, everything around it included."""
        raise NotImplementedError

    def _generate_batch(
        self, texts: Sequence[str], call: CallSettings, headline: bool, languages: Sequence[str]
    ) -> list[tuple[str, str]]:
        """(headline, paragraph) for one batch of texts within the limit."""
        raise NotImplementedError

    def generate(
        self, texts: Sequence[str], call: CallSettings, headline: bool = True, languages: Sequence[str] | None = None
    ) -> list[tuple[str, str]]:
        """Headline and paragraph for each text, in input order.

        Texts are sorted by length and packed under a token budget, so that
        padding is small; results go back in input order.

        Args:
          texts: texts within the input limit.
          call: lengths and beams.
          headline: write the headline too (chunk summaries need none).
          languages: each text's language, for the headline's cut ("en" when not given).

        Returns:
          (headline, paragraph) per text; headline is "" when not asked for.
        """
        lengths = self.count_tokens(texts)
        results: list[tuple[str, str]] = [("", "")] * len(texts)
        for batch in token_batches(lengths, self.batch_size, self.max_input, self.tokens_per_doc):
            langs = [languages[i] if languages else "en" for i in batch]
            pairs = self._generate_batch([texts[i] for i in batch], call, headline, langs)
            for i, pair in zip(batch, pairs, strict=True):
                results[i] = pair
        return results

    def fit(self, docs: Sequence[Prepared], call: CallSettings) -> tuple[list[str], list[list[str]]]:
        """The text the model reads for each document, within the input limit.

        Returns:
          The texts, and each document's notes (its own, plus one saying how a
          long input was truncated or chunked).
        """
        texts = [model_input(doc) for doc in docs]
        notes: list[list[str]] = [list(doc.notes) for doc in docs]
        policy = self.spec.long_input if call.long_input == "auto" else call.long_input
        for i, length in enumerate(self.count_tokens(texts)):
            if length > self.max_input:
                fitted = self.truncate(_pieces(docs[i]), length) if policy == "truncate" else None
                texts[i], note = fitted or self._condense(_pieces(docs[i]), length, call)
                notes[i].append(note)
        return texts, notes

    def _overhead(self) -> int:
        return self.count_tokens([""])[0]

    def _sized_pieces(self, sentences: Sequence[str]) -> tuple[list[str], list[int]]:
        """Sentences (cut at words when one alone is over the limit) and their token counts."""
        overhead = self._overhead()
        limit = max(1, self.max_input - overhead)
        pieces: list[str] = []
        sizes: list[int] = []

        def add(texts: list[str]) -> None:
            for piece, n in zip(texts, self.count_tokens(texts), strict=True):
                words = piece.split()
                if n - overhead <= limit or len(words) == 1:
                    pieces.append(piece)
                    sizes.append(n - overhead)
                else:  # a sentence over the limit (no punctuation): halves, until each fits
                    add([" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])])

        add([s for s in sentences if s.strip()])
        return pieces, sizes

    def chunks(self, sentences: Sequence[str]) -> list[str]:
        """Packs sentences, in order, into pieces within the input limit."""
        limit = self.max_input - self._overhead()
        chunks: list[str] = []
        current: list[str] = []
        size = 0
        for piece, n in zip(*self._sized_pieces(sentences), strict=True):
            if current and size + n > limit:
                chunks.append(" ".join(current))
                current, size = [], 0
            current.append(piece)
            size += n
        if current:
            chunks.append(" ".join(current))
        return chunks

    def truncate(self, sentences: Sequence[str], length: int) -> tuple[str, str]:
        """The leading sentences that fit the limit, and a note saying how much was left out."""
        limit = self.max_input - self._overhead()
        kept: list[str] = []
        size = 0
        for piece, n in zip(*self._sized_pieces(sentences), strict=True):
            if kept and size + n > limit:
                break
            kept.append(piece)
            size += n
        left_out = max(0.0, 1 - (size + self._overhead()) / length)
        note = (
            f"input truncated at {self.max_input} tokens: {left_out:.0%} of its {length} tokens left out "
            "(--long-input chunk reads it all)"
        )
        return " ".join(kept), note

    def _condense(self, sentences: Sequence[str], length: int, call: CallSettings) -> tuple[str, str]:
        """Summarises the chunks of a long text until the joined result fits."""
        chunks = self.chunks(sentences)
        note = f"input of {length} tokens over the {self.max_input}-token limit: summarised in {len(chunks)} chunks"
        if len(chunks) > MAX_CHUNKS:
            note += f" (only the first {MAX_CHUNKS} were used)"
            chunks = chunks[:MAX_CHUNKS]
        for _ in range(4):  # each round shrinks the text several times over
            summaries = [p for _, p in self.generate(chunks, call, headline=False) if p]
            if not summaries:  # the model wrote nothing usable: keep the text's start
                return self.truncate(sentences, length)
            joined = " ".join(summaries)
            if self.count_tokens([joined])[0] <= self.max_input:
                return joined, note
            chunks = self.chunks(summaries)
        return chunks[0], note

"""The extractive engine: TextRank over sentences, with a position prior.

Sentences are nodes; edges are TF-IDF cosine similarities between their
stemmed content words. PageRank is personalised towards the start of the
article (news puts what matters first, as in PacSum and PositionRank), and
solved exactly with numpy. Sentences are picked by MMR under a word budget
and emitted in document order. The headline compresses the best sentence.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, repeat

import numpy as np

from summarize.defects import (
    Source,
    boilerplate,
    caption_split,
    points_at_picture,
    repeats,
    strip_furniture,
    unattributed_quote,
    unbalanced,
    unfinished,
    word_bag,
)
from summarize.grammar import has_verb
from summarize.headline import choose_headline, clean_headline
from summarize.language import cut_words, is_dense, word_count
from summarize.prepare import content_terms, prepare, unusable
from summarize.schema import CallSettings, Document, Prepared, Summary

log = logging.getLogger(__name__)

# Ranking a graph costs O(n^2) in sentences; news puts what matters first, so
# only this many sentences are ranked, and the summary's notes say so.
MAX_SENTENCES = 300
DAMPING = 0.5
# Position prior: weight of sentence i is 1 / (i + 1) ** POSITION_POWER.
POSITION_POWER = 1.0
# How strongly MMR penalises a sentence similar to one already chosen.
MMR_LAMBDA = 0.7
# Cosine similarity above which a sentence repeats one already chosen.
MAX_OVERLAP = 0.8
# A sentence this short is a caption or a fragment; it is ranked but not chosen
# unless nothing else is left.
MIN_WORDS = 6


def term_counts(terms: Sequence[Sequence[str]]) -> tuple[np.ndarray, dict[str, int]]:
    """The sentence-by-term count matrix.

    Args:
      terms: the content terms of each sentence.

    Returns:
      (counts, vocab): an n x v matrix, and each term's column.
    """
    flat = list(chain.from_iterable(terms))
    vocab = {term: i for i, term in enumerate(dict.fromkeys(flat))}
    n, v = len(terms), max(1, len(vocab))
    rows = np.repeat(np.arange(n), [len(x) for x in terms])
    cols = np.array(list(map(vocab.__getitem__, flat)), dtype=np.int64)
    return np.bincount(rows * v + cols, minlength=n * v).reshape(n, v).astype(float), vocab


def similarity_matrix(counts: np.ndarray) -> np.ndarray:
    """TF-IDF cosine similarity between sentences.

    Args:
      counts: the sentence-by-term count matrix from `term_counts`.

    Returns:
      An n x n float matrix with a zero diagonal.
    """
    n = counts.shape[0]
    df = np.maximum(np.count_nonzero(counts, axis=0), 1)
    weights = np.log1p(counts) * (np.log((n + 1) / df) + 1.0)
    norms = np.linalg.norm(weights, axis=1, keepdims=True)
    weights /= np.where(norms == 0, 1.0, norms)
    sim = weights @ weights.T
    np.fill_diagonal(sim, 0.0)
    return sim


def rank(sim: np.ndarray, position_power: float = POSITION_POWER, damping: float = DAMPING) -> np.ndarray:
    """Personalised PageRank over the similarity graph, solved exactly.

    Args:
      sim: the n x n similarity matrix.
      position_power: how sharply the prior favours early sentences.
      damping: the PageRank damping factor.

    Returns:
      A score for each sentence, summing to 1.
    """
    n = sim.shape[0]
    prior = 1.0 / np.arange(1, n + 1) ** position_power
    prior /= prior.sum()
    out = sim.sum(axis=1, keepdims=True)
    # A sentence with no similar sentence sends its mass back to the prior.
    transition = np.where(out > 0, sim / np.where(out == 0, 1.0, out), prior[None, :])
    scores = np.linalg.solve(np.eye(n) - damping * transition.T, (1 - damping) * prior)
    return scores / scores.sum()


def select(
    scores: np.ndarray,
    sim: np.ndarray,
    lengths: Sequence[int],
    call: CallSettings,
    exclude: frozenset[int] = frozenset(),
    bags: Sequence[frozenset[str]] | None = None,
) -> list[int]:
    """Picks sentences by MMR under the word or sentence budget.

    Args:
      scores: the rank of each sentence.
      sim: the similarity matrix, for redundancy.
      lengths: words in each sentence.
      call: paragraph_words or sentences set the budget.
      exclude: sentences to leave out (a title line, a caption) unless nothing else is left.
      bags: each sentence's words (`summarize.defects.word_bag`): a sentence
        that repeats a chosen one by their measure is never chosen.

    Returns:
      Indices of the chosen sentences, in document order.
    """
    n = len(lengths)
    relevance = scores / scores.max() if n else scores
    eligible = [i for i in range(n) if lengths[i] >= MIN_WORDS and i not in exclude]
    eligible = eligible or list(range(n))
    chosen: list[int] = []
    total = 0
    budget = call.paragraph_words
    while eligible:
        if chosen:
            redundancy = sim[np.ix_(eligible, chosen)].max(axis=1)
        else:
            redundancy = np.zeros(len(eligible))
        # A near-copy of a chosen sentence is never worth its words.
        keep = redundancy < MAX_OVERLAP
        if bags is not None and chosen:
            keep &= np.array([not any(repeats(bags[i], bags[j]) for j in chosen) for i in eligible], dtype=bool)
        eligible = [i for i, k in zip(eligible, keep, strict=True) if k]
        if not eligible:
            break
        mmr = relevance[eligible] - MMR_LAMBDA * redundancy[keep]
        order = np.argsort(-mmr, kind="stable")
        picked = None
        for k in order:
            i = eligible[k]
            if call.sentences is not None or not chosen or total + lengths[i] <= budget * 1.2:
                picked = i
                break
        if picked is None:
            break
        chosen.append(picked)
        eligible.remove(picked)
        total += lengths[picked]
        if call.sentences is not None:
            if len(chosen) >= call.sentences:
                break
        elif total >= budget * 0.9:
            break
    return sorted(chosen)


def _printable(sentence: str) -> str:
    """What of a sentence a paragraph may print: no media-player notice glued
    to its front, and no photo caption run into it.

    A run-on ("Smith was banned from driving The brother of Ryan Giggs has
    lost his job.") is cut in two at the capitalised opener. The part that
    points at a picture ("(left)", "pictured"), else the first, is the
    caption. The caption stays, as a sentence of its own, only when it is a
    clause that neither points at a picture nor repeats the rest; a part
    that lost its full stop to the caption gets it back. Unchanged when the
    sentence part would be shorter than MIN_WORDS.
    """
    sentence = strip_furniture(sentence)
    split = caption_split(sentence)
    if not split:
        return sentence
    first, second = split
    if points_at_picture(second) and not points_at_picture(first) and has_verb(first):
        body, caption = first + ".", ""
    else:
        body, caption = second, first
    if word_count(body) < MIN_WORDS:
        return sentence
    clause = has_verb(caption.split(",")[0]) and word_count(caption) >= MIN_WORDS
    if clause and not points_at_picture(caption) and not repeats(word_bag(caption), word_bag(body)):
        return f"{caption}. {body}"
    return body


# A photo credit on a line of its own ("(Photo/Reuters)") is this short.
MAX_CREDIT_WORDS = 6


def _unfit(sentences: Sequence[str]) -> set[int]:
    """The sentences a paragraph must not hold: page furniture (a byline,
    "Click here", a photo credit), a caption (a sentence a photo credit
    follows), a sentence that does not end as one, a quotation with no one
    to say it, and one whose quotation marks do not pair up (a piece of a
    quotation that runs over several sentences)."""
    unfit = set()
    for i, sentence in enumerate(sentences):
        after = sentences[i + 1] if i + 1 < len(sentences) else ""
        credit = word_count(after) <= MAX_CREDIT_WORDS and (boilerplate(after) or "").startswith("photo credit")
        if (
            credit
            or boilerplate(sentence)
            or unfinished(sentence)
            or unattributed_quote(sentence)
            or unbalanced(sentence)
        ):
            unfit.add(i)
    return unfit


_POOLS: dict[int, ProcessPoolExecutor] = {}


def _pool(workers: int) -> ProcessPoolExecutor:
    """A process pool kept for the life of the process, one per size.

    Workers are spawned (fresh interpreters), never forked from this process,
    which may hold torch and its threads, and may itself be a forkserver child,
    where a forkserver of its own deadlocks. Each worker pays its imports once.
    """
    if workers not in _POOLS:
        _POOLS[workers] = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"), initializer=_one_blas_thread
        )
    return _POOLS[workers]


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignores Ctrl-C while worker processes start.

    A process started with SIGINT ignored keeps ignoring it (Python installs
    its KeyboardInterrupt handler only where the parent left the default), so
    that a Ctrl-C during a worker's imports prints no traceback: the parent
    alone handles Ctrl-C. A Ctrl-C within the few milliseconds of the start
    itself is lost. Only the main thread may change signal handlers; in any
    other (a server's), Ctrl-C is not this code's to handle.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def shutdown_workers() -> None:
    """Stops the worker pools. The main process does this at exit by itself; a
    multiprocessing child must call it, or it waits for its workers forever."""
    while _POOLS:
        _POOLS.popitem()[1].shutdown()


def _one_blas_thread() -> None:
    # Our matrices are tiny: BLAS threads only spin, and with several workers
    # they fight over the same cores (2 workers ran slower than 1 without this).
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _summarize_document(doc: Document, call: CallSettings) -> Summary:
    """Prepares and summarises one document: what a worker process runs."""
    from summarize.summarizer import failed

    prepared = prepare(doc)
    reason = unusable(doc, prepared)
    if reason:
        return failed(doc.id, reason, doc.notes)
    try:
        return TextRankEngine().summarize_one(prepared, call)
    except Exception as err:  # noqa: BLE001 - one document's failure stays in its record
        return failed(doc.id, f"{type(err).__name__}: {err}", doc.notes)


class TextRankEngine:
    """Extractive summaries with no model weights.

    Args:
      workers: processes that share a batch; each prepares and ranks its part.
    """

    name = "textrank"

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers

    def parallel(self, size: int) -> bool:
        """Whether a batch of `size` documents is worth the worker processes."""
        return self.workers > 1 and size >= 2 * self.workers

    def summarize_documents(self, docs: Sequence[Document], call: CallSettings) -> list[Summary]:
        """Prepares and summarises raw documents in the worker processes.

        Preparing is most of TextRank's work, so the workers do it, not this process.
        """
        chunk = max(1, -(-len(docs) // self.workers))
        try:
            with _sigint_ignored():  # workers start on the first submit, inside map
                results = _pool(self.workers).map(_summarize_document, docs, repeat(call, len(docs)), chunksize=chunk)
            return list(results)
        except BrokenProcessPool as err:
            # Workers that cannot start (or died) must not cost the batch.
            _POOLS.pop(self.workers, None)
            log.warning("TextRank workers unavailable (%s); continuing in this process", err)
        return [_summarize_document(doc, call) for doc in docs]

    def summarize_batch(self, docs: Sequence[Prepared], call: CallSettings) -> list[Summary]:
        return [self.summarize_one(doc, call) for doc in docs]

    def summarize_one(self, doc: Prepared, call: CallSettings) -> Summary:
        """Summarises one prepared document.

        Raises:
          ValueError: when the document has no sentences.
        """
        notes = list(doc.notes)
        if not doc.sentences:
            raise ValueError("no text to summarise")
        body = [s.text for s in doc.sentences[:MAX_SENTENCES]]
        if len(doc.sentences) > MAX_SENTENCES:
            notes.append(f"long input: ranked its first {MAX_SENTENCES} sentences")
        # The title takes part in the ranking (sentences like it gain), but is
        # never a paragraph sentence: it is the headline.
        sentences = [doc.title, *body] if doc.title else body
        counts, vocab = term_counts([content_terms(s, doc.language) for s in sentences])
        sim = similarity_matrix(counts)
        # The whole sentences are ranked, captions and all; only what a
        # paragraph may print is chosen from.
        scores = rank(sim)
        printable = [_printable(s) for s in sentences]
        # Sentences of normalised text have single spaces: counting them is
        # enough, but for scripts that count words by characters.
        dense = is_dense(doc.script)
        lengths = [word_count(s) for s in printable] if dense else [s.count(" ") + 1 for s in printable]
        unfit = _unfit(printable) | ({0} if doc.title else set())
        chosen = select(scores, sim, lengths, call, frozenset(unfit), [word_bag(s) for s in printable])
        # Chinese, Japanese and Thai sentences follow each other with no space.
        paragraph = ("" if dense else " ").join(printable[i] for i in chosen)
        if len(chosen) == 1 and lengths[chosen[0]] > 2 * call.paragraph_words and call.sentences is None:
            paragraph = cut_words(paragraph, call.paragraph_words) + " ..."
            notes.append(f"paragraph cut to {call.paragraph_words} words: the text has no sentence breaks")
        if doc.title:
            # The article carries its own title: that is the headline.
            headline = clean_headline(doc.title, call.headline_words, doc.language)
        else:
            # The chosen sentences first, best first; then the rest by rank.
            order = sorted(range(len(sentences)), key=lambda i: (i not in chosen, -scores[i]))
            # zip stops at the vocabulary: a text of stopwords alone has one empty column.
            totals = counts.sum(axis=0).tolist()
            weights = dict(zip(vocab, totals, strict=False))
            source = Source.from_sentences(sentences)
            headline = choose_headline(sentences, order, call.headline_words, weights, source, doc.language)
        return Summary(doc.id, headline, paragraph, self.name, None, notes)

"""The extractive engine: TextRank over sentences, with a position prior.

Sentences are nodes; edges are TF-IDF cosine similarities between their
stemmed content words. PageRank is personalised towards the start of the
article (news puts what matters first, as in PacSum and PositionRank), and
solved exactly with numpy. Sentences are picked by MMR under a word budget
and emitted in document order. The headline compresses the best sentence.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice, repeat

import numpy as np

from summarize.headline import clean_headline, compress
from summarize.schema import Document, Options, Summary
from summarize.prepare import (
    content_terms,
    iter_sentences,
    normalize,
    strip_dateline,
    word_count,
)

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
    opts: Options,
    exclude: frozenset[int] = frozenset(),
) -> list[int]:
    """Picks sentences by MMR under the word or sentence budget.

    Args:
      scores: the rank of each sentence.
      sim: the similarity matrix, for redundancy.
      lengths: words in each sentence.
      opts: paragraph_words or sentences set the budget.
      exclude: sentences to leave out (a title line) unless nothing else is left.

    Returns:
      Indices of the chosen sentences, in document order.
    """
    n = len(lengths)
    relevance = scores / scores.max() if n else scores
    eligible = [i for i in range(n) if lengths[i] >= MIN_WORDS and i not in exclude]
    eligible = eligible or list(range(n))
    chosen: list[int] = []
    total = 0
    budget = opts.paragraph_words
    while eligible:
        if chosen:
            redundancy = sim[np.ix_(eligible, chosen)].max(axis=1)
        else:
            redundancy = np.zeros(len(eligible))
        # A near-copy of a chosen sentence is never worth its words.
        keep = redundancy < MAX_OVERLAP
        eligible = [i for i, k in zip(eligible, keep, strict=True) if k]
        if not eligible:
            break
        mmr = relevance[eligible] - MMR_LAMBDA * redundancy[keep]
        order = np.argsort(-mmr, kind="stable")
        picked = None
        for k in order:
            i = eligible[k]
            if opts.sentences is not None or not chosen or total + lengths[i] <= budget * 1.2:
                picked = i
                break
        if picked is None:
            break
        chosen.append(picked)
        eligible.remove(picked)
        total += lengths[picked]
        if opts.sentences is not None:
            if len(chosen) >= opts.sentences:
                break
        elif total >= budget * 0.9:
            break
    return sorted(chosen)


_TERMINAL = re.compile(r"[.!?]['\")\]]*$")


def _is_title(sentences: Sequence[str]) -> bool:
    """True when the text opens with a title line: short, unpunctuated, and
    followed by the article."""
    first = sentences[0]
    return len(sentences) > 1 and not _TERMINAL.search(first) and 4 <= word_count(first) <= 20


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


class TextRankEngine:
    """Extractive summaries with no model weights."""

    name = "textrank"

    def summarize_batch(self, docs: Sequence[Document], opts: Options) -> list[Summary]:
        if opts.workers > 1 and len(docs) >= 2 * opts.workers:
            chunk = max(1, -(-len(docs) // opts.workers))
            try:
                return list(_pool(opts.workers).map(self.summarize_one, docs, repeat(opts, len(docs)), chunksize=chunk))
            except BrokenProcessPool as err:
                # Workers that cannot start (or died) must not cost the batch.
                _POOLS.pop(opts.workers, None)
                log.warning("TextRank workers unavailable (%s); continuing in this process", err)
        return [self.summarize_one(doc, opts) for doc in docs]

    def summarize_one(self, doc: Document, opts: Options) -> Summary:
        """Summarises one document.

        Raises:
          ValueError: when the document has no text.
        """
        notes = list(doc.notes)
        sentences = list(islice(iter_sentences(normalize(doc.text)), MAX_SENTENCES + 1))
        if len(sentences) > MAX_SENTENCES:
            sentences.pop()
            notes.append(f"long input: ranked its first {MAX_SENTENCES} sentences")
        if not sentences:
            raise ValueError("no text to summarise")
        sentences[0] = strip_dateline(sentences[0])
        counts, vocab = term_counts([content_terms(s) for s in sentences])
        sim = similarity_matrix(counts)
        scores = rank(sim)
        # Sentences of normalised text have single spaces: counting them is enough.
        lengths = [s.count(" ") + 1 for s in sentences]
        has_title = _is_title(sentences)
        chosen = select(scores, sim, lengths, opts, frozenset({0}) if has_title else frozenset())
        paragraph = " ".join(sentences[i] for i in chosen)
        if len(chosen) == 1 and lengths[chosen[0]] > 2 * opts.paragraph_words and opts.sentences is None:
            paragraph = " ".join(paragraph.split()[: opts.paragraph_words]) + " ..."
            notes.append(f"paragraph cut to {opts.paragraph_words} words: the text has no sentence breaks")
        if has_title:
            # The article carries its own title: that is the headline.
            headline = clean_headline(sentences[0], opts.headline_words)
        else:
            best = max(chosen, key=lambda i: scores[i])
            # zip stops at the vocabulary: a text of stopwords alone has one empty column.
            totals = counts.sum(axis=0).tolist()
            headline = compress(sentences[best], opts.headline_words, dict(zip(vocab, totals, strict=False)))
        return Summary(doc.id, headline, paragraph, self.name, None, notes)

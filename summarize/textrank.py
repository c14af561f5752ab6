"""The extractive engine: TextRank over sentences, with a position prior.

Sentences are nodes; edges are TF-IDF cosine similarities between their
stemmed content words. PageRank is personalised towards the start of the
article (news puts what matters first, as in PacSum and PositionRank), and
solved exactly with numpy. Sentences are picked by MMR under a word budget
and emitted in document order. The headline compresses the best sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from summarize.headline import clean_headline, compress
from summarize.schema import Document, Options, Summary
from summarize.text import (
    content_terms,
    iter_sentences,
    normalize,
    strip_dateline,
    word_count,
)

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


def similarity_matrix(terms: Sequence[Sequence[str]]) -> np.ndarray:
    """TF-IDF cosine similarity between sentences.

    Args:
      terms: the content terms of each sentence.

    Returns:
      An n x n float matrix with a zero diagonal.
    """
    n = len(terms)
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, sentence in enumerate(terms):
        for term in sentence:
            rows.append(i)
            cols.append(vocab.setdefault(term, len(vocab)))
    if not vocab:
        return np.zeros((n, n))
    counts = np.zeros((n, len(vocab)))
    np.add.at(counts, (rows, cols), 1.0)
    df = np.count_nonzero(counts, axis=0)
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


class TextRankEngine:
    """Extractive summaries with no model weights."""

    name = "textrank"

    def summarize_batch(self, docs: Sequence[Document], opts: Options) -> list[Summary]:
        return [self.summarize_one(doc, opts) for doc in docs]

    def summarize_one(self, doc: Document, opts: Options) -> Summary:
        """Summarises one document.

        Raises:
          ValueError: when the document has no text.
        """
        notes = list(doc.notes)
        sentences = []
        for sentence in iter_sentences(normalize(doc.text)):
            if len(sentences) == MAX_SENTENCES:
                notes.append(f"long input: ranked its first {MAX_SENTENCES} sentences")
                break
            sentences.append(sentence)
        if not sentences:
            raise ValueError("no text to summarise")
        sentences[0] = strip_dateline(sentences[0])
        terms = [content_terms(s) for s in sentences]
        sim = similarity_matrix(terms)
        scores = rank(sim)
        lengths = [word_count(s) for s in sentences]
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
            weights = Counter(term for sentence_terms in terms for term in sentence_terms)
            headline = compress(sentences[best], opts.headline_words, weights)
        return Summary(doc.id, headline, paragraph, self.name, None, notes)

"""A small learned scorer for headline candidates.

`summarize.headline` makes several candidate headlines of a sentence (cuts at
phrase boundaries, with and without descriptors); this module picks among
them. A logistic regression gives each word of a candidate the probability
that a sub-editor's headline would keep it, from features of the word alone:
whether it is a function word (and which of the commonest), capitalised, a
number, how often the article uses it, where it stands in its sentence, which
sentence that is, and the parts of speech the lexicon allows it. A
candidate's score is its expected ROUGE-1 F1 against a headline of
`title_words` words: 2 * sum(p) / (len(candidate) + title_words).

The weights (`compress_model.json`, 55 numbers) were fitted on the even rows
of the BBC headline dev set only, so its odd rows stay held out; rerun
`python -m benchmarks.train_compress_model` to refit them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from summarize.grammar import parts_of_speech, verb_forms
from summarize.prepare import STOPWORDS, stem, words

MODEL_PATH = Path(__file__).with_name("compress_model.json")
# The commonest words of news leads, each a feature of its own.
FUNCTION_FEATURES = (
    "the a an of to in for on and has have is are was were be been will at by with from as that its his their "
    "said says could would after over new"
).split()
_ACRONYM = re.compile(r"[A-Z]{2,}")


def word_features(word: str, position: int, length: int, sentence: int, count: float, top: float) -> list[float]:
    """The features of one word of a candidate.

    Args:
      word: the word as written.
      position: its index among the words of its sentence.
      length: the number of words of that sentence.
      sentence: the sentence's index in the article.
      count: how often the article uses the word's stem.
      top: the largest such count in the article.
    """
    lower = word.lower()
    tags = parts_of_speech(lower)
    forms = verb_forms(lower)
    features = [
        1.0,
        lower in STOPWORDS,
        word[:1].isupper() and position > 0,
        word[:1].isupper() and position == 0,
        bool(_ACRONYM.fullmatch(word)),
        any(c.isdigit() for c in word),
        math.log1p(count),
        count / top if top else 0.0,
        position / max(1, length),
        sentence == 0,
        sentence == 1,
        sentence >= 2,
        len(word) > 7,
        "NOUN" in tags,
        "VERB" in tags,
        "ADJ" in tags,
        "ADV" in tags,
        not tags,
        "VBD" in forms,
        "VBG" in forms,
        "VBN" in forms and "VBD" not in forms,
    ]
    features += [lower == w for w in FUNCTION_FEATURES]
    return [float(f) for f in features]


@dataclass(frozen=True)
class Model:
    """The fitted weights and the expected headline length."""

    weights: tuple[float, ...]
    title_words: float

    def keep_probability(self, features: Sequence[float]) -> float:
        """The probability that a headline keeps a word with these features."""
        z = sum(w * f for w, f in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def load(path: str | Path = MODEL_PATH) -> Model:
    """The shipped model (read once)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Model(tuple(float(w) for w in data["weights"]), float(data["title_words"]))


@dataclass(frozen=True)
class SentenceContext:
    """What the features need of the sentence a candidate comes from."""

    positions: Mapping[str, int]
    length: int
    index: int
    counts: Mapping[str, float]
    top: float

    @classmethod
    def of(cls, sentence: str, index: int, counts: Mapping[str, float] | None) -> SentenceContext:
        tokens = words(sentence)
        positions: dict[str, int] = {}
        for i, token in enumerate(tokens):
            positions.setdefault(token, i)
        counts = counts or {}
        return cls(positions, len(tokens), index, counts, max(counts.values(), default=0.0))

    def features(self, word: str) -> list[float]:
        """The features of a word of a candidate made from this sentence."""
        position = self.positions.get(word, self.length)
        return word_features(word, position, self.length, self.index, self.counts.get(stem(word), 0.0), self.top)


def expected_rouge1(headline: str, context: SentenceContext, model: Model | None = None) -> float:
    """A candidate's expected ROUGE-1 F1 (0..1) against the headline an editor would write.

    Example: of "Blair faces first test" and "Blair faces first test of his
    term in Commons", the shorter wins unless the extra words are likely
    headline words.
    """
    model = model or load()
    tokens = words(headline)
    if not tokens:
        return 0.0
    kept = sum(model.keep_probability(context.features(t)) for t in tokens)
    return 2.0 * kept / (len(tokens) + model.title_words)

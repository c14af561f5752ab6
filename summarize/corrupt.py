"""Injected errors: faithful sentences with one fact changed, to measure the guard's recall.

For each article, a sentence of its own is taken (faithful by construction)
and one fact in it is changed:

- number: a number becomes one the article never states (more than 10% away
  from every number in it, and not among its digits);
- name: a name becomes a name from a different article, none of whose words
  the article uses and which names no place the article names;
- quote: a quotation is misquoted: one of its words becomes a word the
  article never uses, its "not" is dropped (or, with none, one goes in after
  its first auxiliary verb), or the whole quotation becomes one from a
  different article.

Choices come from a random generator seeded by (seed, article id, kind), so
the same articles give the same corruptions in any order or subset.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from summarize import aliases
from summarize.faithfulness import base_form
from summarize.prepare import STOPWORDS, words
from summarize.quantities import Quantity, quantities
from summarize.schema import Prepared

__all__ = ["KINDS", "Corruption", "corruptions"]

KINDS: tuple[str, ...] = ("number", "name", "quote")

_CONNECTORS = frozenset("of de del van von der da di du la le al bin".split())
_QUOTE = re.compile(r"(?<!\w)([\"'])(?=\S)(.+?)(?<=\S)\1(?!\w)")
_AUXILIARY = re.compile(
    r"\b(is|are|was|were|will|would|can|could|should|must|has|have|had|do|does|did)\b(?!\s+(?:not|n't|never|no)\b)",
    re.IGNORECASE,
)
_NOT = re.compile(r"(?<=\w) not\b(?! only)")
_SPELLED = (
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety"
).split()
_OPENERS = frozenset(":\"'(")
# Draws from another article's names or quotations before giving up on one.
_TRIES = 200
_NOT_NAMES = STOPWORDS | frozenset("mr mrs ms dr prof sir st rev gen col capt sgt lt".split())


@dataclass(frozen=True)
class Corruption:
    """One injected error.

    Attributes:
      doc_id: the article the sentence comes from.
      kind: "number", "name" or "quote".
      how: the change made ("number", "name", "word", "negation", "swap").
      original: the sentence as the article gives it.
      corrupted: the sentence with one fact changed.
      before: the text replaced.
      after: the text put in its place.
    """

    doc_id: str
    kind: str
    how: str
    original: str
    corrupted: str
    before: str
    after: str


@dataclass
class _Article:
    id: str
    text: str
    sentences: list[str]
    folded: set[str]
    places: frozenset[str]
    numbers: list[Quantity]
    names: list[tuple[str, int, int]]  # (sentence, start, end) of each name


@lru_cache(maxsize=65536)
def _forms(word: str) -> frozenset[str]:
    """A word folded as the guard may compare it: lower case, no dots or
    possessive, whole, in hyphen parts, and in its base form."""
    key = word.lower().replace(".", "").removesuffix("'s").rstrip("'")
    parts = {key, *key.split("-")}
    return frozenset(parts | {base_form(p) for p in parts})


def _article(source: Prepared) -> _Article:
    tokens = source.words
    sentences = [s.text for s in source.sentences]
    folded = {form for t in tokens for form in _forms(t)}
    places = frozenset(p for t in tokens for p in aliases.place((t,)))
    names = [(sentence, start, end) for sentence in sentences for start, end in _names(sentence)]
    return _Article(source.id, source.text, sentences, folded, aliases.broaden(places), quantities(source.text), names)


def _names(sentence: str) -> Iterable[tuple[int, int]]:
    """Spans of capitalised words that are not a sentence's or a quotation's first word."""
    span: list[re.Match[str]] = []
    for match in re.finditer(r"(?<![\w'.\-])[^\W\d_]+(?:['.\-][^\W\d_]+)*(?![\w\-])", sentence):
        before = sentence[: match.start()].rstrip()
        gap = sentence[span[-1].end() : match.start()] if span else ""
        opener = not before or before[-1] in _OPENERS or before[-1] in ".!?"
        word = match.group()
        if span and (gap.strip() or span[-1].group().endswith("'s")):
            yield from _closed(span)
            span = []
        if word[0].isupper() and not opener and len(word) > 1:
            span.append(match)
        elif span and word in _CONNECTORS:
            span.append(match)
        else:
            yield from _closed(span)
            span = []
    yield from _closed(span)


def _closed(span: list[re.Match[str]]) -> Iterable[tuple[int, int]]:
    while span and not span[-1].group()[0].isupper():
        span = span[:-1]
    if span and not any(m.group().isupper() and len(m.group()) > 5 for m in span):  # no SHOUTED lines
        end = span[-1].end()
        if span[-1].group().endswith("'s"):
            end -= 2
        yield span[0].start(), end


def _foreign(name: str, article: _Article) -> bool:
    """Whether `name` shares no word and no place with the article."""
    tokens = name.split()
    if any(_forms(t) & article.folded for t in tokens):
        return False
    found = frozenset(p for t in tokens for p in aliases.place((t,)))
    return not (aliases.broaden(found) & article.places) and not (found & article.places)


def _far(value: float, article: _Article) -> bool:
    """Whether `value` is more than 10% away from every number the article states."""
    return all(abs(value - v) > 0.1 * max(abs(v), 1.0) for q in article.numbers for v, _ in q.readings())


def _number(rng: random.Random, article: _Article) -> Corruption | None:
    candidates = []
    for sentence in article.sentences:
        for claim in quantities(sentence):
            if claim.spelled and (claim.value < 2 or claim.text.lower() not in _SPELLED):
                continue
            candidates.append((sentence, claim))
    rng.shuffle(candidates)
    for sentence, claim in candidates:
        replacement = _other_number(rng, claim, article)
        if replacement is None:
            continue
        if claim.spelled:
            start, old = claim.start, claim.text
        else:
            match = re.compile(r"\d[\d,]*(?:\.\d+)?").search(sentence, claim.start)
            if match is None:
                continue
            start, old = match.start(), match.group()
        corrupted = sentence[:start] + replacement + sentence[start + len(old) :]
        return Corruption(article.id, "number", "number", sentence, corrupted, old, replacement)
    return None


def _other_number(rng: random.Random, claim: Quantity, article: _Article) -> str | None:
    if claim.spelled:
        options = [w for w in _SPELLED if w not in article.folded and _far(float(_SPELLED.index(w) + 2), article)]
        if not options:
            return None
        word = rng.choice(options)
        return word.capitalize() if claim.text[:1].isupper() else word
    digits = re.search(r"\d[\d,]*(?:\.\d+)?", claim.text)
    if digits is None:
        return None
    written = digits.group()
    plain = written.replace(",", "")
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    number = float(plain)
    scale = claim.value / number if number else 1.0
    for _ in range(20):
        if decimals == 0 and 1900 <= number <= 2100:
            new = number + rng.choice([-1, 1]) * rng.randint(2, 15)  # another year
        else:
            new = number * rng.choice([rng.uniform(0.3, 0.8), rng.uniform(1.25, 3.0)])
            if decimals == 0 and abs(new - number) < 2:
                new = number + rng.choice([2, 3, 5])
        new = round(new, decimals)
        text = f"{new:,.{decimals}f}" if "," in written else f"{new:.{decimals}f}"
        if new > 0 and text not in article.text and _far(new * scale, article):
            return text
    return None


def _pick(rng: random.Random, pool: Sequence[tuple[str, str]], article: _Article, fits: Callable[[str], bool]) -> str:
    """A random item of `pool` from another article that `fits`, or "" after a bounded search."""
    for _ in range(_TRIES):
        doc_id, item = pool[rng.randrange(len(pool))]
        if doc_id != article.id and fits(item):
            return item
    return ""


def _replaces(old: str, article: _Article, width: int | None = None) -> Callable[[str], bool]:
    """Whether a name may stand for `old`: another, foreign to the article, `width` words long if given."""
    return lambda new: new != old and (width is None or len(new.split()) == width) and _foreign(new, article)


def _name(rng: random.Random, article: _Article, pool: Sequence[tuple[str, str]]) -> Corruption | None:
    candidates = list(article.names)
    rng.shuffle(candidates)
    for sentence, start, end in candidates[:_TRIES] if pool else ():
        old = sentence[start:end]
        width = len(old.split())
        new = _pick(rng, pool, article, _replaces(old, article, width)) or _pick(
            rng, pool, article, _replaces(old, article)
        )
        if new:
            corrupted = sentence[:start] + new + sentence[end:]
            return Corruption(article.id, "name", "name", sentence, corrupted, old, new)
    return None


def _quote(
    rng: random.Random, article: _Article, quotes: Sequence[tuple[str, str]], vocabulary: Sequence[str]
) -> Corruption | None:
    candidates = [(s, m) for s in article.sentences for m in _QUOTE.finditer(s) if len(words(m.group(2))) >= 3]
    rng.shuffle(candidates)
    for sentence, match in candidates:
        inner = match.group(2)
        negatable = _AUXILIARY.search(inner) or _NOT.search(inner)
        options = ["word", "swap"] + (["negation"] if negatable else [])
        how = rng.choice(options)
        new = _misquote(rng, how, inner, article, quotes, vocabulary)
        if new is None or new == inner:
            continue
        corrupted = sentence[: match.start(2)] + new + sentence[match.end(2) :]
        return Corruption(article.id, "quote", how, sentence, corrupted, inner, new)
    return None


def _misquote(
    rng: random.Random,
    how: str,
    inner: str,
    article: _Article,
    quotes: Sequence[tuple[str, str]],
    vocabulary: Sequence[str],
) -> str | None:
    if how == "negation":
        negation = _NOT.search(inner)
        if negation is not None:  # "will not go" -> "will go"
            return inner[: negation.start()] + inner[negation.end() :]
        aux = _AUXILIARY.search(inner)
        return None if aux is None else inner[: aux.end()] + " not" + inner[aux.end() :]
    if how == "swap":
        text = article.text.lower()
        return _pick(rng, quotes, article, lambda q: q.lower() not in text) if quotes else None
    # A whole word, outside an editor's [brackets], which are no part of what was said.
    spots = [
        m
        for m in re.finditer(r"(?<![\w'])[A-Za-z]{3,}(?![\w'])", inner)
        if m.group().lower() not in STOPWORDS and inner.rfind("[", 0, m.start()) <= inner.rfind("]", 0, m.start())
    ]
    if not spots:
        return None
    spot = rng.choice(spots)
    fresh = [w for w in rng.sample(vocabulary, min(len(vocabulary), 200)) if w not in article.folded]
    if not fresh:
        return None
    word = fresh[0].capitalize() if spot.group()[0].isupper() else fresh[0]
    return inner[: spot.start()] + word + inner[spot.end() :]


def corruptions(documents: Sequence[Prepared], seed: int = 0) -> list[Corruption]:
    """Makes up to one corruption of each kind for each document.

    Args:
      documents: the prepared articles (with distinct ids). Names,
        quotations and words to put in come from the other articles.
      seed: the random seed.

    Returns:
      The corruptions, document by document, in the order of `KINDS`; a
      document without a number, a name or a quotation has no corruption of
      that kind.
    """
    articles = [_article(source) for source in documents]
    names = sorted({(a.id, sentence[s:e]) for a in articles for sentence in a.sentences for s, e in _names(sentence)})
    # A name to put in is one a reader would take for a name: no "She", "Dr" or "No".
    names = [(doc_id, n) for doc_id, n in names if " " in n or (len(n) > 2 and n.lower() not in _NOT_NAMES)]
    quotes = sorted(
        {
            (a.id, m.group(2))
            for a in articles
            for s in a.sentences
            for m in _QUOTE.finditer(s)
            if len(words(m.group(2))) >= 3
        }
    )
    vocabulary = sorted(
        {
            w.lower()
            for a in articles
            for w in words(a.text)
            if w.isalpha() and len(w) > 3 and w.lower() not in STOPWORDS
        }
    )
    out: list[Corruption] = []
    for article in articles:
        for kind in KINDS:
            rng = random.Random(f"{seed}:{article.id}:{kind}")
            if kind == "number":
                made = _number(rng, article)
            elif kind == "name":
                made = _name(rng, article, names)
            else:
                made = _quote(rng, article, quotes, vocabulary)
            if made is not None:
                out.append(made)
    return out

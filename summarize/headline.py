"""Turning a sentence into a headline.

`compress` rewrites a news sentence in headline style: no dateline, no
attribution, no parentheticals, no leading time phrase or subordinate clause,
no articles, and cut at a phrase boundary. `clean_headline` is the lighter
pass that every headline gets, generated ones included.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from summarize.prepare import STOPWORDS, stem, strip_dateline, words

# A headline cut shorter than this rarely says who did what.
MIN_HEADLINE_WORDS = 4

_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|weekend|today|tonight|yesterday)"
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_PERIODS = r"(?:week|month|year|night|morning|afternoon|evening|season|decade|quarter|half)"
_WHEN = rf"(?:{_DAYS}|{_MONTHS}(?: \d{{1,2}})?|\d{{4}}|{_PERIODS})"

_PAREN = re.compile(r"\s*[(\[][^()\[\]]{0,80}[)\]]")
_SAID_VERB = (
    r"(?:said|says|say|told \w+|reported|reports|announced|claimed|claims|added|warned|confirmed|revealed|"
    r"insisted|believe[sd]?)"
)
# A trailing attribution: "..., the company said." or "..., according to ...".
_SAID_TAIL = re.compile(
    rf",?\s+(?:(?:the|a|an|its|his|her|their)\s+)?[\w .'-]{{0,60}}?\s+{_SAID_VERB}"
    r"(?:\s+(?:on|last|this|in)\s+\w+)?\s*[.]?$",
    re.IGNORECASE,
)
# A "said" tail is at most this long, so it is searched for only near the end:
# tried from every space of the sentence, its lazy repeat cost half of `compress`.
_SAID_TAIL_SPAN = 200
# ...and it ends with one of the verbs, so a sentence without one in its last
# _SAID_VERB_SPAN characters is skipped.
_SAID_NEAR_END = re.compile(rf"\b{_SAID_VERB}", re.IGNORECASE)
_SAID_VERB_SPAN = 80
_ACCORDING_TAIL = re.compile(
    r",?\s+(?:according to|reports? claim|a report says|figures show|officials? said)\b.*$", re.IGNORECASE
)
_ATTRIBUTION_HEAD = re.compile(
    rf"^(?:[\w .'-]{{0,50}}?\s+)?(?:has |have )?{_SAID_VERB}(?: on \w+)?(?:\s+that|\s*:|,)\s+",
    re.IGNORECASE,
)
_LEAD_TIME = re.compile(
    r"^(?:on|last|this|earlier|late|early|in|by|at the end of|over the)\s+"
    rf"(?:the\s+)?(?:\w+\s+){{0,2}}?{_WHEN}\b[^,]{{0,30}},\s+",
    re.IGNORECASE,
)
_LEAD_CLAUSE = re.compile(
    r"^(?:after|although|as|while|when|despite|following|before|since|though|if|because|amid|with|"
    r"speaking|writing|asked|in a|in an|in the|for the|according to|under|once|unlike|like)\b[^,]{0,90},\s+",
    re.IGNORECASE,
)
_APPOSITIVE = re.compile(
    r",\s+(?:(?:the|a|an|one of|who|which|whose|where|aged?|formerly|now|known as|also)\b|\d{1,3},)[^,]{0,90},\s+",
    re.IGNORECASE,
)
_TIME_PHRASE = re.compile(
    r"\s+(?:on|last|this|earlier|in|early|late|next|since|for the|over the|during)\s+"
    rf"(?:the\s+)?(?:\w+\s+)?{_WHEN}\b(?:'s)?",
    re.IGNORECASE,
)
# Headline style: "X has been arrested" -> "X arrested", "X has raised" ->
# "X raised", "X will visit" -> "X to visit".
_REWRITES = (
    (
        re.compile(
            r"\b(?:has|have|had) been\s+(?=\w+(?:ed|en|wn|ght|id|ot|un|ut)\b)",
            re.IGNORECASE,
        ),
        "",
    ),
    (re.compile(r"\b(?:is|are|was|were)\s+(?=\w+ed\b)", re.IGNORECASE), ""),
    (re.compile(r"\b(?:has|have|had)\s+(?!been\b)(?=\w+ed\b)", re.IGNORECASE), ""),
    (re.compile(r"\b(?:is|are)\s+(?=(?:set\s+)?to\b)", re.IGNORECASE), ""),
    (re.compile(r"\bwill\b", re.IGNORECASE), "to"),
    (
        re.compile(r"\b(?:also|now|currently|reportedly|just|very)\s+", re.IGNORECASE),
        "",
    ),
)
_ARTICLE = re.compile(r"\b(?:the|a|an)\s+", re.IGNORECASE)
# Where a headline may be cut: after a comma, before a clause, before a phrase.
_CLAUSE_BREAK = frozenset(
    "but while which who whom whose when where although though because after as amid "
    "despite following including if since before than".split()
)
_PHRASE_BREAK = frozenset("for in on at with by from over during into about against under between until via".split())
# Words a headline must not end on.
_BAD_END = frozenset(
    "a an the of to and or but for in on at by with from as that which who is are was were be "
    "been has have had its his her their our this these those than into over its".split()
)


def _trim_end(tokens: list[str]) -> list[str]:
    while len(tokens) > 1 and (tokens[-1].lower().strip(",;:") in _BAD_END or tokens[-1] in {"-", "--"}):
        tokens = tokens[:-1]
    return tokens


def _boundary_rank(tokens: list[str], i: int) -> int | None:
    """How good a cut before tokens[i] is: 0 after a comma, 1 before a clause,
    2 before a phrase, None if it is no boundary."""
    if tokens[i - 1].endswith((",", ";", ":")):
        return 0
    word = tokens[i].lower()
    if word in _CLAUSE_BREAK:
        return 1
    if word in _PHRASE_BREAK:
        return 2
    return None


def _cut(tokens: list[str], max_words: int) -> list[str]:
    """Cuts at the best phrase boundary that keeps at least half of
    `max_words`, the earliest of the best kind; a hard cut when there is none."""
    best: tuple[int, int] | None = None
    for i in range(max(1, max_words // 2), min(len(tokens) - 1, max_words) + 1):
        rank = _boundary_rank(tokens, i)
        if rank is not None and (best is None or (rank, i) < best):
            best = (rank, i)
    return tokens[: best[1]] if best else tokens[:max_words]


def clean_headline(text: str, max_words: int) -> str:
    """One line, at most `max_words` words, cut at a phrase boundary, no final stop.

    Args:
      text: a candidate headline, generated or extracted.
      max_words: the most words allowed.

    Returns:
      The cleaned headline (possibly empty).
    """
    text = " ".join(text.split())
    tokens = text.split(" ") if text else []
    if len(tokens) > max_words:
        tokens = _cut(tokens, max_words)
    tokens = _trim_end(tokens)
    headline = " ".join(tokens).strip(" ,;:-")
    headline = re.sub(r"[.]+$", "", headline).rstrip(" ,;:-")
    if headline[:1].islower():
        headline = headline[0].upper() + headline[1:]
    return headline


def _drop_attribution(s: str) -> str:
    said = _SAID_NEAR_END.search(s, max(0, len(s) - _SAID_VERB_SPAN)) and _SAID_TAIL.search(
        s, max(0, len(s) - _SAID_TAIL_SPAN)
    )
    starts = [m.start() for m in (said, _ACCORDING_TAIL.search(s)) if m]
    return s[: min(starts)] if starts else s


def _drop_appositive(s: str) -> str:
    return _APPOSITIVE.sub(" ", s)


def _drop_time_phrase(s: str) -> str:
    return _TIME_PHRASE.sub("", s)


def _salience(headline: str, weights: Mapping[str, float]) -> float:
    """Topical weight per word: the weight of its content words over its length."""
    tokens = words(headline)
    return sum(weights.get(stem(w), 0.0) for w in tokens if w.lower() not in STOPWORDS) / (len(tokens) + 1)


def compress(sentence: str, max_words: int, weights: Mapping[str, float] | None = None) -> str:
    """Rewrites a news sentence as a headline of at most `max_words` words.

    Args:
      sentence: usually the most central sentence of the article.
      max_words: the most words allowed.
      weights: optional topical weight of each stemmed term (its count in the
        article, say). When given, the sentence is cut at whichever phrase
        boundary leaves the densest headline in topical words.

    Returns:
      The headline: no dateline, attribution, parenthetical, leading time
      phrase, subordinate clause or article, and no final full stop.
    """
    original = " ".join(sentence.split())
    s = strip_dateline(original)
    s = _PAREN.sub("", s)
    s = s.strip().strip('"').strip()
    for pattern in (_ATTRIBUTION_HEAD, _LEAD_TIME, _LEAD_CLAUSE):
        shorter = pattern.sub("", s, count=1)
        if len(shorter.split()) >= 4:
            s = shorter
    for step in (_drop_attribution, _drop_appositive, _drop_time_phrase):
        shorter = step(s)
        if len(shorter.split()) >= 4:
            s = shorter
    s = _ARTICLE.sub("", s)
    for pattern, repl in _REWRITES:
        s = pattern.sub(repl, s)
    s = re.sub(r"\s+([,;:])", r"\1", s)
    headline = clean_headline(s, max_words)
    if not headline:
        return clean_headline(original, max_words)
    if weights:
        tokens = headline.split()
        cuts = (
            clean_headline(" ".join(tokens[:i]), max_words)
            for i in range(MIN_HEADLINE_WORDS, len(tokens))
            if _boundary_rank(tokens, i) is not None
        )
        headline = max([headline, *cuts], key=lambda h: _salience(h, weights))
    return headline

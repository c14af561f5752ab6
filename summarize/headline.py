"""Turning a sentence into a headline.

`compress` rewrites a news sentence in headline style. It only ever deletes
whole constituents (a dateline, an attribution, a parenthetical, a leading
time phrase or subordinate clause, an appositive between commas, articles
and possessives, "has" before a past tense, the given name of a person the
article calls "Mr", "Mrs", "Ms" or "Dr" by surname) and cuts only at a
clause or phrase boundary, never inside a quotation or a hyphenated word;
the one word it may add is "to" for "will". Each way of doing so is a
candidate, and the candidates with a defect (see
`summarize.defects`) are dropped before the densest one is picked.
`choose_headline` tries the best sentences in turn, so a sentence that yields
no clean headline (a pronoun start, a caption) gives way to the next.
`clean_headline` is the lighter pass that every headline gets, generated ones
included.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import product

from summarize.defects import (
    FUNCTION_WORDS,
    NUMBER_WORDS,
    REPORTING_VERBS,
    Source,
    bad_end,
    headline_defects,
    strip_furniture,
    unbalanced,
)
from summarize.grammar import (
    AUXILIARIES,
    BE_FORMS,
    LEADING_SUBORDINATORS,
    MID_ADVERBS,
    SUBORDINATORS,
    agent_relative,
    also_noun_or_adjective,
    lemma_of,
    may_be_plural_noun,
    participle,
    parts_of_speech,
    plural_noun,
    present_tense,
    verb_family,
    verb_forms,
    verb_positions,
)
from summarize.language import clause_cut, has_dense
from summarize.prepare import STOPWORDS, stem, strip_dateline, words

# A headline cut shorter than this rarely says who did what.
MIN_HEADLINE_WORDS = 4
# How many of the best sentences `choose_headline` tries before settling.
MAX_TRIED_SENTENCES = 4

# A word edge that treats hyphens and apostrophes as part of the word, so that
# no pattern ever matches half of "2015-16" or "quarter-finals".
_B = r"(?<![\w'-])"
_E = r"(?![\w'-])"

_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|weekend|today|tonight|yesterday)"
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_PERIODS = r"(?:week|month|year|night|morning|afternoon|evening|season|decade|quarter|half)"
_WHEN = rf"(?:{_DAYS}|{_MONTHS}(?: \d{{1,2}})?|\d{{4}}|{_PERIODS})"

_PAREN = re.compile(r"\s*[(\[][^()\[\]]{0,80}[)\]]")
_SAID_VERB = (
    r"(?:said|says|say|told \w+|reported|reports|announced|claimed|claims|added|warned|confirmed|revealed|"
    r"insisted|believe[sd]?|ruled|found|concluded|estimated|argued|stated|suggested|suggests|shows?|showed|shown)"
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
# "Chasing 273 to win, England reached ...": a participle clause before the subject.
_LEAD_PARTICIPLE = re.compile(r"^[A-Z][a-z]+ing\b[^,]{0,60},\s+")
_LEAD_TIME = re.compile(
    r"^(?:on|last|this|earlier|late|early|in|by|at the end of|over the)\s+"
    rf"(?:the\s+)?(?:\w+\s+){{0,2}}?{_WHEN}{_E}[^,]{{0,30}},\s+",
    re.IGNORECASE,
)
_LEAD_CLAUSE = re.compile(
    r"^(?:after|although|as|while|when|despite|following|before|since|though|if|because|amid|with|"
    r"speaking|writing|asked|in a|in an|in the|for the|according to|under|once|unlike|like)\b[^,]{0,90},\s+",
    re.IGNORECASE,
)
# "But", "And", "However," and their kind open a sentence, never a headline.
_LEAD_CONNECTIVE = re.compile(
    r"^(?:but|and|so|yet|however|meanwhile|now|still|instead|indeed|also|then)\b,?\s+", re.IGNORECASE
)
_APPOSITIVE = re.compile(
    r",\s+(?:(?:the|a|an|one of|who|which|whose|where|aged?|formerly|now|known as|also)\b|\d{1,3},)[^,]{0,90},\s+"
    r"(?=(?-i:[a-z]))",  # the predicate follows: "Key West, Florida," is a place, not the end
    re.IGNORECASE,
)
_TIME_PHRASE = re.compile(
    r"(?<!\bthe)\s+(?:on|last|this|earlier|in|early|late|next|since|for the|over the|during)\s+"
    rf"(?:the\s+)?(?:\w+\s+)?{_WHEN}(?:'s)?{_E}(?!\s+of{_E})",
    re.IGNORECASE,
)
_PRONOUNS = frozenset("he she it they we i you".split())
# Words after which a clause is reported, not the main one: its "will" stays.
_TAKES_CLAUSE = REPORTING_VERBS | frozenset(
    "that believe predicts predict predicted denies deny denied thinks think hopes fears expects reports suggestions "
    "tell tells told warns warn".split()
)
# Headlinese drops "was" of the main clause only: "landlord who was convicted" keeps it.
_RELATIVES = frozenset("who that which".split())
_MODALS = frozenset("will would can could may might must shall should to".split())


def _past_tense(word: str) -> bool:
    """True for a word that reads as a past tense once "has" goes: a regular
    "-ed" form, or an irregular one the lexicon files as both past tense and
    participle ("struck", "won", "put"; not "taken" or "become")."""
    return word.lower().endswith("ed") or {"VBD", "VBN"} <= verb_forms(word)


# Headline style, applied to the first verb group of the sentence only (never
# inside a reported clause): "X has been arrested" -> "X arrested", "X has
# raised" -> "X raised", "X has struck a deal" -> "X struck deal", "X will
# visit" -> "X to visit". Each rewrite names the words it must not follow
# ("would have moved" keeps its "have", "they will" its "will") and, where it
# needs one, a test of the word after it ("has taken" keeps its "has": "taken"
# is no past tense).
_REWRITES: tuple[tuple[re.Pattern[str], str, frozenset[str], Callable[[str], bool] | None], ...] = (
    (
        re.compile(rf"{_B}(?:has|have|had) been\s+(?=\w+{_E})", re.IGNORECASE),
        "",
        _MODALS | _PRONOUNS | _RELATIVES,
        participle,
    ),
    (re.compile(rf"{_B}(?:is|are|was|were)\s+(?=\w+ed{_E})", re.IGNORECASE), "", _PRONOUNS | _RELATIVES, None),
    (
        re.compile(rf"{_B}(?:has|have|had)\s+(?!been{_E})(?=\w+{_E})", re.IGNORECASE),
        "",
        _MODALS | _RELATIVES,
        _past_tense,
    ),
    (re.compile(rf"{_B}(?:is|are)\s+(?=(?:set\s+)?to{_E})", re.IGNORECASE), "", frozenset(), None),
    (re.compile(rf"{_B}will{_E}(?! not{_E})", re.IGNORECASE), "to", _PRONOUNS | _RELATIVES, None),
)
_FILLER = re.compile(rf"{_B}(?:also|now|currently|reportedly|just|very)\s+", re.IGNORECASE)
_ARTICLE = re.compile(rf"(?:^(?:The|A|An)\s+|{_B}(?:the|a|an)\s+)")
# Headlines drop possessive pronouns as they drop articles: "Blair faces his
# first test" -> "Blair faces first test". Never the first word, never before
# "own" ("on its own") or a decade of life ("in his twenties"), never after
# "at" ("at its highest"), and never "her", which may be an object ("told her").
_POSSESSIVE = re.compile(
    rf"(?<=\S)(?<!\bat)\s+(?:his|its|their)\s+(?!own{_E}|(?:twen|thir|for|fif|six|seven|eigh|nine)ties{_E})"
    r"(?=[\w$£€])"
)
# Where a headline may be cut: after a comma, before a clause, before a phrase.
_CLAUSE_BREAK = frozenset(
    "and but while which who whom whose that when where although though because after as amid "
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


# A cut before "of" is taken only where no other boundary fits: "of" mostly
# binds its noun too tight to lose ("rest | of Six Nations", "puts talk | of
# retirement on hold").
_LAST_RESORT = 3


# Words that are nothing without their "of": "rest of", "in search of", "out of".
_NEEDS_OF = frozenset(
    "part rest most some all many much none one any each both either neither few several half top end edge "
    "middle out front heart centre center side behalf spite account favour favor course instead ahead because "
    "search series kind sort type lot lots number range host variety couple pair bunch "
    "majority minority proportion percentage fraction amount sum dozens hundreds thousands "
    "millions billions".split()
)


def _may_lose_of(before: list[str]) -> bool:
    """Whether a headline may end before an "of": after a common noun that
    stands alone ("joins cast", not "House", "rest" or "in search"), with
    the verb of any clause it opened in it ("accept that people" is cut)."""
    last = before[-1].strip("\"'")
    if not last[:1].islower() or last.lower() in _NEEDS_OF or not last.isalpha():
        return False
    opener = max((k for k, t in enumerate(before) if t.lower() in SUBORDINATORS), default=-1)
    return opener < 0 or bool(verb_positions(before[opener + 1 :]))


def _boundary_rank(tokens: list[str], i: int) -> int | None:
    """How good a cut before tokens[i] is: 0 after a comma or before a dash,
    1 before a clause, 2 before a phrase (an infinitive "to" included), 3
    (`_LAST_RESORT`) before "of", None if it is no boundary."""
    if tokens[i - 1].endswith((",", ";", ":")) or tokens[i] in {"-", "--"}:
        return 0
    word = tokens[i].lower()
    if word in _CLAUSE_BREAK:
        return 1
    if word in _PHRASE_BREAK or word == "to" and i + 1 < len(tokens) and "VB" in verb_forms(tokens[i + 1]):
        return 2
    if verb_forms(word) == {"VBG"} and tokens[i - 1][:1].islower() and not verb_forms(tokens[i - 1]):
        return 2  # a participle phrase after a noun: "tapes | containing ..."
    if i + 1 < len(tokens) and tokens[i + 1] == "by" and participle(word) and _after_main_verb(tokens, i):
        return 2  # a passive one: "debt freeze | offered by Paris Club"
    if word == "of" and _may_lose_of(tokens[:i]):
        return _LAST_RESORT  # "joins cast | of film adaptation"
    return None


def _after_main_verb(tokens: list[str], i: int) -> bool:
    """Whether tokens[i] follows a common noun in a clause that has its
    main verb already: "needs debt freeze | offered by", not "plans to
    abolish quangos | unveiled by" or "are often | disadvantaged by"."""
    before = tokens[i - 1]
    noun = before.isalpha() and before.islower() and (not verb_forms(before) or also_noun_or_adjective(before))
    if not noun or before in AUXILIARIES or before.endswith("ly"):
        return False
    return any(tokens[p - 1].lower() != "to" for p in verb_positions(tokens[:i]) if p)


def _cuts(tokens: list[str], worst: int = _LAST_RESORT) -> Iterable[int]:
    """The boundaries a headline may be cut at, of rank `worst` or better:
    never inside a quotation."""
    for i in range(1, len(tokens)):
        rank = _boundary_rank(tokens, i)
        if rank is not None and rank <= worst and not unbalanced(" ".join(tokens[:i])):
            yield i


def _cut(tokens: list[str], max_words: int) -> list[str]:
    """Cuts at the best phrase boundary that keeps at least half of
    `max_words`, the earliest of the best kind; when there is none, a hard
    cut that backs off words a headline must not end on (see
    `summarize.defects.bad_end`): "memories of disastrous 2014 | World Cup"
    ends "memories of disastrous"."""
    best: tuple[int, int] | None = None
    for i in _cuts(tokens[: max_words + 1]):
        rank = _boundary_rank(tokens, i)
        if i >= max(1, max_words // 2) and rank is not None and (best is None or (rank, i) < best):
            best = (rank, i)
    if best:
        return tokens[: best[1]]
    cut = tokens[:max_words]
    while len(cut) > max(1, max_words // 2) and bad_end(" ".join(cut)):
        cut = cut[:-1]
    return cut


def _finish(text: str) -> str:
    """No final stop or dangling punctuation, and a capital first letter."""
    headline = " ".join(_trim_end(text.split())).strip(" ,;:-")
    headline = re.sub(r"[.]+$", "", headline).rstrip(" ,;:-")
    if headline[:1].islower():
        headline = headline[0].upper() + headline[1:]
    return headline


def clean_headline(text: str, max_words: int, language: str = "en") -> str:
    """One line, at most `max_words` words, cut at a phrase boundary, no final stop.

    Args:
      text: a candidate headline, generated or extracted.
      max_words: the most words allowed (counted by characters in scripts
        written without spaces).
      language: the ISO 639-1 code; English phrase rules apply only to "en".

    Returns:
      The cleaned headline (possibly empty).
    """
    text = " ".join(text.split())
    if language != "en" or has_dense(text):
        return clause_cut(text, max_words, language)
    tokens = text.split(" ") if text else []
    if len(tokens) > max_words:
        tokens = _cut(tokens, max_words)
    return _finish(" ".join(tokens))


def _drop_attribution(s: str) -> str:
    said = _SAID_NEAR_END.search(s, max(0, len(s) - _SAID_VERB_SPAN)) and _SAID_TAIL.search(
        s, max(0, len(s) - _SAID_TAIL_SPAN)
    )
    starts = [m.start() for m in (said, _ACCORDING_TAIL.search(s)) if m]
    return s[: min(starts)] if starts else s


def _drop_appositive(s: str) -> str:
    # The predicate must follow: in "Kyrgyz Republic, a small, mountainous state of ..., is"
    # the aside goes on past its first comma.
    return _APPOSITIVE.sub(lambda m: " " if _predicate_start(_next_word(s, m.end())) else m.group(0), s)


def _predicate_start(word: str) -> bool:
    """A word a predicate may open with: a verb or an adverb ("never made")."""
    return bool(verb_forms(word)) or word.endswith("ly") or word.lower() in MID_ADVERBS | {"not"}


def _drop_time_phrase(s: str) -> str:
    return _TIME_PHRASE.sub("", s)


def _core(sentence: str) -> str:
    """The sentence less what a headline never keeps: dateline, page furniture,
    parentheticals, a leading attribution ("X said that"), time phrase,
    clause or connective, trailing
    attribution, appositives and time phrases, and "said it" (each only
    while four words are left)."""
    s = strip_dateline(" ".join(sentence.split()))
    s = strip_furniture(s)
    s = _PAREN.sub("", s).strip()
    for pattern in (_ATTRIBUTION_HEAD, _LEAD_TIME, _LEAD_CLAUSE, _LEAD_PARTICIPLE, _LEAD_CONNECTIVE):
        shorter = pattern.sub("", s, count=1)
        if len(shorter.split()) >= 4 and shorter.split()[0].lower() not in _PRONOUNS:
            s = shorter
    for step in (_drop_attribution, _drop_appositive, _drop_time_phrase, _collapse_said_it):
        shorter = step(s)
        if len(shorter.split()) >= 4:
            s = shorter
    return re.sub(r"\s+([,;:])", r"\1", s)


_POSSESSIVES = frozenset("his her its their our my your".split())
# A descriptor is at most this many words: "struggling Japanese car maker".
_DESCRIPTOR_WORDS = 5


# Words that end a time phrase, not a description: "65 years ago".
_NOT_DESCRIPTIVE = frozenset({"ago", "earlier", "later"})
_NUMBER = re.compile(r"[\d.,]+")


def _descriptive(token: str) -> bool:
    """True for a word that may describe a name: no function word, no verb
    that could not also be a noun or adjective, no punctuation after it, and
    no number ("buy two Indian firms" keeps its "two") and no part of a time
    phrase ("65 years ago Bernardo Gandulla" keeps its time)."""
    lower = token.lower()
    if lower in FUNCTION_WORDS or lower in STOPWORDS or token.endswith((",", ":", ";")):
        return False
    if lower in _NOT_DESCRIPTIVE or lower in NUMBER_WORDS or _NUMBER.fullmatch(lower):
        return False
    return not verb_forms(lower) or also_noun_or_adjective(lower)


_ACRONYM = re.compile(r"^[A-Z]{2,4}$")


def _name_end(tokens: list[str], j: int) -> int | None:
    """Where the name starting at tokens[j] ends, if a verb, a function word,
    a comma or a possessive closes it ("Holcim has", "Yukos to", "Marsh &
    McLennan's shares"); None if it runs on into a noun phrase ("Russian oil")."""
    k = j
    while k < len(tokens) and (tokens[k][:1].isupper() or tokens[k] == "&") and not tokens[k - 1].endswith(","):
        k += 1
    if k == len(tokens) or tokens[k - 1].endswith((",", "'s")):
        return k
    after = tokens[k].lower()
    if after in FUNCTION_WORDS or after in STOPWORDS or (k - j) in verb_positions(tokens[j : k + 1]):
        return k
    return None


def _drop_descriptors(s: str) -> str:
    """Names without the descriptors before them: "Swiss cement firm Holcim
    has bid ..." -> "Holcim has bid ...", "the owners of embattled Russian
    oil giant Yukos" -> "the owners of Yukos".

    A descriptor is a run of up to five words, with no function word or verb
    in it, that ends on a lower-case word and holds no name: no two
    capitalised words in a row, and no capitalised first word joined to a
    name before it ("Orange Prize winner Andrea Levy" and "Bank of England
    governor Mervyn King" keep theirs; "Russian oil giant Yukos" does not).
    The name after it must be closed (see `_name_end`).
    """
    tokens = s.split()
    verbs = set(verb_positions(tokens))
    keep = [True] * len(tokens)
    for j in range(1, len(tokens) - 1):
        before = tokens[j - 1]
        if not (before[:1].islower() and tokens[j][:1].isupper() and _descriptive(before)) or j - 1 in verbs:
            continue
        if "VBG" in verb_forms(before):
            continue  # "the problems facing Britain": the name is the participle's object
        if _name_end(tokens, j) is None:
            continue
        start = j - 1
        while (
            start > 0 and j - start < _DESCRIPTOR_WORDS and _descriptive(tokens[start - 1]) and start - 1 not in verbs
        ):
            start -= 1
        if start > 0 and not (start - 1 in verbs or tokens[start - 1].lower() in FUNCTION_WORDS):
            continue  # the descriptor would start mid-phrase: "Brewing giant Inbev"
        if start > 0 and tokens[start - 1].lower() in BE_FORMS and "NOUN" not in parts_of_speech(tokens[start]):
            continue  # a predicate: "Rodgers is aware Celtic's visit ..."
        if start > 0 and tokens[start - 1].lower() in _POSSESSIVES:
            continue  # "her boyfriend Tiger Woods": without it, "her Tiger Woods"
        capital = [t[:1].isupper() and not _ACRONYM.match(t) for t in tokens[start:j]]
        joined = start > 0 and (tokens[start - 1].lower() in {"of", "and", "&"} or tokens[start - 1][:1].isupper())
        if any(a and b for a, b in zip(capital, capital[1:], strict=False)) or (joined and capital[0]):
            continue  # a name inside the descriptor: "Orange Prize winner", "of England governor"
        for i in range(start, j):
            keep[i] = False
    return " ".join(t for t, k in zip(tokens, keep, strict=True) if k)


# "The UK's biggest brewer, Scottish and Newcastle, is to buy ...": a
# descriptor, then the subject's name between commas.
_APPOSITIVE_SUBJECT = re.compile(
    # The description has a lower-case word: "Jordan Hill, Brittany Covington and ..." is a list of names.
    rf"^(?=[^,]*\b[a-z])(?!(?:[Aa]nd |[Bb]ut )?(?:{'|'.join(sorted(LEADING_SUBORDINATORS))})\b)"
    r"[^,]{3,60}?,\s+((?:[A-Z][\w'&.-]*\s+(?:and\s+|&\s+|of\s+)?){0,4}[A-Z][\w'&.-]*),\s+"
)
# " - star of the film The Chorus - ": an aside between dashes.
_DASH_ASIDE = re.compile(r"\s+-\s+(?:(?!\s-\s).){3,80}?\s+-\s+")
# "X has said it will ...": the pronoun is X, so "X will ...".
_SAID_IT = re.compile(
    r"^(?P<subject>[^,]{3,80}?)\s+(?:has\s+|have\s+)?(?:said|says|announced|confirmed|revealed|warned|admitted)"
    r"\s+(?:that\s+)?(?P<pronoun>it|they)\s+(?=(?:will|would|is|are|was|were|has|have|had|can|could)\s)",
    re.IGNORECASE,
)


def _collapse_said_it(s: str) -> str:
    """ "Creditors have said they will put ..." -> "Creditors will put ...",
    when the pronoun agrees in number with the subject's last word."""
    match = _SAID_IT.match(s)
    if not match:
        return s
    # The head of "Creditors of South Korea's top firm" is "Creditors".
    words_before = re.split(r"\s+(?:of|in|at|for|from|with|on)\s+", match.group("subject"))[0].split()
    head = words_before[-1]
    # A capitalised head past the first word is a name ("Harbour Holdings"): singular.
    plural = not (len(words_before) > 1 and head[:1].isupper()) and plural_noun(head.lower())
    if (match.group("pronoun").lower() == "they") != plural:
        return s
    return match.group("subject") + " " + s[match.end() :]


# "Merle Kilgore, co-writer of Ring of Fire, has died": a name, then an
# aside about it between commas.
_NAME_ASIDE = re.compile(r"^((?:[A-Z][\w'.-]*\s+){0,3}[A-Z][\w'.-]*),\s+([^,]{3,80}?),\s+(?=[a-z])")


def _drop_name_aside(s: str) -> str:
    match = _NAME_ASIDE.match(s)
    aside = match.group(2).split() if match else []
    # "Jordan Hill, Brittany Covington and Tesfaye Cooper, all 18": more names, not an aside.
    names = {"and", "or"} & set(aside) and all(w[:1].isupper() or w in {"and", "or", "&"} for w in aside)
    # The aside must be a noun phrase: no word in it that can only be a verb.
    if (
        match
        and not names
        and not any(
            verb_forms(w) and not also_noun_or_adjective(w) or w.lower() in AUXILIARIES for w in words(match.group(2))
        )
    ):
        return match.group(1) + " " + s[match.end() :]
    return s


# "Shares in MCI rose" -> "MCI shares rose": a measure of a named firm or
# place, as headlines name it.
_MEASURE_OF_NAME = re.compile(
    r"^(?P<measure>(?:[A-Z][a-z]+ (?:[Ss]hares|[Pp]rofits?|[Rr]evenues?|[Ss]ales|[Ee]arnings|[Ll]osses))"
    r"|Shares|Profits?|Revenues?|Sales|Earnings|Losses) "
    r"(?:in|at) (?P<name>(?:[A-Z][\w&'.-]*\s){0,3}[A-Z][\w&'.-]*)(?= [a-z])"
)


# Verbs of a measure that may also be nouns: "MCI shares rise".
_MOVES = frozenset(
    "rise rises fall falls jump jumps soar soars slump slumps slide slides dip dips climb climbs close closes drop "
    "drops gain gains surge surges sink sinks tumble tumbles plunge plunges edge edges rally rallies ease eases "
    "slip slips hit hits top tops double doubles".split()
)


def _name_first(s: str) -> str:
    match = _MEASURE_OF_NAME.match(s)
    if not match or match.group("name").endswith("'s"):
        return s
    after = _next_word(s, match.end() + 1).lower()
    if not (after in AUXILIARIES or after in _MOVES or "VBD" in verb_forms(after)):
        return s  # the name runs on: "Shares in UK | drinks firm Allied Domecq"
    measure = match.group("measure")
    return f"{match.group('name')} {measure[0].lower()}{measure[1:]}{s[match.end() :]}"


def _shorten_names(s: str) -> str:
    """Names without their descriptors and asides (see `_drop_descriptors`),
    and put first where a measure of them leads ("Shares in MCI rose" ->
    "MCI shares rose")."""
    s = _drop_name_aside(s)
    s = _APPOSITIVE_SUBJECT.sub(r"\1 ", s, count=1)
    s = _DASH_ASIDE.sub(" ", s, count=1)
    return _name_first(_collapse_said_it(_drop_descriptors(s)))


def _next_word(s: str, at: int) -> str:
    match = _WORD_AT.match(s, at)
    return match.group() if match else ""


_WORD_AT = re.compile(r"[\w'-]+")
# "Mr Blair", "Dr Reid": the article names a person by the surname alone.
_TITLES = frozenset({"Mr", "Mrs", "Ms", "Miss", "Dr"})
_TITLED_SURNAME = re.compile(rf"\b(?:{'|'.join(sorted(_TITLES))})\.?\s+([A-Z][\w-]+)")
_GIVEN_NAME = re.compile(r"[A-Z][a-z]+")


def titled_surnames(sentences: Iterable[str]) -> frozenset[str]:
    """The surnames an article uses after "Mr", "Mrs", "Ms", "Miss" or "Dr":
    "Mr Blair's plans" gives "Blair"."""
    return frozenset(m.group(1).removesuffix("'s") for s in sentences for m in _TITLED_SURNAME.finditer(s))


def _drop_given_names(s: str, surnames: Collection[str]) -> str:
    """A person's given name dropped when the article calls them by surname
    ("Mr Blair"), as headlines do: "Tony Blair faces first test" -> "Blair
    faces first test". The word dropped is a capitalised word right before
    one of `surnames` (see `titled_surnames`), not itself after "Mr" or
    "and" ("Ian and Ruth Moss" share it); "Mr" itself is such a word ("Mr Blair told MPs" -> "Blair told MPs")."""
    if not surnames:
        return s
    tokens = s.split()
    keep = [True] * len(tokens)
    for i in range(len(tokens) - 1):
        surname = tokens[i + 1].rstrip(",;:").removesuffix("'s")
        after_title = i > 0 and tokens[i - 1].rstrip(".") in _TITLES
        # "Ian and Ruth Moss" share the surname; "JP McManus and John Magnier" do not.
        couple = i > 1 and tokens[i - 1] in {"and", "&"} and not (i > 2 and tokens[i - 3][:1].isupper())
        if surname in surnames and _GIVEN_NAME.fullmatch(tokens[i]) and not after_title and not couple:
            keep[i] = False
    return " ".join(t for t, k in zip(tokens, keep, strict=True) if k)


# Verbs whose present tense tells something else than their past: "X was
# chairman" is not "X is chairman", nor "they used to" "they use to".
_STATIVE = frozenset(
    "be have do use seem appear remain own know live want need like love hate mean contain belong consist "
    "stay lie hope expect wish prefer".split()
)
_PERFECT = frozenset({"has", "have"})
# The progressive's auxiliary, and whether it is plural.
# Only the present progressive: "was flying" sets a scene, it tells no event.
_PROGRESSIVE = {"is": False, "are": True}
# A time that pins an event to the past: "happened 10 days ago" stays past.
_PAST_TIME = re.compile(
    rf"{_B}(?:ago|yesterday|earlier|formerly|last (?:night|week|month|year|season|time|{_DAYS}|{_MONTHS}))" + _E,
    re.IGNORECASE,
)
_PLURAL_ONLY = frozenset({"police", "people", "cattle", "clergy"})
_SUBJECT_BREAK = frozenset(
    "of in at for from with on to by over under about outside inside across around near within behind among "
    "between into through during like after before since".split()
)
# A verb after these keeps its tense: "never made" is not "never makes".
_KEEPS_TENSE = _MODALS | {"never", "not"}
_WORD_AND_TAIL = re.compile(r"^([\w'-]*)(.*)$")


def _word(token: str) -> str:
    """A token's word, less the punctuation after it: "rose," -> "rose"."""
    return _WORD_AND_TAIL.match(token).group(1)  # type: ignore[union-attr]


def _plural_subject(subject: list[str]) -> bool | None:
    """Whether a subject is plural: its head (the last word before any
    preposition) decides; None when that is unclear (a pronoun, a number,
    a comma or "and" in it)."""
    if not subject or any(t.lower() in {"and", "or"} or t.endswith((",", ";", ":")) for t in subject):
        return None
    head_phrase = subject
    for i, token in enumerate(subject):
        # "Rocket carrying four astronauts": a participle phrase ends the head too.
        if i and (token.lower() in _SUBJECT_BREAK or token.endswith("ing") and "VBG" in verb_forms(token.lower())):
            head_phrase = subject[:i]
            break
    head = head_phrase[-1].strip("\"'")
    lower = head.lower()
    if lower in _PRONOUNS or not head[:1].isalpha():
        return None
    if re.fullmatch(r"[A-Z]{2,}s", head):
        return True  # "MPs"
    if head[:1].isupper() and len(head_phrase) > 1:
        # A name: "Fosters" is one firm, but "Beastie Boys" may be a band.
        return None if may_be_plural_noun(lower) else False
    return lower in _PLURAL_ONLY or may_be_plural_noun(lower)


def _may_be_participle(tokens: list[str], end: int, positions: list[int]) -> bool:
    """Whether the verb ending before tokens[end] may be a participle: "by"
    follows it, or another verb in its clause ("shares sold by the firm
    rose", "the man arrested on Monday was charged")."""
    if end < len(tokens) and tokens[end].lower() == "by":
        return True
    # An infinitive ("decision to close") is no main verb.
    later = [q for q in positions if q >= end and tokens[q - 1].lower() not in _KEEPS_TENSE]
    if later and not any(t.endswith((",", ";", ":")) or t.lower() in _CLAUSE_BREAK for t in tokens[end - 1 : later[0]]):
        return True
    # `verb_positions` takes a present form after a name for a noun: "Cars
    # made in Britain sell well" has its verb all the same. Only a
    # participle followed by a phrase ("made in"), not by an object ("paid
    # tribute to Wales side"), may open such a relative.
    if end == len(tokens) or tokens[end].lower() not in _SUBJECT_BREAK:
        return False
    for i in range(end, len(tokens)):
        if tokens[i - 1].endswith((",", ";", ":")) or tokens[i].lower() in _CLAUSE_BREAK:
            break
        word = _word(tokens[i])
        after_name = tokens[i - 1][:1].isupper() and word[:1].islower()
        if after_name and verb_forms(word) & {"VBD", "VBP"} and not may_be_plural_noun(word.lower()):
            return True
    return False


def _present_noun(token: str) -> bool:
    word = _word(token).lower()
    return word not in AUXILIARIES and not verb_forms(word) & {"VBD", "VBN"} and also_noun_or_adjective(word)


def _sure_verb(token: str) -> bool:
    """An auxiliary, or a past tense that is no participle ("rose", "fell";
    not "involved" or "set")."""
    word = _word(token).lower()
    return word in AUXILIARIES or "VBD" in verb_forms(word) and not participle(word)


def _present_tense(s: str) -> str:
    """A past or continuing event told in the simple present, as headlines
    tell it: "Boeing unveiled new plane" -> "Boeing unveils new plane",
    "Investors have snapped up shares" -> "Investors snap up shares", "Delta
    is cutting fares" -> "Delta cuts fares".

    Only the first main-clause verb changes, and only where that is safe: a
    simple past, a "has" perfect (not "has been") or an "is" progressive (not
    "was flying", which sets a scene), in a main clause with no time that
    pins it to the past ("ago", "last week"), of
    a verb whose form names one verb ("found" is "find", "lay" is no one
    verb), that is not stative (see `_STATIVE`), not a passive ("was
    approved" stays), not after "never", "not" or a modal, and not a
    participle that may open a reduced relative (see `_may_be_participle`).
    The number comes from the auxiliary, else from the subject (see
    `_plural_subject`).
    """
    tokens = s.split()
    positions = verb_positions(tokens)
    # "Irish shares have risen", "jams in Beijing are prompting": a present
    # form that may be a noun, before an auxiliary or a past tense, belongs
    # to the subject.
    while positions and _present_noun(tokens[positions[0]]):
        q = positions[0]
        if q + 1 < len(tokens) and _sure_verb(tokens[q + 1]):
            positions = [q + 1, *(r for r in positions if r > q + 1)]
        elif len(positions) > 1 and _sure_verb(tokens[positions[1]]):
            positions = positions[1:]
        else:
            break
    if not positions or positions[0] == 0 or tokens[positions[0] - 1].lower() in _KEEPS_TENSE:
        return s
    if tokens[0].lower() in _CLAUSE_BREAK or _PAST_TIME.search(s):
        return s  # "After United eased ...": a subordinate clause; "happened 10 days ago"
    p = positions[0]
    word = _word(tokens[p]).lower()
    following = _word(tokens[p + 1]).lower() if p + 1 < len(tokens) else ""
    plural: bool | None
    if word in _PERFECT and following != "been" and participle(following):
        lemma, plural, end = lemma_of(following), word == "have", p + 2
    elif word in _PROGRESSIVE and following.endswith("ing") and "VBG" in verb_forms(following):
        lemma, plural, end = lemma_of(following, ("VBG",)), _PROGRESSIVE[word], p + 2
    elif word not in AUXILIARIES and "VBD" in verb_forms(word) and lemma_of(word) != word:
        # ("England beat Australia", "firm cut jobs" read as present already.)
        lemma, end = lemma_of(word), p + 1
        if participle(word) and _may_be_participle(tokens, end, positions):
            return s
        subject = tokens[:p]
        while subject and (subject[-1].lower() in MID_ADVERBS or subject[-1].lower().endswith("ly")):
            subject = subject[:-1]
        plural = _plural_subject(subject)
    else:
        return s
    present = None if lemma is None or lemma in _STATIVE or plural is None else present_tense(lemma, plural)
    if not present:
        return s
    tail = _WORD_AND_TAIL.match(tokens[end - 1]).group(2)  # type: ignore[union-attr]
    return " ".join([*tokens[:p], present + tail, *tokens[end:]])


def _headline_style(s: str, present: bool = True) -> str:
    """Articles, possessives (see `_POSSESSIVE`) and filler dropped, and the
    first verb group in headline form (see `_REWRITES`): "The board has
    struck a deal with its bank" -> "board struck deal with bank", and with
    `present`, a past event in the present tense (see `_present_tense`):
    "board strikes deal with bank"."""
    s = _ARTICLE.sub("", s)
    s = _POSSESSIVE.sub(" ", s)
    s = _FILLER.sub("", s)
    if present:
        s = _present_tense(s)
    for pattern, repl, not_after, wants in _REWRITES:
        match = next((m for m in pattern.finditer(s) if wants is None or wants(_next_word(s, m.end()))), None)
        if match:
            before = s[: match.start()].split()
            # "will" of the main clause only: "tells voters Lib Dems will offer" keeps its "will".
            main = repl != "to" or not {w.lower() for w in before} & _TAKES_CLAUSE
            blocked = before and (before[-1].lower().rstrip(",") in not_after or before[-1].endswith("n't"))
            if main and not blocked:
                s = s[: match.start()] + repl + s[match.end() :]
    return s


def candidates(
    sentence: str, max_words: int, surnames: Collection[str] = (), worst: int = _LAST_RESORT - 1
) -> list[str]:
    """Every headline the rules can make of a sentence, longest first.

    Args:
      sentence: a sentence of the article.
      max_words: the most words allowed.
      surnames: the people the article calls by surname (see
        `titled_surnames`): their given names are dropped.
      worst: the worst rank of boundary to cut at (see `_boundary_rank`).

    Returns:
      The headline-style core of the sentence cut at each boundary (at least
      MIN_HEADLINE_WORDS words, at most `max_words`), then the same without
      the headline-style rewrites; no duplicates.
    """
    core = _core(sentence)
    cores = [core]
    span = agent_relative(core.split())
    if span:
        cores.append(" ".join(core.split()[: span[0]] + core.split()[span[1] :]))
    texts = []
    for present, kept in product((True, False), cores):
        styled = _drop_given_names(_headline_style(kept, present), surnames)
        texts += [styled, _shorten_names(styled)]
    found: dict[str, None] = {}
    for text in (*texts, *cores):
        tokens = text.split()
        ends = [i for i in _cuts(tokens, worst) if MIN_HEADLINE_WORDS <= i <= max_words]
        if len(tokens) <= max_words:
            ends.append(len(tokens))
        for end in sorted(ends, reverse=True):
            headline = _finish(" ".join(tokens[:end]))
            if headline:
                found[headline] = None
    return list(found)


def _salience(headline: str, weights: Mapping[str, float]) -> float:
    """Topical weight per word: the weight of its content words over its length."""
    tokens = words(headline)
    return sum(_weight(w, weights) for w in tokens if w.lower() not in STOPWORDS) / (len(tokens) + 1)


def _weight(word: str, weights: Mapping[str, float]) -> float:
    """A word's topical weight; a verb in another tense than the article's
    ("rises" for "rose") weighs as much as the article's form."""
    found = weights.get(stem(word))
    if found is None:
        found = max((weights.get(stem(form), 0.0) for form in verb_family(word)), default=0.0)
    return found


def compress(sentence: str, max_words: int, weights: Mapping[str, float] | None = None, language: str = "en") -> str:
    """Rewrites a news sentence as a headline of at most `max_words` words.

    Args:
      sentence: usually the most central sentence of the article.
      max_words: the most words allowed.
      weights: optional topical weight of each stemmed term (its count in the
        article, say): the densest candidate in topical words wins.
      language: the ISO 639-1 code. The rules are English: for any other
        language the sentence is only cut at a clause boundary.

    Returns:
      The best candidate headline with the fewest defects against the
      sentence itself (none, as a rule), else the old-style cut of the
      whole sentence.
    """
    if language != "en":
        return clean_headline(strip_dateline(sentence), max_words, language)
    best = _best(sentence, Source.of(sentence), max_words, weights)
    return best[0] if best else clean_headline(_headline_style(_core(sentence)), max_words)


def _best(
    sentence: str,
    source: Source,
    max_words: int,
    weights: Mapping[str, float] | None,
    surnames: Collection[str] = (),
) -> tuple[str, int] | None:
    """The densest candidate of `sentence` with the fewest defects, and how
    many it has; None when the sentence gives no candidate."""
    origin = Source([strip_dateline(sentence)], source.tokens)
    scored: list[tuple[str, int]] = []
    for worst in (_LAST_RESORT - 1, _LAST_RESORT):
        if not any(n == 0 for _, n in scored):
            found = candidates(sentence, max_words, surnames, worst)
            scored = [(c, len(headline_defects(c, origin, max_words))) for c in found]
    if not scored:
        return None
    fewest = min(n for _, n in scored)
    best = [c for c, n in scored if n == fewest]
    return (max(best, key=lambda h: _salience(h, weights)) if weights else best[0]), fewest


# Below this share of English function words, a text is taken for another language.
MIN_ENGLISH_SHARE = 0.2


def looks_english(sentences: Sequence[str]) -> bool:
    """True when enough of the words are English function words ("the",
    "of", "said"): the headline rules and lexicon are English only."""
    tokens = [w.lower() for s in sentences[:20] for w in words(s)]
    return bool(tokens) and sum(w in STOPWORDS for w in tokens) / len(tokens) >= MIN_ENGLISH_SHARE


# A sentence that opens on a quotation is someone's words, not the news.
_QUOTE_START = re.compile(r"^[\"']")


def choose_headline(
    sentences: Sequence[str],
    order: Sequence[int],
    max_words: int,
    weights: Mapping[str, float] | None = None,
    source: Source | None = None,
    language: str | None = None,
) -> str:
    """The headline of an article: the first of its best sentences that
    compresses without a defect.

    Args:
      sentences: the article's sentences.
      order: indices into `sentences`, best first.
      max_words: the most words allowed.
      weights: the topical weight of each stemmed term (see `compress`).
      source: the article, for the word check; made from `sentences` if absent.
      language: the article's ISO 639-1 code, when known (else guessed from
        its function words).

    Returns:
      The headline; when no tried sentence gives a clean one, the candidate
      with the fewest defects (of the best sentence, on a tie).
    """
    if not order:
        return ""
    if not (language == "en" if language else looks_english(sentences)):
        # The rules and the lexicon are English: elsewhere, the best sentence cut at a clause.
        return clean_headline(strip_dateline(sentences[order[0]]), max_words, language or "und")
    source = source or Source.from_sentences(sentences)
    surnames = titled_surnames(source.sentences)
    fallback: tuple[str, int] | None = None
    for i in list(order)[:MAX_TRIED_SENTENCES]:
        if _QUOTE_START.match(sentences[i]):
            continue
        best = _best(sentences[i], source, max_words, weights, surnames)
        if best and best[1] == 0:
            return best[0]
        if best and (fallback is None or best[1] < fallback[1]):
            fallback = best
    if fallback:
        return fallback[0]
    return clean_headline(_headline_style(_core(sentences[order[0]])), max_words)

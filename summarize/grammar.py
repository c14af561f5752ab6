"""Rough parts of speech, enough to tell whether a headline has a verb.

There is no tagger model here. A word's possible verb forms come from
lemminflect's lexicon (MIT licensed, built from the NIH SPECIALIST lexicon:
"arrived" can only be a past tense, "plans" a noun or a verb), and a few
rules of context settle the words that can be either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

AUXILIARIES = frozenset(
    "is are was were am be been being has have had do does did will would can could may might must shall should "
    "isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't can't couldn't "
    "mustn't shouldn't cannot".split()
)
# Words after which a noun, never a verb, comes next.
_NOUN_CONTEXT = frozenset(
    "the a an this that these those his her its their our my your some any no every each another "
    "of in on at for with from by into over about against between through during under after before "
    "new big top".split()
)
# A verb straight after these belongs to a relative clause, not the main one.
_RELATIVE = frozenset("who which whom whose".split())
# A verb form that is also a common noun counts only in these forms when the
# previous word is a content word ("shares rise", "sales boost").
FINITE = frozenset({"VBD", "VBZ", "VBN", "VBP"})
# Words that open a new clause, which may have a verb of its own.
_CLAUSE_OPENERS = frozenset(
    "and but or nor that which who whom whose while because as when where if after before since".split()
)
_COMPLEMENTIZERS = frozenset({"that"})
# Words that open a subordinate clause, which needs a verb of its own.
SUBORDINATORS = frozenset("that who which when where while because although though if whether".split())
# Adverbs between a subject and its verb: "UK still lags", "X, the chief, never made".
MID_ADVERBS = frozenset(
    "also now still already then finally again just recently once never even further soon often always".split()
)
# Words that open a subordinate clause at the start of a sentence: "While ..., X did".
LEADING_SUBORDINATORS = frozenset(
    "while although though because if unless whereas after before when since as".split()
)
# Particles of a phrasal verb: "take | over" is cut, "set | up" too.
PARTICLES = frozenset("up out off down back away".split())
_PLURAL_PRONOUNS = frozenset("they we you i".split())
# A subject pronoun straight after a noun, with no verb and no clause opener
# or preposition before it, opens a relative clause without "that": "the
# hairstyle she models".
_SUBJECT_PRONOUNS = frozenset("he she they we i you".split())
_PREPOSITIONS = frozenset("of in on at for with from by into over about against between through during under".split())
_EDGE = re.compile(r"^[^\w']+|[^\w']+$")


@lru_cache(maxsize=65536)
def verb_forms(word: str) -> frozenset[str]:
    """The Penn Treebank verb tags a word can carry, from the lexicon.

    Example: "arrived" -> {"VBD"}; "cut" -> {"VB", "VBD", "VBN", "VBP"}; "sales" -> {}.
    """
    from lemminflect import getAllInflections, getAllLemmas  # 0.4 s to load: only when needed

    w = word.lower()
    tags: set[str] = set()
    for lemma in getAllLemmas(w, upos="VERB").get("VERB", ()):
        for tag, forms in getAllInflections(lemma, upos="VERB").items():
            if w in forms:
                tags.add(tag)
    return frozenset(tags)


@lru_cache(maxsize=65536)
def parts_of_speech(word: str) -> frozenset[str]:
    """The universal POS tags the lexicon knows for a word: "irregular" -> {"ADJ", "NOUN"}."""
    from lemminflect import getAllLemmas

    return frozenset(getAllLemmas(word.lower()))


def also_noun_or_adjective(word: str) -> bool:
    """True when the lexicon also knows the word as a noun or adjective."""
    return bool({"NOUN", "ADJ", "PROPN"} & parts_of_speech(word))


@lru_cache(maxsize=65536)
def plural_noun(word: str) -> bool:
    """True when the lexicon knows the word as a plural noun: "sales", not "Swiss"."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word, upos="NOUN").get("NOUN", ())
    return bool(lemmas) and word not in lemmas


@lru_cache(maxsize=65536)
def may_be_plural_noun(word: str) -> bool:
    """True when the lexicon knows the word as the plural of another noun,
    even if also as a noun of its own: "games" ("game"), not "news"."""
    from lemminflect import getAllLemmas

    return any(lemma != word for lemma in getAllLemmas(word, upos="NOUN").get("NOUN", ()))


def _bare(token: str) -> str:
    return _EDGE.sub("", token)


def _acts_as_verb(word: str, tags: frozenset[str], prev: str, clause_verb: bool) -> bool:
    if not tags & FINITE:
        return False  # a bare participle ("capturing") or base form is no clause of its own
    if prev in _NOUN_CONTEXT and participle(word):
        return False  # "a group of alienated youth", "the injured": an adjective
    if not also_noun_or_adjective(word):
        return True
    if not prev or prev in _NOUN_CONTEXT or clause_verb or parts_of_speech(prev) == {"ADJ"}:
        return False  # "the plans", "backed plans", "has bid for cement firms", "malicious programs"
    plural_before = plural_noun(prev) or prev in _PLURAL_PRONOUNS
    if tags & {"VBD", "VBN"}:
        return True  # "talks left", "prices hit"
    if "VBZ" in tags:
        return not plural_before  # "firm plans", not "US jobs"
    return plural_before  # "shares rise", not "drink driving"


def _relative_that(tokens: Sequence[str], i: int, found: list[int]) -> bool:
    """Whether tokens[i] is the verb of a "that" relative clause: "a film that
    follows", not "reports that prices" or "said that costs rose"."""
    if i < 2 or _bare(tokens[i - 1]).lower() != "that" or (i - 2) in found:
        return False
    before, word = _bare(tokens[i - 2]), _bare(tokens[i]).lower()
    # "those that have": a pronoun, which takes a relative clause as a noun does.
    noun_before = (before[:1].islower() or i == 2) and (
        before.lower() == "those" or before.lower() not in AUXILIARIES | _NOUN_CONTEXT | _NOT_NOUNS
    )
    return noun_before and bool(verb_forms(word) & FINITE) and not also_noun_or_adjective(word)


# Words before "that" that make it a conjunction: "so that", "now that".
_NOT_NOUNS = frozenset("so now such given than".split()) | _CLAUSE_OPENERS


# Words that follow a past participle in a reduced relative: "money put
# aside", "the man arrested on Monday".
_AFTER_PARTICIPLE = PARTICLES | {"aside"}


NON_FINITE = frozenset("be been being".split())
BE_FORMS = NON_FINITE | frozenset("is are was were am".split())


def _reduced_relative(tokens: Sequence[str], verb: int, auxiliary: int) -> bool:
    """Whether the participle at `verb` opens a reduced relative clause, seen
    from a later auxiliary of the same sentence with no clause opener between:
    "the money put aside by the state is ...", not "the firm said profits were"."""
    word, before = _bare(tokens[verb]).lower(), _bare(tokens[verb - 1]) if verb else ""
    if before.endswith("ly") and verb > 1:
        before = _bare(tokens[verb - 2])  # "a civilian allegedly killed by troops"
    after = _bare(tokens[verb + 1]).lower() if verb + 1 < auxiliary else ""
    between = {_bare(t).lower() for t in tokens[verb + 1 : auxiliary]}
    return (
        participle(word)
        and before[:1].islower()
        and before.lower() not in AUXILIARIES | {"to"}
        and (after in _PREPOSITIONS or after in _AFTER_PARTICIPLE)
        and not between & _CLAUSE_OPENERS
        and _bare(tokens[auxiliary]).lower() not in NON_FINITE
    )


# At most this many words from the participle to the auxiliary: "produced by
# Evil Dead director Sam Raimi".
_MAX_RELATIVE_WORDS = 10


def agent_relative(tokens: Sequence[str]) -> tuple[int, int] | None:
    """The span of a relative clause on the subject, before the main clause's
    auxiliary, if one: a reduced one with its agent ("A horror film [produced
    by director Sam Raimi] has topped the box office") or one opened by
    "that", "who" or "which" ("A dog [that went missing on holiday] has been
    found"); none across a comma or another clause opener.

    Returns:
      (start, end) token indices, the end being the auxiliary's.
    """
    bare = [_bare(t).lower() for t in tokens]
    # Not an auxiliary of the relative clause's own clause: "thinking it | would".
    auxiliaries = [i for i, word in enumerate(bare) if word in AUXILIARIES - NON_FINITE and i > 1]
    for aux in auxiliaries:
        if bare[aux - 1] not in _SUBJECT_PRONOUNS | {"it"}:
            span = _relative_before(tokens, bare, aux)
            if span:
                return span
    return None


def _relative_before(tokens: Sequence[str], bare: list[str], aux: int) -> tuple[int, int] | None:
    """The relative clause that ends right before the auxiliary at `aux`, if one (see `agent_relative`)."""
    for start in range(max(1, aux - _MAX_RELATIVE_WORDS), aux - 1):
        if any(t.endswith((",", ";", ":")) for t in tokens[start - 1 : aux]) or tokens[start - 1].endswith("ly"):
            continue  # "allegedly killed by" is the news
        # A subject relative ("that went missing"), not an object one ("that
        # readers are likely to") nor a verb's "that" clause ("proves that").
        opened = (
            bare[start] in {"that", "who", "which"}
            and bool(verb_forms(bare[start + 1]) & FINITE)
            and not set(bare[start + 1 : aux]) & _CLAUSE_OPENERS
        )
        noun_before = (
            tokens[start - 1][:1].islower()
            and bare[start - 1] not in _NOUN_CONTEXT | AUXILIARIES
            and start - 1 not in verb_positions(tokens[:start])
        )
        if opened and noun_before or "by" in bare[start + 1 : start + 3] and _reduced_relative(tokens, start, aux):
            return start, aux
    return None


def verb_positions(tokens: Sequence[str]) -> list[int]:
    """Indices of the whitespace tokens that act as a main-clause verb.

    Rules: an auxiliary or modal is a verb, and so is the verb form after it;
    a word after "to" that can be a base-form verb is one ("Kilmarnock to
    confirm ..."); a present-tense form before a capitalised word is not
    after a lower-case word ("car firms General Motors", but "Spain wins Davis
    Cup"), unless one of those rules made it; a word
    that can only
    be a verb form, not a present participle, is one; a word that can also be
    a noun ("plans", "boost") is one only after a content word, never after a
    determiner or preposition, in a clause with no verb yet, and in the
    number that word asks for ("shares rise", "firm plans", but "the plans",
    "backed plans", "US jobs", "black cat"); a participle after a
    determiner or preposition is an adjective ("of alienated youth"). A verb
    right after "who" or "which", after "that" following a noun ("a film that
    follows"), the first after "whose", or after a subject pronoun that
    follows a noun ("the hairstyle she models"), belongs to a relative clause
    and does not count, nor does a participle followed by a preposition that
    an auxiliary comes after ("the money put aside by the state is"), a
    noun-like word between commas (a list: "governments, aid agencies,
    insurers"), a past participle after a comma ("the study, undertaken
    by"), a participle that opens the sentence before a preposition
    ("Geared towards gamers, it ..."), or a capitalised word past the first
    (a name).

    Example: "Black cat who fell sick" -> [] ; "Shares rise on bid talk" -> [1].
    """
    return list(_scan(tuple(tokens))[0])


def relative_verbs(tokens: Sequence[str]) -> list[int]:
    """Indices of the verbs that `verb_positions` leaves to a relative
    clause: "landlord who was convicted" -> [3, 4]."""
    return list(_scan(tuple(tokens))[1])


# The headline checks read the same source sentence for every candidate.
@lru_cache(maxsize=4096)
def _scan(tokens: tuple[str, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    found: list[int] = []
    relatives: list[int] = []
    prev = ""
    clause_start = 0
    relative_verb = -2
    whose = False  # inside "whose ...": its first verb is the relative clause's
    opened = False  # a clause opener or preposition so far: a pronoun may start the main clause
    for i, token in enumerate(tokens):
        word = _bare(token)
        lower = word.lower()
        if not word:
            continue
        verb_yet = bool(found) and found[-1] >= clause_start
        # "tells BBC he is happy": after a name a pronoun starts a clause, not a relative one.
        prev_name = i > 1 and _bare(tokens[i - 1])[:1].isupper()
        zero_relative = (
            prev
            and not prev_name
            and not verb_yet
            and not opened
            and prev not in _NOUN_CONTEXT
            and not verb_forms(prev)
        )
        if lower in _SUBJECT_PRONOUNS and zero_relative:
            prev = "who"  # its verb is the relative clause's
            continue
        # "revealed that the hairstyle she models": a new clause, whose subject may take a relative.
        opened = lower not in _COMPLEMENTIZERS and (opened or lower in _CLAUSE_OPENERS or lower in _PREPOSITIONS)
        # A subject pronoun opens a clause of its own: "says he hopes" has two verbs.
        if lower in _CLAUSE_OPENERS | _SUBJECT_PRONOUNS or i and tokens[i - 1].endswith((",", ";", ":")):
            clause_start = i
        if i == 0 and len(tokens) > 1 and participle(lower) and _bare(tokens[1]).lower() in _PREPOSITIONS | {"towards"}:
            prev = lower
            continue  # "Geared towards gamers, it is ...": a participle clause, no subject of its own
        if i > 0 and word[:1].isupper() and lower not in AUXILIARIES:
            prev = lower
            continue
        if prev in AUXILIARIES and lower.endswith("ly"):
            continue  # "are reportedly changing": the auxiliary still governs the next word
        if _transparent(tokens, i, lower):
            continue  # "UK still lags", "Indonesia no longer needs": the subject still governs the verb
        if prev in _RELATIVE and prev != "whose" or _relative_that(tokens, i, found):
            prev = lower
            relative_verb = i
            relatives.append(i)
            continue
        whose = whose or prev == "whose"
        if relative_verb == i - 1 and prev in AUXILIARIES and (verb_forms(lower) & {"VB", "VBG"} or participle(lower)):
            prev = lower
            relative_verb = i
            relatives.append(i)
            continue  # "a film that has won": still the relative clause's verb
        if relative_verb == i - 1 and verb_forms(lower) and also_noun_or_adjective(lower):
            prev = lower
            continue  # the object of a relative clause's verb: "fans who buy tickets"
        if lower in AUXILIARIES or lower.endswith(("n't", "'ll", "'ve", "'re", "'d")):
            finite = [p for p in found if _bare(tokens[p - 1]).lower() != "to"]
            if finite and _reduced_relative(tokens, finite[-1], i):
                found.remove(finite[-1])  # "the money put aside by the state | is": not a deed of the money
            found.append(i)
        else:
            tags = verb_forms(lower)
            clause_verb = bool(found) and found[-1] >= clause_start
            after_auxiliary = prev in AUXILIARIES and bool(tags & {"VB", "VBG"} or participle(lower))
            # "car firms General Motors": a present-tense form between a
            # lower-case word and a name is a noun; after a name it is the
            # verb ("Spain wins Davis Cup").
            name_next = (
                i + 1 < len(tokens)
                and tokens[i + 1][:1].isupper()
                and not tags & {"VBD", "VBN"}
                and not (i > 0 and tokens[i - 1][:1].isupper())
                and also_noun_or_adjective(lower)
            )
            listed = 0 < i < len(tokens) - 1 and tokens[i - 1].endswith(",") and tokens[i + 1].endswith(",")
            # "The study, undertaken by ...,": a participle after a comma describes.
            # ("Institute, financed by Soros,"; but "Royer, 41, fed ..." closes an age)
            aside = (
                i > 0
                and tokens[i - 1].endswith(",")
                and not tokens[i - 1][:1].isdigit()
                and (tags == {"VBN"} or tags == {"VBD"} and lower.endswith("ed"))
            )
            if tags and (
                prev == "to"
                and "VB" in tags
                or after_auxiliary
                or not name_next
                and not aside
                and not (listed and also_noun_or_adjective(lower))
                and _acts_as_verb(lower, tags, prev, clause_verb)
            ):
                found.append(i)
        if whose and found and found[-1] == i:
            found.pop()  # "the firm whose main product is derived": the relative clause's verb
            whose = False
            relative_verb = i
            relatives.append(i)
        prev = lower
    return tuple(_one_verb_per_clause(tokens, found)), tuple(relatives)




def _transparent(tokens: Sequence[str], i: int, lower: str) -> bool:
    """An adverb between a subject and its verb: "still", "no longer", "rarely"."""
    if lower not in MID_ADVERBS and lower not in {"no", "longer"} and not lower.endswith("ly"):
        return False  # the common case, decided before any lookup
    nxt = _bare(tokens[i + 1]).lower() if i + 1 < len(tokens) else ""
    if lower == "no" and nxt == "longer" or lower == "longer" and i and _bare(tokens[i - 1]).lower() == "no":
        return True
    if not nxt or not verb_forms(nxt) & FINITE:
        return False
    return lower in MID_ADVERBS or lower.endswith("ly") and parts_of_speech(lower) == {"ADV"}


def _one_verb_per_clause(tokens: Sequence[str], found: list[int]) -> list[int]:
    """Drops a word that may be a noun ("times", "centre") taken for the verb
    when a sure verb of the same clause follows it: "Hospital waiting times
    for patients are to be cut", "Video games on consoles and computers
    proved popular". A sure verb right after "and" joins a second predicate
    ("Firm plans cuts and will close"), and leaves the first alone."""
    kept = list(found)
    for p in found:
        word = _bare(tokens[p]).lower()
        before = _bare(tokens[p - 1]).lower() if p else ""
        # After "to" or an auxiliary ("have suspended") a word is the verb it governs.
        if word in AUXILIARIES or not also_noun_or_adjective(word) or before == "to" or before in AUXILIARIES:
            continue
        for q in range(p + 1, len(tokens)):
            later = _bare(tokens[q]).lower()
            if tokens[q - 1].endswith((",", ";", ":")) or later in _CLAUSE_OPENERS - {"and", "or"} | _SUBJECT_PRONOUNS:
                break
            # Not a participle, which may open a phrase of its own ("speeds compared to others"),
            # nor an infinitive ("plans to announce").
            sure = later in AUXILIARIES or (
                q in found
                and not also_noun_or_adjective(later)
                and not participle(later)
                and _bare(tokens[q - 1]).lower() != "to"
            )
            if sure and _bare(tokens[q - 1]).lower() not in {"and", "or", "but"}:
                kept.remove(p)
                break
    return kept


def has_verb(text: str) -> bool:
    """True when `text` has a main-clause verb (see `verb_positions`)."""
    return bool(verb_positions(text.split()))


def participle(word: str) -> bool:
    """A past participle: "driven", or a regular "-ed" form (the lexicon
    files those as past tenses only)."""
    forms = verb_forms(word)
    return "VBN" in forms or (word.lower().endswith("ed") and "VBD" in forms)


@lru_cache(maxsize=65536)
def lemma_of(word: str, tags: tuple[str, ...] = ("VBD", "VBN")) -> str | None:
    """The one verb of which `word` is one of the `tags` forms, if one: for
    the past tense or participle, "fell" -> "fall" (not "fell"), "found" ->
    "find", "lay" -> None (both "lie" and "lay")."""
    from lemminflect import getAllInflections, getAllLemmas

    w = word.lower()
    lemmas = {
        lemma
        for lemma in getAllLemmas(w, upos="VERB").get("VERB", ())
        if any(w in getAllInflections(lemma, upos="VERB").get(tag, ()) for tag in tags)
    }
    # The lexicon files some verbs twice, hyphenated or not ("overtake" and
    # "over-take"): one verb all the same.
    lemmas = {lemma for lemma in lemmas if "-" not in lemma or lemma.replace("-", "") not in lemmas}
    return lemmas.pop() if len(lemmas) == 1 else None


def present_tense(lemma: str, plural: bool) -> str | None:
    """The present tense of a verb: "rise" -> "rises", or "rise" when `plural`."""
    from lemminflect import getInflection

    forms = getInflection(lemma, tag="VBP" if plural else "VBZ")
    return forms[0] if forms else None


@lru_cache(maxsize=65536)
@lru_cache(maxsize=65536)
def verb_family(word: str) -> frozenset[str]:
    """Every form of every verb `word` may be a form of: "sues" -> {"sue",
    "sues", "sued", "suing"}; empty for a word that is no verb."""
    from lemminflect import getAllInflections, getAllLemmas

    return frozenset(
        form
        for lemma in getAllLemmas(word.lower(), upos="VERB").get("VERB", ())
        for forms in getAllInflections(lemma, upos="VERB").values()
        for form in forms
    )

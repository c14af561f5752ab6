"""What an editor would send back: the defects of a headline or a paragraph.

Each rule is a pure function of the output (and, for some, of the source),
and returns the offending text, or nothing. `headline_defects` and
`paragraph_defects` run them all and name each finding by its kind, so that
`summarize eval` can report a rate per kind next to ROUGE.

Headline kinds: bad_end, unbalanced, pronoun_start, foreign_word, no_verb,
broken_grammar, too_long, boilerplate. Paragraph kinds: unfinished, unbalanced, near_duplicate,
boilerplate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from summarize.grammar import (
    AUXILIARIES,
    BE_FORMS,
    FINITE,
    LEADING_SUBORDINATORS,
    NON_FINITE,
    PARTICLES,
    SUBORDINATORS,
    has_verb,
    participle,
    parts_of_speech,
    relative_verbs,
    verb_family,
    verb_forms,
    verb_positions,
)
from summarize.prepare import (
    AGENCY_DATELINE,
    SENTENCE_END,
    STOPWORDS,
    normalize,
    prepare,
    split_sentences,
    strip_dateline,
    words,
)
from summarize.schema import Document, Prepared

HEADLINE_KINDS: tuple[str, ...] = (
    "bad_end",
    "unbalanced",
    "pronoun_start",
    "foreign_word",
    "no_verb",
    "broken_grammar",
    "too_long",
    "boilerplate",
)
PARAGRAPH_KINDS: tuple[str, ...] = ("unfinished", "unbalanced", "near_duplicate", "boilerplate")

# Words a headline must not end on: articles, determiners, prepositions,
# conjunctions, pronouns that want a noun, and the verbs of reporting.
FUNCTION_WORDS = frozenset(
    """a an the this that these those his her its their our my your some any no every each another which who whom
    whose what where when while whether of to in on at by for with from as into onto over under about against
    between through during after before since until than via amid among without within across towards toward
    per like including and or but nor so yet if because although though unless despite unlike whereas besides
    beside near upon throughout beyond behind below above around along alongside following""".split()
)
# Adverbs that want what follows them: "rather | than", "even | more".
OPEN_ADVERBS = frozenset("rather even very also too not never".split())
# Words that open a noun phrase: after a verb, its object.
DETERMINERS = frozenset(
    "a an the this these those his her its their our my your some any no every each another more several".split()
)
# A determiner before these opens an adverbial of time, not an object: "fell | this week".
TIME_WORDS = frozenset(
    """week weekend month year day morning afternoon evening night season time quarter summer winter spring
    autumn decade century""".split()
)
_CONJUNCTIONS = frozenset("and or but nor so yet".split())
# A verb cut from these words after it lost part of itself: "to take | over".
REPORTING_VERBS = frozenset(
    """said says say told tells added adds claimed claims confirmed confirms revealed reveals announced announces
    insisted insists warned warns admitted admits explained explains believes believed stated states according
    reported reports suggested suggests""".split()
)
NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
    eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred dozen""".split()
)
PRONOUNS = frozenset("he she it they we i you him them his its their our my your".split())
# "This" and its kin start a headline badly only as a pronoun: "This is ...".
_DEMONSTRATIVES = frozenset("this that these those".split())
# Headline style writes "X to visit" for "X will visit": the one word a
# headline may hold that its source need not.
HEADLINE_STYLE_WORDS = frozenset({"to"})
_BARE_NUMBER = re.compile(r"^\d[\d,.]*$")
_CONTRACTION = re.compile(r"'(?:s|re|ll|ve|d|m)$", re.IGNORECASE)
_EDGE = re.compile(r"^[^\w'$£€]+|[^\w%']+$")

# Boilerplate that news pages put around an article.
BOILERPLATE = (
    ("byline", re.compile(r"^By\s+(?:\.\s+)?[A-Z][\w'.-]+(?:\s+[A-Z][\w'.-]+){1,3}\s*(?:\.|$|,|\bfor\b)")),
    ("byline", re.compile(r"\b(?:PUBLISHED|UPDATED|Last updated)\s*:", re.IGNORECASE)),
    ("dateline", re.compile(r"^[A-Z][A-Z.'\- ]{1,30}(?:,\s*[A-Z][A-Za-z.\- ]{1,30})?\s*\([^)]{1,30}\)\s*(?:--|-)")),
    ("dateline", AGENCY_DATELINE),
    # The paper's own promotion: "Sportsmail will be providing you with ...".
    (
        "house promotion",
        re.compile(
            r"\b(?:Sportsmail|MailOnline)\s+(?:will|recounts|brings|takes a look|looks back|rounds up|runs through)\b"
        ),
    ),
    ("scroll prompt", re.compile(r"\bscroll (?:down|up)\b", re.IGNORECASE)),
    ("click prompt", re.compile(r"\bclick (?:here|through)\b", re.IGNORECASE)),
    ("media notice", re.compile(r"\bmedia playback is (?:not |un)supported\b", re.IGNORECASE)),
    (
        "photo credit",
        re.compile(
            r"\((?:[^()]{0,40}/)?(?:photo|picture|image|pic|credit|file)s?\b[^()]{0,60}\)"
            r"|\b(?:photo|picture|image|pic)s?(?: credit)?\s*:\s*[A-Z]"
            r"|\b(?:Getty Images|AFP/Getty|Shutterstock|Rex Features|AP Photo)\b",
            re.IGNORECASE,
        ),
    ),
)


@dataclass(frozen=True)
class Defect:
    """One finding: its kind (one of the *_KINDS) and the text that shows it."""

    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


@dataclass
class Source:
    """What the headline rules need of the article, computed once.

    Attributes:
      sentences: the article's sentences, normalised.
      tokens: every word of the article, lower-cased, with the pieces of its
        hyphenated and apostrophised words ("quarter-finals" gives
        "quarter-finals", "quarter" and "finals").
    """

    sentences: list[str]
    tokens: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, text: str | Prepared) -> Source:
        """Indexes an article: its raw text, or the document `prepare` made of it."""
        prepared = text if isinstance(text, Prepared) else prepare(Document("source", text))
        title = [prepared.title] if prepared.title else []
        return cls.from_sentences([*title, *(s.text for s in prepared.sentences)])

    @classmethod
    def from_sentences(cls, sentences: Sequence[str]) -> Source:
        """Indexes an article already split into normalised sentences."""
        tokens: set[str] = set()
        for sentence in sentences:
            for word in words(sentence):
                lower = word.lower()
                tokens.add(lower)
                tokens.update(_PIECES.split(lower))
        return cls([strip_dateline(s) for s in sentences], frozenset(tokens))


_PIECES = re.compile(r"['\-.]")


def _bare(token: str) -> str:
    return _EDGE.sub("", token)


def bad_end(headline: str) -> str | None:
    """A headline must end on a word that completes it.

    Flags an ending on a function word, a bare number (a score such as
    "6-1", an age after "aged", a year after a preposition and digits after
    a name, "Band Aid 20", are not bare), a dash, a conjunction, a preposition, an auxiliary, an adverb
    that wants more ("rather", "even", "not"; "are reportedly") or a verb of reporting in the active
    ("police said", "Parmalat has reported"; not "to be told").

    Example: "Gary Locke to be confirmed as Kilmarnock's manager - exactly eight"
    ends on the bare number "eight".
    """
    tokens = headline.split()
    if not tokens:
        return None
    last = tokens[-1]
    if last.endswith(("-", ",", ";", ":")) or last in {"-", "--"}:
        return f"ends on {last!r}"
    word = _bare(last).lower()
    before = _bare(tokens[-2]).lower() if len(tokens) > 1 else ""
    passive = before in BE_FORMS  # "story to be told" is whole; "has reported" is not
    if word in FUNCTION_WORDS or word in AUXILIARIES or word in OPEN_ADVERBS:
        return f"ends on {word!r}"
    # "attitudes are reportedly | changing", "a cat who fell sick is now | a star"
    if before in AUXILIARIES and (word.endswith("ly") or word in _AUXILIARY_ADVERBS):
        return f"ends on {before} {word!r}"
    # "plays down claims", "denies the reports": a noun after a particle, a determiner or a preposition.
    noun = before in DETERMINERS | PARTICLES or before in FUNCTION_WORDS - SUBORDINATORS - _CONJUNCTIONS
    if word in REPORTING_VERBS and not (passive or noun):
        return f"ends on {word!r}"
    year = re.fullmatch(r"(?:19|20)\d\d", word) and before in FUNCTION_WORDS
    age = before in {"aged", "age"} or " ".join(tokens[-3:-1]).lower() == "age of"
    # "Band Aid 20", "Euro 2004": digits after a name are part of it.
    named = _BARE_NUMBER.match(word) and len(tokens) > 1 and tokens[-2][:1].isupper() and before.isalpha()
    if (word in NUMBER_WORDS or _BARE_NUMBER.match(word)) and not (year or age or named):
        return f"ends on the bare number {word!r}"
    return None


def _source_sentence(headline: str, source: Source) -> list[str]:
    """The tokens of the source sentence a headline came from: the one it
    shares the most words with."""
    head = words(headline)
    return max(source.sentences, key=lambda s: _overlap(head, words(s)), default="").split()


def headline_verbs(tokens: list[str], sentence: list[str], copula: bool = False) -> list[int]:
    """Indices of a headline's verbs, read against its source sentence.

    Each headline word is aligned with the next source word that is it or
    another form of it; it is a verb when that source word is one there
    ("Mitsubishi Motors strikes deal" from "... has struck a deal":
    "strikes", not "deal"; "drink" of "drink driving" is not the "drink" of
    "vowed never to drink again"). A word the sentence lacks is a verb where
    `verb_positions` says so. Neither counts in the headline's own relative
    clause ("landlord who was convicted").

    Args:
      tokens: the headline, split on whitespace.
      sentence: its source sentence, split on whitespace.
      copula: also count the word after a source copula ("are concerned"
        gives "concerned"), for a headline that dropped the copula.

    Returns:
      The indices into `tokens`, in order.
    """
    source = [_bare(t).lower() for t in sentence]
    verbs = _source_verb_positions(sentence, source, copula)
    own = set(verb_positions(tokens))
    relative = set(relative_verbs(tokens))
    found = []
    last = -1
    for i, token in enumerate(tokens):
        word = _bare(token).lower()
        forms = verb_family(word) | {word}
        matches = [j for j, s in enumerate(source) if s in forms]
        if not matches:
            if i in own and i not in relative:
                found.append(i)
            continue
        last = next((j for j in matches if j > last), matches[0])
        if last in verbs and i not in relative:
            found.append(i)
    return found


def _source_verb_positions(sentence: list[str], source: list[str], copula: bool) -> set[int]:
    """The verb positions of a source sentence and, with `copula`, that of
    the first content word after a copula."""
    verbs = set(verb_positions(sentence))
    if copula:
        for p in sorted(verbs):
            # A copula, not "to do," or "has": "are concerned" gives "concerned".
            if source[p] in BE_FORMS and sentence[p][-1:].isalnum():
                content = (
                    j
                    for j in range(p + 1, len(source))
                    if source[j] not in _AUXILIARY_ADVERBS and not source[j].endswith("ly")
                )
                j = next(content, None)
                if j is not None and source[j] not in FUNCTION_WORDS | STOPWORDS:
                    verbs.add(j)
    return verbs


# Words between an auxiliary and the word it governs: "will also take".
_AUXILIARY_ADVERBS = frozenset("also very still now already not never just even further".split())


def _continuation(headline: str, source: Source) -> tuple[str, str] | None:
    """The two words that follow the headline's last word in its source
    sentence (see `_rest`), or None when the sentence ends there or goes on
    with punctuation."""
    rest = _rest(headline, source)
    return (rest[0], rest[1] if len(rest) > 1 else "") if rest else None


def _rest(headline: str, source: Source) -> list[str]:
    """What follows the headline's last word in its source sentence (the one
    it shares most words with); empty when the sentence ends there or goes
    on with punctuation. A verb put in the present is found in its source
    form ("looks" for "is looking")."""
    tokens = headline.split()
    last = _bare(tokens[-1]) if tokens else ""
    if not last:
        return []
    best = _source_sentence(headline, source)
    found = _follows(best, last)
    if found is False:
        for form in sorted(verb_family(last) - {last}):
            found = _follows(best, form)
            if found is not False:
                break
    return best[found:] if found else []


def _follows(sentence: list[str], last: str) -> int | None | Literal[False]:
    """The index of the token after `last` in `sentence`; None when
    punctuation or the end follows it there; False when it is not there."""
    # A plain scan, not a regex: this runs for every headline candidate, and
    # a pattern per word would thrash the re module's cache.
    for i, token in enumerate(sentence):
        start = token.find(last)
        while start != -1:
            end = start + len(last)
            if not _word_char(token[start - 1 : start]) and not _word_char(token[end : end + 1]):
                if end < len(token) or i + 1 == len(sentence) or not sentence[i + 1][0].isalnum():
                    return None  # the sentence goes on with punctuation, or ends
                return i + 1
            start = token.find(last, start + 1)
    return False


class _Ending(NamedTuple):
    """How a headline ends against its source (see `_continuation`)."""

    tokens: list[str]
    last: str  # the headline's last word
    next: str  # the source's next token, as written
    following: str  # that token's word, lower case
    then: str  # the word after it, lower case
    then_token: str  # that word, as written


def _ending(headline: str, source: Source) -> _Ending | None:
    """The headline's end and what followed it in the source, or None when nothing did."""
    tokens = headline.split()
    after = _continuation(headline, source)
    if not tokens or after is None:
        return None
    return _Ending(tokens, _bare(tokens[-1]), after[0], _bare(after[0]).lower(), _bare(after[1]).lower(), after[1])


def _word_char(char: str) -> bool:
    return bool(char) and (char.isalnum() or char in "_'-")


# Verbs that are no whole predicate without their preposition or particle:
# "Institute looks | at fault lines", "countries fail to put | in place", "firm files | for
# bankruptcy", "band to take | over" (a light verb has no meaning of its own),
# "Slater steps | into role", "performance may come | to an end"; and the
# linking verbs, whose complement is the news ("rates set to remain | on hold").
_PREPOSITIONAL_VERBS = frozenset(
    (
        "put look rely depend focus aim refer opt consist call step come remain become seem appear prove think file "
        "take make give bring get account"
    ).split()
)


def dangling_verb(headline: str, source: Source) -> str | None:
    """A headline must not end on an active verb whose object was cut.

    Flags a headline whose last word is an active verb (see
    `headline_verbs`; "was sold" is passive and whole)
    when, in the source sentence, its object followed: a noun phrase (with
    or without a determiner), a "that" clause, an infinitive or a particle
    ("to take | over", "to plough | on with"), or the preposition of a verb
    that needs one ("looks | at"). An adverbial that followed ("slipped on Monday",
    "fell this week") leaves the headline whole.

    A state after "on" is a complement too, passive or not ("has gone | on
    sale", "were put | on hold").

    Example: "Regulator is investigating" from "The regulator is
    investigating the firm's accounts."
    """
    tokens = headline.split()
    if not tokens or len(tokens) - 1 not in headline_verbs(tokens, _source_sentence(headline, source)):
        return None
    after = _continuation(headline, source)
    if after is None:
        return None
    last = _bare(tokens[-1])
    following, then = _bare(after[0]).lower(), _bare(after[1]).lower()
    infinitive = following == "to" and "VB" in verb_forms(then)
    if following == "on" and then in _STATES:
        return f"ends on the verb {last!r}, cut from its state 'on {then}'"
    passive = len(tokens) > 1 and _bare(tokens[-2]).lower() in BE_FORMS and "VBN" in verb_forms(last)
    if passive and not infinitive and following not in PARTICLES:
        return None  # "was sold" is whole; "is set | to rise" and "be cut | off" are not
    article = following in DETERMINERS and then not in TIME_WORDS
    # "plough | on with plans": "on" before a preposition is the verb's particle.
    particle = following in {"on", "over", "through"} and then in FUNCTION_WORDS - DETERMINERS
    particle = particle or following in FUNCTION_WORDS and bool(verb_family(last) & _PREPOSITIONAL_VERBS)
    if following in {"that", *PARTICLES} or infinitive or article or particle or following not in FUNCTION_WORDS:
        return f"ends on the verb {last!r}, cut from {after[0]!r}"
    return None


# "on sale", "on hold": the state a verb puts its subject in.
_STATES = frozenset("sale hold trial display strike standby track course show offer".split())


# Words that want the infinitive after them: "is willing | to soften".
_WANT_INFINITIVE = frozenset(
    """set due likely unlikely able unable willing ready expected poised about keen eager determined forced
    allowed bound going trying seeking planning hoping aiming failed agreed pledged promised decided refused
    threatened vowed favourite favorite""".split()
)

# Of those, the ones a headline may end on: "Nokia and Microsoft agree deal".
_WHOLE_NOUNS = frozenset("deal agreement plan plans bid bids campaign drive push approval decision".split())
_ORDINALS = frozenset("first last only second third latest next".split())

# Nouns whose infinitive is what they are about: "dismisses attempt by Yukos | to gain protection".
_NOUN_INFINITIVE = frozenset(
    """attempt attempts bid bids plan plans decision effort efforts pressure chance pledge promise refusal
    failure ability permission deal agreement approval campaign drive push talks""".split()
)


# Verbs whose object wants an infinitive: "forced 2,000 people | to leave".
_OBJECT_INFINITIVE = frozenset(
    """force forces forced ask asks asked urge urges urged allow allows allowed order orders ordered tell tells
    told persuade persuades persuaded encourage encourages encouraged prompt prompts prompted cause causes caused
    enable enables enabled invite invites invited require requires required call calls called press presses
    pressed want wants wanted tip tips tipped""".split()
)


def cut_infinitive(headline: str, source: Source) -> str | None:
    """A headline must not end on a word whose infinitive was cut.

    Flags a last word that wants an infinitive (see `_WANT_INFINITIVE`) or
    is no noun, or the object of a verb that wants one ("forced", "urged"),
    when "to" and a verb followed it in the source sentence. A noun before
    an infinitive of purpose ("cuts jobs | to save money") leaves the
    headline whole.

    Example: "Watchdog's chairman says he is willing" from "... he is
    willing to soften tough new rules"; "Rain forces 2,000 people" from
    "Rain forced 2,000 people to leave their homes."
    """
    ending = _ending(headline, source)
    if ending is None:
        return None
    tokens, last, _, following, then, _ = ending
    if following != "to" or "VB" not in verb_forms(then):
        return None
    if last.lower() in _WANT_INFINITIVE or last[:1].islower() and "NOUN" not in parts_of_speech(last):
        return f"ends on {last!r}, cut from its infinitive 'to {then}'"
    # The object of "forced": at most four words after the verb.
    verb = next((_bare(t) for t in reversed(tokens[-5:-1]) if _bare(t).lower() in _OBJECT_INFINITIVE), None)
    if verb:
        return f"ends on the object of {verb!r}, cut from its infinitive 'to {then}'"
    # "becomes first star | to be evicted": the infinitive says first to do what.
    ordinal = next((_bare(t) for t in tokens[-3:] if _bare(t).lower() in _ORDINALS), None)
    if ordinal:
        return f"ends on the phrase of {ordinal!r}, cut from its infinitive 'to {then}'"
    # The noun's own phrase may run on after it ("attempt by Russian oil giant Yukos"), but has no "to" yet.
    lowered = [_bare(t).lower() for t in tokens]
    # "signs deal" and "backs plans" are whole as they stand; "rejects chance" is not.
    nouns = _NOUN_INFINITIVE - _WHOLE_NOUNS if lowered[-1] in _NOUN_INFINITIVE else _NOUN_INFINITIVE
    noun = next((w for w in reversed(lowered) if w in nouns), None)
    if noun and "to" not in lowered[lowered.index(noun) :]:
        return f"ends on the phrase of {noun!r}, cut from its infinitive 'to {then}'"
    return None


def cut_modifier(headline: str, source: Source) -> str | None:
    """A headline must not end on a modifier whose head was cut.

    Flags an adjective (never a verb form) when a noun followed it in the
    source ("alerted directors to irregular | accounting"), a comparison cut
    before its "than" ("lost more | than half"; "creates fewer jobs | than
    expected", a comparison with what was expected; "earn less" and "wins
    more supporters" alone are whole), and a participle that
    modifies a noun after the main verb when its agent followed ("to seize
    land owned | by a British firm"). A headline's own passive is whole
    without its agent ("Liverpool charged"), and so is "fell | by 5%".
    """
    ending = _ending(headline, source)
    if ending is None:
        return None
    tokens, last, after, following, then, _ = ending
    # "fell | by 5%" and "avoided an upset | by winning" are whole: an amount or a means, not an agent.
    amount = then[:1].isdigit() or then in NUMBER_WORDS or then.endswith("ing")
    # "creates fewer jobs | than expected" reads as the opposite news without it.
    if following == "than" and (last.lower() in {"rather", "more", "less"} or then in _EXPECTATIONS):
        return f"ends on {last!r}, cut from its comparison {after!r}"
    verbs = verb_positions(tokens)
    start = len(tokens) - 2
    # A main verb before the participle (not an auxiliary of its own passive).
    main = [v for v in verbs if _bare(tokens[v]).lower() not in AUXILIARIES]
    modifier = any(participle(_bare(tokens[i])) and any(v < i for v in main) for i in range(max(start, 0), len(tokens)))
    if following == "by" and modifier and not amount:
        return f"ends on {last!r}, cut from its agent {after!r}"
    # "raises rate to highest level | in four years": a superlative's scope is the news.
    superlative = any(_SUPERLATIVE.fullmatch(_bare(t).lower()) for t in tokens[-2:])
    if superlative and following in {"in", "since", "for", "ever", "on"} and "VERB" not in parts_of_speech(then):
        return f"ends on {last!r}, cut from the superlative's scope {after!r}"
    # "reports sharp increase | in profit": what changed is the news.
    change = last.lower() in _CHANGE_NOUNS and following in {"in", "of", "on"}
    if change and len(tokens) - 1 not in headline_verbs(tokens, _source_sentence(headline, source)):
        return f"ends on {last!r}, cut from what changed: {after!r}"
    if following in _ADJECTIVE_PREPOSITIONS.get(last.lower(), ()):
        return f"ends on {last!r}, cut from its {after!r} phrase"
    # "Three men accused | of fraud", "Riddick Bowe was once seen | ...": what of, what doing.
    if last.lower() in _WANT_COMPLEMENT and following.isalpha() and following not in _CLAUSE_BREAKS:
        return f"ends on {last!r}, cut from {after!r}"
    # "shared set | of photos": a quantity is nothing without what it counts.
    if last.lower() in _QUANTITIES and following == "of":
        return f"ends on {last!r}, cut from its 'of'"
    # "remain a peer a week | before he was ruled unfit": the time is counted from something.
    time = last.lower() in TIME_WORDS | {"weeks", "months", "years", "days"}
    if time and following in _FROM_WHEN and " ".join(tokens[-2:-1]).lower() not in {"all", "same", "first", "last"}:
        return f"ends on {last!r}, cut from {after!r}"
    tags = parts_of_speech(last)
    adjective = last[:1].islower() and "ADJ" in tags and "VERB" not in tags
    if adjective and following.isalpha() and following not in FUNCTION_WORDS and "NOUN" in parts_of_speech(following):
        return f"ends on the adjective {last!r}, cut from {after!r}"
    return None


def cut_subject(headline: str, source: Source) -> str | None:
    """A headline must not end on a subject whose verb was cut.

    Flags a headline when, in the source sentence, a finite auxiliary
    followed its last word, or a finite verb followed with no comma, clause
    opener or "to" between and the headline's last verb is one that takes a
    clause ("confirms", "is aware"): the end opened a clause of its own, and
    the headline keeps that clause's subject without its verb.

    Examples: "Downing Street confirms British troops" from "Downing Street
    has confirmed British troops are on standby"; "Rodgers is aware
    Celtic's visit to Hampden" from "... Celtic's visit to Hampden last
    season ended in defeat."
    """
    rest = _rest(headline, source)
    positions: list[int] = []  # the rest's verbs, read only when a finite form turns up
    cut = None
    for i, token in enumerate(rest[:_SUBJECT_REACH]):
        word = _bare(token).lower()
        if word in _CLAUSE_BREAKS or not token[:1].isalnum():
            return None
        finite = word in AUXILIARIES and word not in NON_FINITE or verb_forms(word) & {"VBD", "VBZ"}
        if finite and i in (positions := positions or verb_positions(rest)):
            cut = i
            break
        if token[-1:] in ",;:":
            return None
    if cut is None:
        return None
    tokens = headline.split()
    if cut > 0:
        # Further on, only after a verb that takes a clause ("is aware", "confirms").
        lowered = [_bare(t).lower() for t in tokens]
        verbs = headline_verbs(tokens, _source_sentence(headline, source))
        words_at = (w for v in verbs[-1:] for w in lowered[v : v + 2])
        if not any(w in _TAKES_CLAUSE or verb_family(w) & _TAKES_CLAUSE for w in words_at):
            return None
    return f"ends on {_bare(tokens[-1])!r}, cut from its verb {_bare(rest[cut])!r}"


# How far after a headline's end its cut verb may come.
_SUBJECT_REACH = 10
# Words after which a verb is no longer that of the headline's last noun.
_CLAUSE_BREAKS = (
    SUBORDINATORS | _CONJUNCTIONS | PRONOUNS | frozenset("to as after before since until unless than like".split())
)
# Verbs that take a clause without "that": "confirms British troops are ...".
_TAKES_CLAUSE = REPORTING_VERBS | frozenset(
    """aware confirm confirms confirmed believe believes believed fear fears feared think thinks thought know knows
    knew hope hopes hoped show shows showed find finds found""".split()
)


def cut_conjunct(headline: str, source: Source) -> str | None:
    """A headline must not end between two names joined by "and", "or" or "&".

    Example: "UK welcomes decision by India" from "The UK has welcomed the
    decision by India and Pakistan to ...".
    """
    ending = _ending(headline, source)
    if ending is None:
        return None
    if ending.following in {"and", "or", "&"} and ending.last[:1].isupper() and ending.then_token[:1].isupper():
        return f"ends on {ending.last!r}, cut from its conjunct {ending.next!r} {ending.then_token!r}"
    return None


# Participles that say nothing without what follows: "accused | of", "seen | laughing".
_WANT_COMPLEMENT = frozenset("accused suspected seen found described considered regarded deemed".split())
# Nouns of quantity: "a set | of", "a series | of".
_QUANTITIES = frozenset(
    "set series number lot range pair couple group list bunch collection host raft string handful".split()
)
_FROM_WHEN = frozenset("before after ago earlier later".split())
# Adjectives that say nothing without their preposition: "young people interested | in politics".
_ADJECTIVE_PREPOSITIONS = {
    "interested": {"in"},
    "involved": {"in"},
    "aware": {"of"},
    "responsible": {"for"},
    "guilty": {"of", "on"},
    "opposed": {"to"},
    "keen": {"on", "to"},
    "committed": {"to"},
    "confident": {"of"},
    "capable": {"of"},
    "critical": {"of"},
    "eligible": {"for"},
    "subject": {"to"},
    "associated": {"with"},
    "same": {"as"},
}
_SUPERLATIVE = re.compile(r"(?:high|low|bigg|larg|small|great|strong|weak|fast|slow)est|most|least|record")
# Nouns of change, whose "in" or "of" phrase says what changed.
_CHANGE_NOUNS = frozenset(
    """increase increases rise rises fall falls drop drops jump jumps cut cuts decline declines surge slump growth
    boost hike hikes reduction reductions gain gains""".split()
)
# "than expected": a comparison with what was expected is the news.
_EXPECTATIONS = frozenset(
    "expected forecast forecasts predicted anticipated hoped feared thought estimated originally previously "
    "planned first".split()
)


# Verbs whose object needs a complement: "left rates | on hold", "put tax cuts | at the heart".
_COMPLEMENT_VERBS = frozenset("leave leaves left keep keeps kept put puts force forces forced".split())
# What such a complement opens with.
_COMPLEMENT_STARTS = frozenset("on at in into under out off aside behind from unchanged intact alone open".split())
# Verbs whose object needs what follows it: "reminds Sterling | of his duty".
_OBJECT_COMPLEMENTS = {
    "remind": frozenset({"of", "that", "about"}),
    "accuse": frozenset({"of"}),
    "warn": frozenset({"of", "that", "about", "against"}),
    "inform": frozenset({"of", "that", "about"}),
    "convince": frozenset({"of", "that"}),
}
_REFLEXIVES = frozenset("himself herself themselves itself myself ourselves yourself".split())
# Verbs whose object needs its "as": "classes Russian bonds | as investment grade".
_AS_VERBS = frozenset(
    """class classes classed classify classifies classified describe describes described brand brands branded
    label labels labelled labeled regard regards regarded view views viewed treat treats treated""".split()
)
_YEAR = re.compile(r"(?:19|20)\d\d")


def cut_complement(headline: str, source: Source) -> str | None:
    """A headline must not end between an object and the complement its verb requires.

    Flags a headline whose last verb is "leave", "keep", "put" or "force" with an
    object after it when, in the source sentence, a complement followed that
    object: a preposition or "unchanged", "intact", "alone", "open"; one
    whose last verb is "class", "describe", "regard" or the like when an
    "as" followed ("classes Russian bonds | as investment grade"); "remind",
    "accuse", "warn" and the like before their preposition ("reminds
    Sterling | of"); "finds himself | in"; and any verb's object before the
    particle of a phrasal verb ("caught drivers | off guard"). A time
    after the object ("left the club | in 2004", "leave early | on 28
    January") is no complement, and a headline that has one is whole.

    Example: "Bank of England left interest rates" from "The Bank of England
    has left interest rates on hold at 4.75%."
    """
    tokens = headline.split()
    verbs = verb_positions(tokens)
    if not verbs or verbs[-1] == len(tokens) - 1:
        return None  # no verb, or the headline ends on it: `dangling_verb`'s case
    verb = _bare(tokens[verbs[-1]])
    lemmas = verb_family(verb.lower()) | {verb.lower()}
    reflexive = _bare(tokens[-1]).lower() in _REFLEXIVES
    if verb.lower() in _AS_VERBS:
        starts = frozenset({"as"})
    elif verb.lower() in _COMPLEMENT_VERBS or reflexive and "find" in lemmas:
        starts = _COMPLEMENT_STARTS  # "finds himself | in court"
    elif lemmas & _OBJECT_COMPLEMENTS.keys():
        starts = frozenset().union(*(_OBJECT_COMPLEMENTS[v] for v in lemmas & _OBJECT_COMPLEMENTS.keys()))
    else:
        starts = PARTICLES  # "caught drivers | off guard", "pull man | out of wreckage"
    if any(_bare(t).lower() in starts for t in tokens[verbs[-1] + 1 :]):
        return None  # it has one: "left rates on hold | at 4.75%"
    after = _continuation(headline, source)
    if after is None:
        return None
    following, then = _bare(after[0]).lower(), _bare(after[1]).lower()
    if following not in starts:
        return None
    if then in TIME_WORDS or _YEAR.fullmatch(then) or (following == "on" and then[:1].isdigit()):
        return None  # a date: "in 2004", "on 28 January"
    return f"ends before the complement of {verb!r}: {after[0]!r}"


def _single_quotes(text: str) -> tuple[int, int, int]:
    """Counts opening, closing and maybe-closing (after an s: "fans'") single quotes."""
    opening = len(re.findall(r"(?:^|(?<=[\s(\[\"]))'(?=[^\W\d_])", text))  # not "'90s"
    closing = len(re.findall(r"(?<=[^\s's(\[])'(?=[\s.,;:!?)\]\"]|$)", text))
    maybe = len(re.findall(r"(?<=s)'(?=[\s.,;:!?)\]\"]|$)", text))
    return opening, closing, maybe


def unbalanced(text: str) -> str | None:
    """Quotation marks and brackets must pair up.

    Double quotes must be even; single quotes that open a word must be
    closed, where "fans'" may close one or be a possessive; each "(" and
    "[" must be closed.

    Example: 'Ferguson called the rivalry with Arsenal "bitter' has an
    unclosed quote.
    """
    if text.count('"') % 2:
        return "unpaired double quote"
    opening, closing, maybe = _single_quotes(text)
    if closing > opening or opening > closing + maybe:
        return "unpaired single quote"
    for left, right in ("()", "[]"):
        if text.count(left) != text.count(right):
            return f"unpaired {left}{right}"
    return None


def pronoun_start(headline: str) -> str | None:
    """A headline must not open on words that lean on what came before.

    Flags a personal or possessive pronoun ("It", "She's", "Their"); "This"
    or its kin, save before a time ("This year"); a conjunction or
    preposition that joins on to an earlier sentence ("But", "And", "So",
    "Of", "Where", "What about", "According to"); a participle clause with
    no subject ("Combined with ...", "Geared towards ..."); a subject pronoun after a
    leading phrase ("In his twenties he battled ..."); a bare age as the
    subject ("28-year-old has been ..."); and a quotation with no one to say
    it ('"Susan will add strength to line-up."').

    Example: "It was pretty impressive"; "Those figures were total of first
    preference votes".
    """
    tokens = [_bare(t).lower() for t in headline.split()]
    if not tokens:
        return None
    if headline[:1] in '"“' and headline.rstrip(".")[-1:] in '"”':
        return "an unattributed quotation"
    first = _CONTRACTION.sub("", tokens[0])
    if first in PRONOUNS or first in _LEANING_STARTS or tokens[:2] == ["what", "about"]:
        return f"starts with {first!r}"
    if first in _DEMONSTRATIVES and (len(tokens) == 1 or tokens[1].removesuffix("'s") not in TIME_WORDS):
        return f"starts with {first!r}"
    if len(tokens) > 1 and participle(first) and tokens[1] in FUNCTION_WORDS - DETERMINERS:
        return f"starts with the participle clause {first!r} {tokens[1]!r}"  # "Combined with ..."
    verbs = verb_positions(headline.split())
    if verbs and first in FUNCTION_WORDS and any(t in _SUBJECT_PRONOUNS for t in tokens[1 : verbs[0]]):
        return f"its subject is a pronoun after {first!r}"
    age = 1 if first == "the" else 0  # "(The) 28-year-old has been"
    if len(tokens) > age and _BARE_AGE.fullmatch(tokens[age]) and verbs and verbs[0] == age + 1:
        return f"its subject is a bare age, {tokens[age]!r}"
    return None


# Openers that join a sentence on to an earlier one.
_LEANING_STARTS = frozenset("but and so yet or nor of where according".split())
_BARE_AGE = re.compile(r"\d+-year-old")


def foreign_words(headline: str, source: Source) -> list[str]:
    """Every word of a headline must be a word of its source.

    A headline word counts when it is a whole source word or a piece of a
    hyphenated or apostrophised one, case aside; "to" for "will" is allowed,
    and so is another form of a source verb ("sues" for "sued": headlines
    tell past events in the present tense). A word glued from two (a cut
    inside "2015-16" or "quarter-finals") is not.

    Example: "Prison Link Cymru had 1,099 referrals-16" from "... 1,099
    referrals in 2015-16" flags "referrals-16".
    """
    return [
        word
        for word in words(normalize(headline))
        if word.lower() not in source.tokens
        and word.lower() not in HEADLINE_STYLE_WORDS
        and not verb_family(word) & source.tokens
    ]


def _overlap(a: Iterable[str], b: Iterable[str]) -> int:
    return len({w.lower() for w in a} & {w.lower() for w in b})


# A clause after a comma that these open is an aside, not the main clause.
_ASIDE_OPENERS = frozenset("where who which when whose".split())


def no_verb(headline: str, source: Source) -> str | None:
    """A headline needs the verb of the sentence it came from.

    The source sentence is the one sharing the most words with the headline;
    its verbs are found by `summarize.grammar.verb_positions` (a verb of a
    "who" or "that" clause, or of a reduced relative, does not count). The
    headline must have a verb, and one of them in some form ("has risen" ->
    "rises"), or the word after a dropped copula ("are concerned" ->
    "concerned").

    The verb must come before an aside opened by ", where", ", who", "-
    who" and the like: a photo caption ("Rhodri Giggs outside court yesterday, where
    he was banned") has its only verb in one.

    Examples: "Black cat who fell sick", from "A black cat who fell sick was
    nursed back to health by ..."; "Half of money put aside by Colombian
    government", from "... is benefiting people who do not need it" (its
    "put" is the relative clause's).
    """
    head = words(headline)
    if not head or not source.sentences:
        return None
    sentence = _source_sentence(headline, source)
    if not verb_positions(sentence):
        return None
    tokens = headline.split()
    verbs = headline_verbs(tokens, sentence, copula=True)
    if not verbs:
        return "no verb of the source sentence's main clause" if has_verb(headline) else "no verb"
    aside = next(
        (
            i
            for i in range(1, len(tokens))
            if (tokens[i - 1].endswith(",") or tokens[i - 1] in {"-", "–", "—"}) and tokens[i].lower() in _ASIDE_OPENERS
        ),
        None,
    )
    if aside and not any(p < aside for p in verbs):
        return f"no verb before ', {tokens[aside]}'"
    return None


_SUBJECT_PRONOUNS = frozenset("he she it they we i".split())
_MODALS = frozenset("to will would can could may might must shall should do does did".split())


# Verbs of reporting that take a clause, not a bare object: "said free
# evening openings" lost a verb, "reports sharp increase" did not. "Tell"
# takes one after its object ("tells voters Lib Dems | to offer ..."), but
# not after "of" or "about" ("tells of shock").
_CLAUSE_REPORTING = frozenset("said says say believes believed insisted insists told tells".split())
_TOLD_OF = frozenset({"of", "about"})
# A clause these open needs a verb of its own: "plays down reports that
# Arjen Robben" was cut before it.
_CLAUSE_OPENERS = SUBORDINATORS - {"when", "if"}


def _clause_verb(clause: list[str]) -> bool:
    """Whether a clause has a verb, a relative clause's included: "(virus
    that) used Google", "(programs that) secretly spy"."""
    bare = [_bare(t) for t in clause]
    first = 1 if len(bare) > 1 and bare[0].endswith("ly") else 0
    word = bare[first] if bare else ""
    relative = word[:1].islower() and (bool(verb_forms(word) & FINITE) or word in AUXILIARIES)
    return relative or bool(verb_positions(clause))


def broken_grammar(headline: str) -> str | None:
    """The traces of a deletion or rewrite gone wrong inside a clause.

    Flags a subject pronoun followed by "to" (the "will" -> "to" rewrite
    applied to a reported clause), a modal, "do" or "to" followed by a word
    that can only be a past tense (an auxiliary dropped before it), a verb
    of reporting whose clause lost its verb, a last clause opened by
    "that", "who", "because" and the like with no verb in it, and a headline
    that opens with "while", "although", "if" and the like and has no main
    clause after the subordinate one, and a lone comma between a subject
    and its auxiliary ("Star of the film, can be seen").

    Examples: "Authorities said they to seize land"; "Tindall wouldn't moved
    any quicker"; "Dr Haddad said free evening openings"; "Kenyon plays down
    reports that Arjen Robben".
    """
    words = headline.split()
    tokens = [_bare(t).lower() for t in words]
    for i, word in enumerate(tokens[:-1]):
        if word in _CLAUSE_REPORTING and tokens[i + 1] not in _TOLD_OF and not verb_positions(words[i + 1 :]):
            return f"{word} ... with no verb after it"
    # "because of a fault" is a preposition, not a clause.
    opener = max(
        (i for i, word in enumerate(tokens[1:-1], 1) if word in _CLAUSE_OPENERS and tokens[i + 1] != "of"),
        default=None,
    )
    # "breaks that rule": a "that" before one common noun is its determiner.
    determiner = opener == len(tokens) - 2 and tokens[opener] == "that" and words[-1][:1].islower()
    if opener is not None and not determiner and not _clause_verb(words[opener + 1 :]):
        return f"{tokens[opener]} ... with no verb after it"
    # "Star of the film Lawrence of Arabia, can be seen": a comma that closes an aside never opened.
    for i, word in enumerate(tokens[1:], 1):
        if words[i - 1].endswith(",") and word in AUXILIARIES and sum(w.endswith(",") for w in words[:i]) % 2:
            return f"a lone comma before {word!r}"
    # "While there is more work to do, Cole": a subordinate clause, then no main one.
    if tokens[0] in LEADING_SUBORDINATORS:
        comma = next((i for i, w in enumerate(words[:-1]) if w.endswith(",")), None)
        if comma is None or not _clause_verb(words[comma + 1 :]):
            return f"{tokens[0]} ... with no main clause after it"
    for first, second in zip(tokens, tokens[1:], strict=False):
        if first in _SUBJECT_PRONOUNS and second == "to":
            return f"{first} {second}"
        base = first[:-3] if first.endswith("n't") else first
        if base in _MODALS or first in {"won't", "can't"}:
            if verb_forms(second) == frozenset({"VBD"}):
                return f"{first} {second}"
    return None


def too_long(headline: str, max_words: int) -> str | None:
    """A headline must not exceed `max_words` words.

    Example: a 13-word headline with max_words=12.
    """
    count = len(headline.split())
    return f"{count} words > {max_words}" if count > max_words else None


def boilerplate(text: str) -> str | None:
    """Page furniture is not news: a byline, a dateline, "Scroll down for
    video", "Click here", a media-player notice, a photo credit or the
    paper's own promotion.

    Example: "By . Sam Webb . PUBLISHED: 10:02 EST" (a byline);
    "Blinken arrived in Kiev. (Photo/Reuters)" (a photo credit); "Kathmandu,
    Nepal (CNN)Rescuers ..." (a dateline); "Sportsmail will be providing you
    with ..." (promotion).
    """
    for name, pattern in BOILERPLATE:
        match = pattern.search(text)
        if match:
            return f"{name}: {match.group().strip()!r}"
    return None


def headline_defects(headline: str, source: Source, max_words: int = 12) -> list[Defect]:
    """Every defect of a headline, by kind (see `HEADLINE_KINDS`).

    Args:
      headline: the headline to check.
      source: the article, from `Source.of`.
      max_words: the headline_words setting it was made under.

    Returns:
      The defects found, in the order of HEADLINE_KINDS; empty if none.
    """
    found = [
        (
            "bad_end",
            bad_end(headline)
            or dangling_verb(headline, source)
            or cut_modifier(headline, source)
            or cut_complement(headline, source)
            or cut_infinitive(headline, source)
            or cut_conjunct(headline, source)
            or cut_subject(headline, source),
        ),
        ("unbalanced", unbalanced(headline)),
        ("pronoun_start", pronoun_start(headline)),
        ("foreign_word", ", ".join(foreign_words(headline, source)) or None),
        ("no_verb", no_verb(headline, source)),
        ("broken_grammar", broken_grammar(headline)),
        ("too_long", too_long(headline, max_words)),
        ("boilerplate", boilerplate(headline)),
    ]
    return [Defect(kind, detail) for kind, detail in found if detail]


# A capitalised sentence opener straight after a word, with no stop between:
# a caption run into the next sentence ("a colleague The cost").
_RUN_ON = re.compile(
    r"\b[A-Za-z][\w'-]*[a-z0-9] (?:The|A|An|He|She|It|They|We|His|Her|Their|But|However|This|These|There|In|On|At|"
    r"After|When|While|As|If|Mr|Mrs|Ms|Dr)\b(?! [A-Z])"
)
# Words after which a capitalised "The"/"A" is the start of a title or name.
_TITLE_CONTEXT = frozenset(
    "of the a to in on at by for from with and or called named titled dubbed said told read reads watch "
    "watched see saw star stars starring film movie show book song album paper newspaper magazine".split()
)


def unfinished(sentence: str) -> str | None:
    """A paragraph's sentences must each end as a sentence.

    Flags a sentence with no terminal mark, and a caption run into the next
    sentence: a word followed, with no stop, by a capitalised sentence opener
    that starts a clause with a verb ("Monday The board met", not "read The
    Times" or "infra-red A rays"), or a heading in capitals followed by one
    ("ANDREW SYMONDS STOPS A STREAKER Thankfully, Benaud was ...").

    Example: "Divorced people retire on less than a colleague The cost of
    divorce is high." (a caption run on).
    """
    if not SENTENCE_END.search(sentence):
        return f"no terminal mark: ...{sentence[-40:]!r}"
    split = caption_split(sentence)
    if split:
        return f"run-on: ...{split[0][-30:]!r} {split[1][:20]!r}..."
    return None


NEAR_DUPLICATE = 0.6


def word_bag(sentence: str) -> frozenset[str]:
    """A sentence's words, lower-cased, for `repeats`."""
    return frozenset(w.lower() for w in words(sentence))


def repeats(bag: frozenset[str], earlier: frozenset[str], threshold: float = NEAR_DUPLICATE) -> bool:
    """True when two sentences' words (see `word_bag`) overlap by at least
    `threshold` of the smaller, with three content words among them."""
    shared = bag & earlier
    smaller = min(len(bag), len(earlier))
    return bool(smaller) and len(shared) / smaller >= threshold and len(shared - STOPWORDS) >= 3


def near_duplicates(sentences: list[str], threshold: float = NEAR_DUPLICATE) -> list[str]:
    """No sentence may repeat an earlier one.

    Two sentences are near-duplicates when the words they share (case aside)
    are at least `threshold` of the shorter one's words, three content words
    among them.

    Example: a caption "Anthony Blinken, US Secretary of State, arrived in
    Kiev ..." and the lede "US Secretary of State Antony Blinken has arrived
    in Kiev ..." share 11 of the caption's 18 words.
    """
    found: list[str] = []
    seen: list[frozenset[str]] = []
    for sentence in sentences:
        bag = word_bag(sentence)
        if any(repeats(bag, earlier, threshold) for earlier in seen):
            found.append(sentence[:60])
        seen.append(bag)
    return found


_QUOTE_OPEN = re.compile(r"^[\"']")


def unattributed_quote(sentence: str) -> bool:
    """True for a sentence that is a quotation with no one to say it: it
    opens on a quote mark and has no verb of reporting ("'It's not about
    me.'"), or it opens one that it never closes."""
    if not _QUOTE_OPEN.match(sentence):
        return False
    if unbalanced(sentence):
        return True
    return not any(w.lower() in REPORTING_VERBS for w in words(sentence))


# Page furniture glued to the front of a sentence by the page's layout.
FURNITURE = re.compile(
    r"^(?:(?:Media playback is (?:not |un)supported on (?:this|your) device|Scroll down for (?:the )?videos?)\s*)+",
    re.IGNORECASE,
)


def strip_furniture(sentence: str) -> str:
    """The sentence without a media-player notice or "Scroll down for video"
    glued to its front."""
    return FURNITURE.sub("", sentence)


# Words that point at a picture: the part of a run-on that holds them is the caption.
_PHOTO_POINTER = re.compile(r"\((?:left|right|centre|center|above|below|top|bottom|pictured|inset)\)|\bpictured\b")


def points_at_picture(text: str) -> bool:
    """True when the text points at a picture: "(left)", "pictured"."""
    return _PHOTO_POINTER.search(text) is not None


# A heading in capitals run into the sentence after it: "ANDREW SYMONDS STOPS A
# STREAKER Thankfully, ...".
_HEADING = re.compile(r"(?:^|\s)(?:[A-Z][A-Z'-]*\s+){2,}[A-Z]{2}[A-Z'-]*\s+(?=[A-Z][a-z])")


def caption_split(sentence: str) -> tuple[str, str] | None:
    """A run-on (see `unfinished`) cut in two at the capitalised opener, or
    None when there is none."""
    heading = _HEADING.search(sentence)
    if heading and has_verb(sentence[heading.end() :]):
        return sentence[: heading.end()].rstrip(), sentence[heading.end() :]
    for match in _RUN_ON.finditer(sentence):
        before = match.group().split(" ")[0].lower()
        rest = sentence[match.start() + len(before) + 1 :]
        # The part after must be a clause of its own: "infra-red A rays, too" is none.
        if before not in _TITLE_CONTEXT and before not in STOPWORDS and has_verb(rest):
            return sentence[: match.start() + len(before)], rest
    return None


def paragraph_defects(paragraph: str) -> list[Defect]:
    """Every defect of a paragraph, by kind (see `PARAGRAPH_KINDS`).

    Args:
      paragraph: the paragraph to check.

    Returns:
      The defects found: one per offending sentence for unfinished and
      boilerplate, one for the whole paragraph for unbalanced.
    """
    sentences = split_sentences(normalize(paragraph))
    found: list[Defect] = []
    for sentence in sentences:
        detail = unfinished(sentence)
        if detail:
            found.append(Defect("unfinished", detail))
    detail = unbalanced(normalize(paragraph))
    if detail:
        found.append(Defect("unbalanced", detail))
    found.extend(Defect("near_duplicate", s) for s in near_duplicates(sentences))
    for sentence in sentences:
        detail = boilerplate(sentence)
        if detail:
            found.append(Defect("boilerplate", detail))
    return found


def rates(per_doc: list[list[Defect]], kinds: tuple[str, ...]) -> dict[str, float]:
    """The share of documents with each kind of defect, and with any ("any").

    Args:
      per_doc: each document's defects.
      kinds: the kinds to report, in order.

    Returns:
      {"any": rate, kind: rate, ...}, each in 0..1.
    """
    n = max(1, len(per_doc))
    out = {"any": sum(bool(d) for d in per_doc) / n}
    for kind in kinds:
        out[kind] = sum(any(x.kind == kind for x in d) for d in per_doc) / n
    return out

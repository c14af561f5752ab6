"""The faithfulness guard: numbers, names and quotations a summary's source does not support.

A generated summary can invent a number, a name or a quotation. The guard
finds each one in an output that its source does not state, after
normalising both sides, so that it fires on invention and not on the ways
people write the same fact:

- numbers are compared as values: "two" = "2", "1.5m" = "1.5 million", and
  "$1.1bn" is "$1.13bn" rounded; a currency must match where both give one
  (`summarize.quantities`, which reads number words with text2num);
- names ignore case at the start of a sentence or in a title-case headline
  when the word is an ordinary English word ("Mixed signals..."), which
  lemminflect's lexicon of English words and their inflections tells
  (MIT, about 1 MB, pure Python);
- places and their demonyms are one fact ("US", "U.S.", "United States",
  "American"), and a place supports the places it lies in ("Welsh" supports
  "British"), by the tables in `summarize.aliases`;
- abbreviations are resolved by a table ("PM", "Utd", "Sat"), by initials
  of names the source spells out ("SEC", "RBS"), and by contractions of the
  source's names ("Man Utd" for "Manchester United");
- possessives, plurals and hyphens are compared by parts ("Britain's",
  "Germans", "Ex-Boeing"), and a surname is supported by the full name
  ("Mertesacker" by "Per Mertesacker");
- quotations must appear word for word (plurals aside), each side of an
  ellipsis or an editor's bracket on its own.

Each item it finds is then put in one of two tiers (`check`):

- conflict: the output says it in place of what the source says at that
  point. Its sentence is otherwise the source's (at least 80% of its other
  content words, as base forms, stand in one window of up to three
  consecutive source sentences), and that window states an item of the same
  kind that the sentence leaves out: another number for a number, another
  name for a name, a quotation for a quotation. "Acme profits rose 15% to
  $1,200m in 2024" against "Acme Corp said profits rose 12% to $1,200m in
  2024" is one: 15% stands where the source has 12%. A quotation whose words
  the source gives in runs, in order, but changed (a word swapped, a "not"
  put in or left out) is one too, wherever it stands.
- unsourced: an addition the source neither states nor contradicts: a
  paraphrase, or background a writer adds. "Acme, based in Ohio, grew" says
  nothing in place of anything the source says, so "Ohio" is unsourced.

Only conflicts make the guard act (`Summarizer._guard`); unsourced items
are noted on the record. On human summaries (faithful by intent) the guard
fires on 1.6% to 4.0% of them, against 5.5% to 68% for any unsupported item,
and it catches about 99% of swapped numbers and names and 84% to 88% of
changed quotations (bench/REPORT.md); the 80% and the window of three were
chosen on those measurements: 60% to 75% fired on 5.3% of CNN/DailyMail
highlights, each an inference its writer made ("85 other ewes" for "86
ewes"). What remains unsourced is mostly real extrinsic information, which
no normalising can find in the article.

The source is indexed once per prepared document: the guard runs on a
headline and a paragraph of the same source, and the index is cached on it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial

from summarize import aliases
from summarize.prepare import STOPWORDS, normalize, prepare, split_sentences, stem, words
from summarize.quantities import Quantity, quantities, supports
from summarize.schema import Document, Prepared, Sentence

__all__ = ["CONFLICT", "UNSOURCED", "Flag", "base_form", "check", "conflicts", "unsupported"]

# Small words that may sit inside a name: "Bank of England", "Vincent van Gogh".
_CONNECTORS = frozenset("of de des del della van von der den da di du la le al el bin ibn y & and".split())
# Initials skip these ("Royal Bank of Scotland" is RBS).
_INITIALS_SKIP = frozenset("of and the for & de van von der".split())
_QUOTE = re.compile(r"(?<!\w)([\"'])(?=\S)(.+?)(?<=\S)\1(?!\w)")
_QUOTE_BREAK = re.compile(r"\.\.\.|\[[^\]]*\]|\([^)]*\)")
_WORD = re.compile(r"[^\W_]+(?:['.\-][^\W_]+)*")
# Positions after which a capital says nothing: a headline's "Obituary: Dame",
# a quotation's first word.
_OPENERS = frozenset(":\"'(")
_CONTRACTION_MAX = 4
# Text tokenised the Penn Treebank way, as CNN/DailyMail highlights and the
# models trained on them write it: "he 's", "`` quoted ''", "-LRB-", "£ 15m".
_TREEBANK = (
    (re.compile(r"-LRB-|-LSB-|-LCB-"), "("),
    (re.compile(r"-RRB-|-RSB-|-RCB-"), ")"),
    (re.compile(r"``\s*|\s*''"), '"'),
    (re.compile(r"(?<!\w)`\s*"), "'"),
    (re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", re.IGNORECASE), r"\1"),
    (re.compile(r"\s+'(?=\s|$)"), "'"),
    (re.compile(r"([£$€¥])\s+(?=\d)"), r"\1"),
    (re.compile(r"\s+([.,;:!?%)])"), r"\1"),
    (re.compile(r"\(\s+"), "("),
)
_MOJIBAKE = re.compile("Â(?=[\u00a0-\u00bf])")
_VOWELS = frozenset("aeiouy")
_HEADLINE_MAX_WORDS = 20
_HONORIFICS = frozenset("mr mrs ms miss mx dr sir dame lord lady prof rev".split())
_NEGATIONS = frozenset("not no never nothing nobody none neither nor n't cannot without".split())
CONFLICT = "conflict"
UNSOURCED = "unsourced"
# The tiers' thresholds, chosen by measurement (see the module docstring).
_WINDOW = 3  # source sentences an output sentence may draw on
_GROUNDED = 0.8  # the share of a sentence's other content words the window must hold
_MISQUOTED = 0.5  # the share of a quotation's words the source gives in runs, in order
_MIN_WORDS = 1  # fewer content words than this place a sentence nowhere
_MIN_QUOTE_WORDS = 3  # a shorter quotation is too short to tell a misquote from another quotation


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    """The comparison key of a word: lower case, no dots, no possessive."""
    word = word.lower().replace(".", "")
    if word.endswith("'s"):
        word = word[:-2]
    return word.rstrip("'")


@lru_cache(maxsize=65536)
def _stems(key: str) -> tuple[str, ...]:
    """The base forms of a folded word, a hyphenated one by its parts ("totting-up")."""
    return tuple(base_form(part) for part in key.split("-") if part)


# Which lemma stands for a word with several: "leaves" is "leave" before "leaf".
_LEMMA_ORDER = ("VERB", "NOUN", "ADJ", "ADV", "AUX", "PROPN")


@lru_cache(maxsize=65536)
def base_form(key: str) -> str:
    """One base form of a folded word, the same for its inflections: its
    lemma where lemminflect knows it ("downsized", "stronger", "children"),
    else a light stem ("Germans")."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(key)
    for pos in _LEMMA_ORDER:
        if pos in lemmas:
            return lemmas[pos][0].lower()
    return stem(key)


@lru_cache(maxsize=65536)
def _common(word: str) -> bool:
    """Whether `word` (lower case) is an ordinary English word, not only a name."""
    from lemminflect import getAllLemmas  # imported late: it loads its tables on first use

    return bool(getAllLemmas(word))


def _ordinary(word: str) -> bool:
    """Whether a capitalised `word` may be an ordinary word capitalised by its place."""
    key = _fold(word)
    if _is_acronym(word):
        return len(key) > 3 and _common(key)  # "CLICK HERE", not "NHS"
    return _common(key) or all(_common(part) for part in key.split("-") if part)


def _initials(run: Sequence[str]) -> Iterable[str]:
    """Initials of a name, with and without its small words, and of each
    stretch of three to six of its words ("Royal Bank of Scotland": RBS, RBOS, BOS...)."""
    for start in range(len(run)):
        for end in range(start + 2, min(len(run), start + 6) + 1):
            if end - start == 2 and (start, end) != (0, len(run)):
                continue  # two letters fit too many pairs of words: only a two-word name's own
            part = run[start:end]
            yield "".join(w[0] for w in part).lower()
            yield "".join(w[0] for w in part if w.lower() not in _INITIALS_SKIP).lower()


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    if letters.endswith("s") and letters[:-1].isupper():  # "MPs"
        letters = letters[:-1]
    return len(letters) >= 2 and letters.isupper()


@dataclass
class _Index:
    """What the guard needs to know about one source, built once."""

    keys: set[str]  # folded words and their stems, hyphen parts, joined names
    capitals: set[str]  # folded words the source writes with a capital
    names: dict[str, list[str]]  # first letter -> folded capitalised words
    initials: set[str]
    places: frozenset[str]
    numbers: list[Quantity]
    phrase: str  # " stem stem ... ": the source's words in order
    tokens: list[str]  # the same stems, as a list
    positions: dict[str, list[int]]  # stem -> where it stands in `tokens`
    sentences: list[dict[str, set[bool]]]  # each sentence's stems, and whether each stands negated
    where: dict[str, list[int]]  # stem -> the sentences that hold it
    spans: list[tuple[int, int]]  # each sentence's first and one-past-last character in the text
    texts: list[str]  # each sentence as written
    sequences: list[list[str]]  # each sentence's stems, in order
    lemmas: set[str] | None = None  # every lemma of every word, made when first needed
    named: list[list[tuple[str, ...]]] | None = None  # each sentence's names, folded, made when first needed


def _build(text: str, tokens: Sequence[str], sentences: Sequence[Sentence]) -> _Index:
    keys: set[str] = set()
    capitals: set[str] = set()
    names: dict[str, set[str]] = {}
    initials: set[str] = set()
    places: set[str] = set()
    stems: list[str] = []
    run: list[str] = []
    content: list[str] = []

    def close_run() -> None:
        while run and run[-1].lower() in _CONNECTORS:
            run.pop()
        if len(run) > 1:
            initials.update(_initials(run))
            keys.add("".join(_fold(w) for w in run))  # "Time Warner" = "TimeWarner"
        run.clear()

    end = 0
    for i, token in enumerate(tokens):
        start = text.find(token, end)
        if start < 0:  # not found as written: keep going from where we are
            start = end
        elif text[end:start].strip():
            close_run()  # punctuation ends a name: "Los Angeles. France's Mauresmo"
        end = start + len(token)
        key = _fold(token)
        stems.extend(_stems(key))
        keys.update((key, base_form(key)))
        if "-" in key:
            keys.update(key.split("-"))
            keys.add(key.replace("-", ""))
        if _is_capitalised(token):
            capitals.add(key)
            if _is_acronym(token) and key.endswith("s"):
                capitals.add(key[:-1])  # "MPs"
            names.setdefault(key[:1], set()).add(key)
            places.update(aliases.place_length(tokens, i)[1])
            run.append(token)
        elif run and token.lower() in _CONNECTORS:
            run.append(token)
        else:
            close_run()
        # Initials of lower-case phrases: "chief executive officer" is CEO.
        if key in STOPWORDS:
            content.clear()
        else:
            content.append(key)
            if len(content) >= 3:
                initials.update("".join(w[0] for w in content[-n:]) for n in range(3, min(len(content), 5) + 1))
    close_run()
    sentence_stems: list[dict[str, set[bool]]] = []
    sequences: list[list[str]] = []
    for sentence in sentences:
        sentence_tokens = [s for w in words(sentence.text) for s in _stems(_fold(w))]
        sequences.append(sentence_tokens)
        polarity: dict[str, set[bool]] = {}
        for at, item in enumerate(sentence_tokens):
            polarity.setdefault(item, set()).add(_negated(sentence_tokens, at))
        sentence_stems.append(polarity)
    positions: dict[str, list[int]] = {}
    for at, item in enumerate(stems):
        positions.setdefault(item, []).append(at)
    where: dict[str, list[int]] = {}
    for number, group in enumerate(sentence_stems):
        for item in group:
            where.setdefault(item, []).append(number)
    return _Index(
        keys=keys,
        capitals=capitals,
        names={letter: sorted(group) for letter, group in names.items()},
        initials=initials,
        places=aliases.broaden(frozenset(places)),
        numbers=quantities(text),
        phrase=" " + " ".join(stems) + " ",
        tokens=stems,
        positions=positions,
        sentences=sentence_stems,
        where=where,
        spans=[(sentence.start, sentence.end) for sentence in sentences],
        texts=[sentence.text for sentence in sentences],
        sequences=sequences,
    )


@lru_cache(maxsize=16)
def _prepared(text: str) -> Prepared:
    return prepare(Document("source", text))


def _index(source: Prepared | str) -> _Index:
    """The source's index, built once per prepared document and kept in its cache."""
    if isinstance(source, str):
        source = _prepared(source)
    index = source.cache.get("faithfulness")
    if index is None:
        index = _build(source.text, source.words, source.sentences)
        source.cache["faithfulness"] = index
    return index


def _contraction(short: str, long: str) -> bool:
    """Whether `short` abbreviates `long`: its start ("Man", "Manchester"), or
    its first letter and some of its consonants, in order ("Utd", "United")."""
    if len(short) < 3 or len(short) >= len(long) or short[0] != long[0]:
        return False
    if long.startswith(short):
        return True
    if any(letter in _VOWELS for letter in short[1:]):
        return False
    rest = iter(long)
    return all(letter in rest for letter in short)


def _abbreviation_supported(key: str, index: _Index) -> bool:
    expansions = aliases.ABBREVIATIONS.get(key, ())
    return any(" " + " ".join(base_form(w) for w in e.split()) + " " in index.phrase for e in expansions)


def _word_supported(word: str, index: _Index, abbreviated: bool) -> bool:
    """Whether the source supports one capitalised word of a name."""
    key = _fold(word)
    if _is_acronym(word):
        plain = key[:-1] if key.endswith("s") and word[-1] == "s" else key
        if {key, plain} & (index.capitals | index.initials):
            return True
        return _abbreviation_supported(key, index)
    if key in index.keys or base_form(key) in index.keys:
        return True
    if len(key) == 1:
        return key in index.names  # an initial: "George W Bush"
    if "-" in key:
        parts = [p for p in word.split("-") if p]
        if all(not _is_capitalised(p) or _word_supported(p, index, False) for p in parts):
            return True
    if _abbreviation_supported(key, index):
        return True
    if abbreviated or len(key) <= _CONTRACTION_MAX:
        return any(_contraction(key, name) for name in index.names.get(key[:1], ()))
    return False


@dataclass
class _Word:
    text: str
    loose: bool  # its capital may only mark a sentence start or a title-case line
    joined: bool  # only spaces part it from the word before, which is no possessive


def _output_words(text: str | Sequence[str]) -> list[list[_Word]]:
    """The words of a text (or of its sentences), sentence by sentence, each
    marked where its capital means nothing."""
    sentences = []
    for sentence in split_sentences(text) if isinstance(text, str) else text:
        found: list[_Word] = []
        end = 0
        for match in _WORD.finditer(sentence):
            before = sentence[: match.start()].rstrip()
            loose = not before or before[-1] in _OPENERS or before.endswith("...")
            # A full stop kept on a word marks an abbreviation ("Corp.").
            dotted = sentence[match.end() : match.end() + 1] == "." and match.end() + 1 < len(sentence)
            word = match.group() + ("." if dotted else "")
            gap = sentence[end : match.start()]
            joined = bool(found) and (not gap.strip() or gap.strip() == ".") and not found[-1].text.endswith("'s")
            found.append(_Word(word, loose, joined))
            end = match.end()
        long_words = [w for w in found if not w.loose and len(w.text) > 3 and w.text.isalpha()]
        if len(long_words) >= 3 and all(_is_capitalised(w.text) for w in long_words):
            for each in found:  # A Title Case Headline
                each.loose = True
        sentences.append(found)
    return sentences


def _name_spans(sentence: list[_Word]) -> Iterable[list[_Word]]:
    """Runs of capitalised words, with small connecting words inside."""
    span: list[_Word] = []
    for i, word in enumerate(sentence):
        following = sentence[i + 1].text if i + 1 < len(sentence) else ""
        if span and not word.joined:
            yield from _trimmed(span)  # "Paris, France" is two names
            span = []
        if _fold(word.text) in ("no", "nos") and following[:1].isdigit():
            yield from _trimmed(span)  # "No 1", "No. 10": a number, not a name
            span = []
        elif _is_capitalised(word.text) and not word.text[:1].isdigit():
            span.append(word)
        elif span and word.text.lower() in _CONNECTORS:
            span.append(word)
        else:
            yield from _trimmed(span)
            span = []
    yield from _trimmed(span)


def _trimmed(span: list[_Word]) -> Iterable[list[_Word]]:
    while span and not _is_capitalised(span[-1].text):
        span = span[:-1]
    if span:
        yield span


def _span_unsupported(span: list[_Word], index: _Index) -> list[str]:
    """The unsupported stretches of one name."""
    status: list[bool] = [True] * len(span)
    texts = [w.text.rstrip(".") for w in span]
    if len(texts) > 1 and "".join(_fold(t) for t in texts) in index.keys:
        return []  # "Time Warner" for "TimeWarner"
    i = 0
    while i < len(span):
        word = span[i]
        if not _is_capitalised(word.text):  # a connector
            i += 1
            continue
        length, found = aliases.place_length(texts, i)
        if length:
            ok = bool(found & index.places) or all(_word_supported(t, index, False) for t in texts[i : i + length])
            status[i : i + length] = [ok] * length
            i += length
        else:
            if _fold(word.text) in _HONORIFICS or _fold(word.text) in STOPWORDS:
                pass  # "Sir Bobby Robson" is Bobby Robson; "An", "Where" name nothing alone
            elif not _word_supported(word.text, index, word.text.endswith(".")):
                status[i] = (word.loose or _is_acronym(word.text)) and _ordinary(word.text)
            i += 1
    out: list[str] = []
    stretch: list[str] = []
    for word, ok in zip(span, status, strict=True):
        if ok:
            if stretch:
                out.append(" ".join(stretch))
            stretch = []
        else:
            stretch.append(word.text.rstrip("."))
    if stretch:
        out.append(" ".join(stretch))
    return out


def _is_negation(stemmed: str) -> bool:
    return stemmed in _NEGATIONS or stemmed.endswith("n't")


def _negated(tokens: Sequence[str], at: int) -> bool:
    """Whether a negation stands between `tokens[at]` and the content word before it."""
    for token in reversed(tokens[max(0, at - 4) : at]):
        if _is_negation(token):
            return True
        if token not in STOPWORDS:
            return False
    return False


def _polarity_kept(tokens: Sequence[str], negated_in_source: Callable[[str, bool], bool]) -> bool:
    """Whether each content word the quotation negates (or not) the source
    also negates (or not): "will sell" is not "will not sell"."""
    return all(
        negated_in_source(token, _negated(tokens, at))
        for at, token in enumerate(tokens)
        if token not in STOPWORDS and not _is_negation(token)
    )


def _quote_supported(quote: str, index: _Index) -> bool:
    """Whether the source says what `quote` quotes.

    Word for word (plurals aside) always will do. So will a quotation whose
    words all stand within three sentences of the source, as long as what it
    negates the source negates too, and what it does not, not: a writer may
    trim or reorder what was said, but "not" put in or left out changes it.
    """
    fragments = [[s for w in _WORD.findall(part) for s in _stems(_fold(w))] for part in _QUOTE_BREAK.split(quote)]
    if all(" " + " ".join(f) + " " in index.phrase for f in fragments if f):
        return True
    needed = {w for f in fragments for w in f if w not in STOPWORDS and not _is_negation(w)}
    if not needed:
        return False
    rarest = min(needed, key=lambda w: len(index.where.get(w, ())))
    for number in index.where.get(rarest, ()):
        window: dict[str, set[bool]] = {}
        for sentence in index.sentences[max(0, number - 1) : number + 2]:
            for item, polarity in sentence.items():
                window.setdefault(item, set()).update(polarity)
        if needed <= window.keys() and all(_polarity_kept(f, _within(window)) for f in fragments):
            return True
    return False


def _within(window: dict[str, set[bool]]) -> Callable[[str, bool], bool]:
    """Whether a word stands in `window` negated (or not) as asked."""
    return lambda token, negated: negated in window[token]


def _is_headline(text: str) -> bool:
    """A short line with no final full stop, question or exclamation mark."""
    short = "\n" not in text and len(text.split()) <= _HEADLINE_MAX_WORDS
    return short and text.rstrip("\"')] ")[-1:] not in (".", "!", "?")


@lru_cache(maxsize=65536)
def _lemmas(word: str) -> frozenset[str]:
    from lemminflect import getAllLemmas

    key = _fold(word)
    return frozenset({key} | {lemma.lower() for lemmas in getAllLemmas(key).values() for lemma in lemmas})


def _claim_word_found(word: str, index: _Index) -> bool:
    assert index.lemmas is not None
    key = _fold(word)
    if _lemmas(key) & index.lemmas or base_form(key) in index.keys:
        return True
    parts = [p for p in key.split("-") if p]
    return len(parts) > 1 and all(_claim_word_found(p, index) for p in parts)


def _claim_supported(claim: str, index: _Index) -> bool:
    """Whether a headline's single-quoted claim is about what the source says.

    British headlines put a reported claim in single quotes without quoting
    it word for word ("Firm 'set to sell film unit'"). Its names and numbers
    are checked like the rest of the headline; here at least half of its
    other words, as lemmas ("left" is "leave"), must be the source's, and
    what it negates the source must negate.
    """
    if _quote_supported(claim, index):
        return True
    if index.lemmas is None:
        index.lemmas = {lemma for key in index.keys for lemma in _lemmas(key)}
    content = [w for w in _WORD.findall(claim) if _fold(w) not in STOPWORDS]
    found = sum(_claim_word_found(w, index) for w in content)
    stems = [s for w in _WORD.findall(claim) for s in _stems(_fold(w))]
    return 2 * found >= len(content) > 0 and _polarity_kept(stems, partial(_anywhere, index))


def _anywhere(index: _Index, token: str, negated: bool) -> bool:
    """Whether the source has `token` negated (or not) as asked, or lacks it."""
    return token not in index.positions or any(_negated(index.tokens, p) == negated for p in index.positions[token])


def _number_unsupported(claim: Quantity, text: str, index: _Index) -> bool:
    if claim.spelled:
        if claim.value <= (2 if claim.text.lower() in ("first", "second") else 1):
            return False  # "one of", "the first": too idiomatic to be a claim
        before = text[: claim.start].rstrip()
        if claim.text[:1].isupper() and before and before[-1] not in ".!?:\"'(":
            return False  # "League Two", "Channel Four": part of a name
    return not any(supports(source, claim) for source in index.numbers)


def _readable(output: str) -> str:
    """The output normalised, and read as plain text when it is tokenised the Treebank way."""
    # UTF-8 read as Latin-1 writes U+00A0 to U+00BF as "Â" and the character
    # ("Â£1.6m"): the "Â" is no word of the summary's.
    text = _MOJIBAKE.sub("", normalize(output))
    if " '" in text or "``" in text or "-LRB-" in text or " ." in text:
        for pattern, replacement in _TREEBANK:
            text = pattern.sub(replacement, text)
    return text


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of `text` starts and ends."""
    spans: list[tuple[int, int]] = []
    at = 0
    for sentence in split_sentences(text):
        start = text.find(sentence, at)
        if start < 0:  # not as written (never seen): the rest of the text stands for it
            start = at
        at = max(at, start + len(sentence))
        spans.append((start, at))
    return spans or [(0, len(text))]


@dataclass(frozen=True)
class Flag:
    """One number, name or quotation of an output that its source does not support.

    Attributes:
      text: the item as the output writes it.
      kind: "number", "name" or "quote".
      tier: "conflict" when the output says it in place of what the source
        says at that point; "unsourced" when it adds what the source neither
        states nor contradicts.
      source: for a conflict, the number, name or quotation the source
        states there and the output leaves out, when there is one.
    """

    text: str
    kind: str
    tier: str
    source: str | None = None  # for a conflict: the source's item in its place, where one was found

    @property
    def conflict(self) -> bool:
        """Whether the guard acts on this flag (see `Summarizer._guard`)."""
        return self.tier == CONFLICT


@dataclass(frozen=True)
class _Alignment:
    """Where an output sentence stands in the source, found by its content words."""

    coverage: float  # the share of those words that the best windows of source sentences hold
    windows: list[tuple[int, int]]  # those windows (first sentence, one past the last), equally good
    words: int  # how many content words there were to align


def _content_stems(text: str) -> set[str]:
    """The base forms of a text's content words: no stopwords, negations or numbers."""
    found: set[str] = set()
    for word in _WORD.findall(text):
        if any(c.isdigit() for c in word):
            continue  # numbers are compared as values, not as words
        key = _fold(word)
        if key in STOPWORDS or _is_negation(key) or len(key) < 2:
            continue
        found.update(s for s in _stems(key) if s not in STOPWORDS)
    return found


def _align(stems: set[str], index: _Index) -> _Alignment:
    """The windows of up to `_WINDOW` consecutive source sentences that hold
    most of `stems`, each as short as it can be."""
    if not stems:
        return _Alignment(0.0, [], 0)
    hits: dict[int, set[str]] = {}
    for item in stems:
        for number in index.where.get(item, ()):
            hits.setdefault(number, set()).add(item)
    best: dict[tuple[int, int], int] = {}
    for start in hits:  # a best window can always start and end on a sentence with hits
        held: set[str] = set()
        for size in range(1, _WINDOW + 1):
            if start + size - 1 in hits:
                held |= hits[start + size - 1]
                best[(start, start + size)] = len(held)
    most = max(best.values(), default=0)
    windows = sorted(w for w, found in best.items() if found == most)
    # A window that holds no more than a shorter one inside it adds only sentences.
    windows = [w for w in windows if not any(o != w and w[0] <= o[0] and o[1] <= w[1] for o in windows)]
    return _Alignment(most / len(stems), windows, len(stems))


def _names_of(sentences: Sequence[str]) -> list[list[tuple[str, ...]]]:
    """Per sentence, its names, each as its folded words (capitals that a
    sentence start or a title case explains, honorifics and small words left out)."""
    named: list[list[tuple[str, ...]]] = []
    for sentence in _output_words(sentences):
        spans = []
        for span in _name_spans(sentence):
            keys = tuple(
                _fold(w.text)
                for w in span
                if _is_capitalised(w.text)
                and _fold(w.text) not in _HONORIFICS | STOPWORDS
                and not (w.loose and _ordinary(w.text))
            )
            if keys:
                spans.append(keys)
        named.append(spans)
    return named


def _sentence_names(index: _Index) -> list[list[tuple[str, ...]]]:
    """Per source sentence, its names (see `_names_of`), made once."""
    if index.named is None:
        index.named = _names_of(index.texts)
    return index.named


def _rival_number(context: str, window: tuple[int, int], index: _Index) -> str | None:
    """A number of the source window that no number of the output sentence gives."""
    low, high = index.spans[window[0]][0], index.spans[window[1] - 1][1]
    claims = quantities(context)
    for number in index.numbers:
        if not low <= number.start < high or (number.spelled and number.value <= 1):
            continue
        # Each number of the output accounts for one of the source's: "2-1"
        # does not account for a "two" beside it as well.
        match = next((c for c in claims if supports(number, c) or supports(c, number)), None)
        if match is None:
            return number.text
        claims.remove(match)
    return None


def _writes(written: tuple[str, ...], name: tuple[str, ...]) -> bool:
    """Whether a name of the output stands for a name of the source: the same
    words, some of them ("ten Hag" for "Erik ten Hag"), or its initials."""
    shorter, longer = sorted((set(written), set(name)), key=len)
    if shorter <= longer:
        return True
    return len(name) > 1 and len(written) == 1 and written[0] == "".join(k[0] for k in name)


def _rival_name(context: str, window: tuple[int, int], index: _Index) -> str | None:
    """A name of the source window that the output sentence does not write."""
    written = [span for sentence in _names_of([context]) for span in sentence]
    source = [span for number in range(*window) for span in _sentence_names(index)[number]]
    # Each name of the output accounts for one of the source's, the same name
    # before a shorter or longer form of it: "Nicole Randock" does not account
    # for an "Alexis Randock" beside her as well.
    left = []
    for name in source:
        if name in written:
            written.remove(name)
        else:
            left.append(name)
    for name in left:
        match = next((w for w in written if _writes(w, name)), None)
        if match is None:
            return " ".join(key.title() for key in name)  # folded: shown in title case
        written.remove(match)
    return None


def _rival(kind: str, context: str, windows: list[tuple[int, int]], index: _Index) -> str | None:
    """An item of the same kind that an aligned source window states and the
    output sentence leaves out: what the source says in the flagged item's place.

    Args:
      kind: "number", "name" or "quote".
      context: the output sentence holding the flagged item.
      windows: the aligned source windows (equally good).
      index: the source's index.
    """
    for window in windows:
        if kind == "number":
            found = _rival_number(context, window, index)
        elif kind == "name":
            found = _rival_name(context, window, index)
        else:
            text = " ".join(index.texts[window[0] : window[1]])
            match = _QUOTE.search(text)
            found = match.group() if match else ('"' if '"' in text else None)
        if found is not None:
            return found
    return None


def _misquoted(quote: str, index: _Index) -> float:
    """The share of a quotation's words that stand in runs of two or more, in
    its order, in one window of the source: near 1 for a quotation with a word
    changed or a "not" put in, near 0 for one the source never gives."""
    tokens = [s for w in _WORD.findall(quote) for s in _stems(_fold(w))]
    if len(tokens) < _MIN_QUOTE_WORDS:
        return 0.0
    best = 0
    for start, end in _align(set(tokens) - STOPWORDS, index).windows or [(0, 0)]:
        source = [token for sentence in index.sequences[start:end] for token in sentence]
        matcher = difflib.SequenceMatcher(None, source, tokens, autojunk=False)
        best = max(best, sum(block.size for block in matcher.get_matching_blocks() if block.size >= 2))
    return best / len(tokens)


def _classify(kind: str, item: str, context: str, index: _Index) -> tuple[str, str | None]:
    """An unsupported item's tier, and what the source says in its place (for a conflict found so).

    A conflict: a quotation whose words the source gives in order, changed;
    or an item whose sentence is otherwise the source's (`_GROUNDED` of its
    other content words in one window of sentences) where that window states
    an item of the same kind that the sentence leaves out.
    """
    if kind == "quote" and _misquoted(item, index) >= _MISQUOTED:
        return CONFLICT, None
    sentence = _align(_content_stems(context) - _content_stems(item), index)
    if sentence.coverage >= _GROUNDED and sentence.words >= _MIN_WORDS:
        rival = _rival(kind, context, sentence.windows, index)
        if rival is not None:
            return CONFLICT, rival
    return UNSOURCED, None


def _items(text: str, index: _Index) -> list[tuple[str, str, str]]:
    """The unsupported items of normalised output text, each as (item, kind, its sentence)."""
    spans = _sentence_spans(text)

    def context(start: int, end: int) -> str:
        held = [(a, b) for a, b in spans if a < max(end, start + 1) and b > start]
        return text[held[0][0] : held[-1][1]] if held else text

    found: list[tuple[str, str, str]] = []
    for claim in quantities(text):
        if _number_unsupported(claim, text, index):
            found.append((claim.text, "number", context(claim.start, claim.start + len(claim.text))))
    sentences = [text[a:b] for a, b in spans]
    for sentence, words_of in zip(sentences, _output_words(sentences), strict=True):
        for span in _name_spans(words_of):
            for item in _span_unsupported(span, index):
                found.append((item, "name", sentence))
    headline = _is_headline(text)
    for match in _QUOTE.finditer(text):
        if headline and match.group(1) == "'":
            supported = _claim_supported(match.group(2), index)
        else:
            supported = _quote_supported(match.group(2), index)
        if not supported:
            found.append((match.group(), "quote", context(match.start(), match.end())))
    return found


def check(output: str, source: Prepared | str) -> list[Flag]:
    """The numbers, names and quotations in `output` that `source` does not support, each with its tier.

    Args:
      output: a generated headline or paragraph.
      source: the prepared document it summarises (its text, words and
        sentences are read), or the article as a string, prepared here.

    Returns:
      One flag per unsupported item as written, in order (numbers, then
      names, then quotations); an item written twice is a conflict if
      either place is one.
    """
    index = _index(source)
    text = _readable(output)
    found: dict[str, Flag] = {}
    for item, kind, context in _items(text, index):
        if item in found and found[item].conflict:
            continue
        tier, instead = _classify(kind, item, context, index)
        found[item] = Flag(item, kind, tier, instead)
    return list(found.values())


def conflicts(output: str, source: Prepared | str) -> list[str]:
    """The items of `output` that say something other than `source` says at that point (see `check`)."""
    return [flag.text for flag in check(output, source) if flag.conflict]


def unsupported(output: str, source: Prepared | str) -> list[str]:
    """Lists the numbers, names and quotations in `output` that `source` does not support.

    Both tiers: conflicts and unsourced additions (see `check`).

    Args:
      output: a generated headline or paragraph.
      source: the prepared document it summarises, or the article as a string.

    Returns:
      The unsupported items as written, in order (numbers, then names, then
      quotations), without repeats.
    """
    return [flag.text for flag in check(output, source)]

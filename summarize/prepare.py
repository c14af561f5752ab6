"""The preparation stage: normalisation, sentence splitting and word tokenising.

This is the only module that splits text. Every engine, the evaluator and the
anchors in the benchmark take their sentences and words from here, so that a
change to splitting shows up everywhere at once.

The splitter is rule based. pysbd is as accurate on news text but costs about
30 ms per CNN article; this one costs well under 1 ms (see `make bench`), and
`tests/test_text.py` holds the table of hard cases it must get right.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from summarize.schema import Document, Prepared, Sentence
from summarize.webpage import read_page

__all__ = [
    "MAX_PREPARED_SENTENCES",
    "content_terms",
    "iter_sentences",
    "normalize",
    "prepare",
    "split_sentences",
    "stem",
    "strip_dateline",
    "word_count",
    "words",
]

# A sentence longer than this is almost certainly text without punctuation;
# it is cut into pieces of this many words so that ranking still works.
MAX_SENTENCE_WORDS = 80

_CHAR_MAP: dict[str, str] = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2212": "-",
    "\u2014": " - ",
    "\u2015": " - ",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\r": "\n",
}
# One pass each: characters to map (control characters become spaces), line
# breaks with the blanks around them, and runs of other whitespace. Regexes
# with rare matches are several times faster here than str.translate.
_SPECIAL = re.compile("[" + "".join(_CHAR_MAP) + r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BREAKS = re.compile(r"[ \t\f\v]*\n[ \t\f\v\n]*")
_BLANKS = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")


def normalize(text: str) -> str:
    """Normalises whitespace, quotes and dashes.

    Paragraph breaks survive as a blank line; every other run of whitespace
    becomes one space.
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _SPECIAL.sub(lambda m: _CHAR_MAP.get(m.group(), " "), text)
    # Both patterns are tried at every blank; most articles need neither.
    if "\n" in text:
        text = _BREAKS.sub(lambda m: "\n\n" if m.group().count("\n") > 1 else "\n", text)
    if "  " in text or "\t" in text or "\f" in text or "\v" in text:
        text = _BLANKS.sub(" ", text)
    return text.strip()


# Titles before a name: a full stop after them never ends a sentence.
_TITLES = frozenset(
    "mr mrs ms dr prof st sen rep gov gen col lt sgt capt cmdr adm rev hon pres supt det insp "
    "maj cpl pte fr sr jr messrs mme mlle".split()
)
# Abbreviations that may also end a sentence: we split after them only when
# the next word is a typical sentence opener ("in the U.S. The ...").
_ABBREVIATIONS = frozenset(
    "jan feb mar apr jun jul aug sep sept oct nov dec no nos vs etc inc ltd co corp bros plc llc "
    "approx dept est fig mt ft pp vol ca cf al av ave blvd rd univ assn govt intl natl op e.g i.e "
    "a.m p.m u.s u.k u.n u.s.a e.u d.c".split()
)
_OPENERS = frozenset(
    "the a an he she it they we i you his her its their our this that these those there but and "
    "so yet in on at after before when while as if however meanwhile now then still also some "
    "many most one two three mr mrs ms dr police officials".split()
)
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")
_BOUNDARY = re.compile(r"(\.\.\.|[.!?]+)([\"')\]]*)(\s+)")
_NEXT_WORD = re.compile(r"[\"'(\[]*([^\s\"'(\[]*)")


def _is_boundary(block: str, match: re.Match[str]) -> bool:
    """Decides whether the punctuation in `match` ends a sentence."""
    # The first character of the next word settles most cases; a regex only
    # runs for the few that need the whole word.
    end = i = match.end()
    while i < len(block) and block[i] in "\"'([":
        i += 1
    if i == len(block) or block[i].isspace() or block[i].islower():
        return False
    punct = match.group(1)
    if punct != ".":
        return True
    start = block.rfind(" ", 0, match.start()) + 1
    prev = block[start : match.start()].lstrip("\"'([").lower()
    if prev in _TITLES:
        return False
    if len(prev) == 1 and prev.isalpha():
        return False  # an initial, as in "J. K. Rowling"
    if prev in _ABBREVIATIONS or _INITIALS.match(prev):
        if match.group(2):
            return True  # a closing quote or bracket after the stop ends it
        next_word = _NEXT_WORD.match(block, end).group(1)  # type: ignore[union-attr]
        return next_word.lower().strip(",") in _OPENERS
    return True


def _split_block(block: str) -> Iterator[str]:
    start = 0
    for match in _BOUNDARY.finditer(block):
        if _is_boundary(block, match):
            sentence = block[start : match.start(3)].strip()
            if sentence:
                yield sentence
            start = match.end()
    tail = block[start:].strip()
    if tail:
        yield tail


_TERMINAL_CHARS = frozenset(".!?:;\"')]")


def _blocks(text: str) -> Iterator[str]:
    """Yields paragraphs; a short line without final punctuation (a title,
    a byline, a subheading) is a block of its own."""
    for paragraph in text.split("\n\n"):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        pending: list[str] = []
        for line in lines:
            if not pending and line[-1] not in _TERMINAL_CHARS and line.count(" ") < 12:
                yield line
                continue
            pending.append(line)
        if pending:
            yield " ".join(pending)


def _cut_long(sentence: str) -> Iterator[str]:
    tokens = sentence.split(" ")
    for i in range(0, len(tokens), MAX_SENTENCE_WORDS // 2):
        yield " ".join(tokens[i : i + MAX_SENTENCE_WORDS // 2])


def iter_sentences(text: str) -> Iterator[str]:
    """Lazily splits normalised text into sentences, in document order.

    Lazy, so that a caller that needs only the first N sentences of a 20 MB
    file pays only for those.
    """
    for block in _blocks(text):
        for sentence in _split_block(block):
            if sentence.count(" ") < MAX_SENTENCE_WORDS:
                yield sentence
            else:
                yield from _cut_long(sentence)


def split_sentences(text: str) -> list[str]:
    """Splits normalised text into sentences.

    Args:
      text: text from `normalize`.

    Returns:
      The sentences, in document order, each stripped.
    """
    return list(iter_sentences(text))


_DATELINES = (
    # "KIEV (Reuters) - ", "LONDON, England (CNN) -- ", "WASHINGTON: "
    re.compile(r"^[A-Z][A-Z.'\- ]{1,30}(?:,\s*[A-Z][A-Za-z.\- ]{1,30})?\s*(?:\([^)]{1,30}\))?\s*(?:--|-|:)\s+"),
    # "(CNN)", "(CNN) -- ", "(Reuters) - "
    re.compile(r"^\([A-Za-z .]{2,30}\)\s*(?:--|-)?\s*"),
)


def strip_dateline(sentence: str) -> str:
    """Removes a leading news dateline such as "KIEV (Reuters) - "."""
    for pattern in _DATELINES:
        stripped = pattern.sub("", sentence, count=1)
        if stripped != sentence and stripped:
            return stripped
    return sentence


_WORD = re.compile(r"[^\W_]+(?:['.\-][^\W_]+)*")


def words(text: str) -> list[str]:
    """Tokenises text into words, keeping case ("U.S", "1.13bn", "don't")."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    """Returns the number of whitespace-separated words."""
    return len(text.split())


STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself said says say told tell mr mrs ms s t""".split()
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix-stripping stemmer: cheap, and enough to match
    "profits" with "profit" when comparing sentences."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3:
        return w
    for suffix, repl, min_len in (
        ("ies", "y", 5),
        ("sses", "ss", 5),
        ("ing", "", 6),
        ("ed", "", 5),
        ("es", "", 5),
        ("s", "", 4),
    ):
        if w.endswith(suffix) and len(w) >= min_len and not (suffix == "s" and w.endswith("ss")):
            return w[: len(w) - len(suffix)] + repl
    return w


# Lower-cased word -> its stem, or "" for a stopword. A plain dict read through
# map/filter keeps the per-word work in C: this is the engine's hottest loop.
_TERMS: dict[str, str] = {}
_TERMS_MAX = 500_000


def content_terms(sentence: str) -> list[str]:
    """Returns the stemmed, lower-cased non-stopwords of a sentence."""
    tokens = _WORD.findall(sentence.lower())
    try:
        return list(filter(None, map(_TERMS.__getitem__, tokens)))
    except KeyError:
        if len(_TERMS) > _TERMS_MAX:  # a long-running service sees an open vocabulary
            _TERMS.clear()
        for word in tokens:
            if word not in _TERMS:
                _TERMS[word] = "" if word in STOPWORDS else stem(word)
        return list(filter(None, map(_TERMS.__getitem__, tokens)))


# A document is prepared up to this many sentences; engines read at most a few
# hundred, and a 20 MB file must not cost its whole length in sentence objects.
MAX_PREPARED_SENTENCES = 2000
_TERMINAL_END = re.compile(r"[.!?]['\")\]]*$")


def _looks_like_title(block: str) -> bool:
    """A title line: 4 to 20 words and no final full stop, question or exclamation mark."""
    return not _TERMINAL_END.search(block) and 4 <= word_count(block) <= 20


def _script(text: str) -> str:
    """The main writing system of `text`, from a sample of its letters."""
    counts: dict[str, int] = {}
    for char in text[:2000]:
        if char.isalpha():
            name = unicodedata.name(char, "").split(" ")[0]
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return "latin"
    top = max(counts, key=counts.__getitem__)
    return {"CJK": "cjk", "HIRAGANA": "cjk", "KATAKANA": "cjk", "HANGUL": "hangul"}.get(top, top.lower())


def prepare(doc: Document) -> Prepared:
    """Turns a raw document into a prepared one: the only place text is normalised and split.

    Args:
      doc: the document as read.

    Returns:
      The Prepared document: normalised text, title and dateline if any,
      paragraphs, sentences with their offsets, script. A document with no
      text has no sentences.
    """
    page = read_page(doc.text)  # HTML: the page's title and main text, without its boilerplate
    text = normalize(page.as_text() if page else doc.text)
    notes = list(doc.notes) + list(page.notes if page else ())
    blocks: list[str] = []
    sentences: list[Sentence] = []
    title: str | None = None
    offset = 0
    for block in _blocks(text):
        if len(sentences) >= MAX_PREPARED_SENTENCES:
            notes.append(f"long input: only its first {MAX_PREPARED_SENTENCES} sentences were read")
            break
        if not blocks and title is None and _looks_like_title(block):
            title = block
            offset += len(block) + 2
            continue
        cursor = 0
        for piece in iter_sentences(block):
            start = block.find(piece, cursor)
            cursor = start + len(piece)
            sentences.append(Sentence(piece, offset + start, offset + cursor, len(blocks)))
        blocks.append(block)
        offset += len(block) + 2
    if title is not None and not sentences:
        # A single short line is the article, not its title.
        blocks, title = [title], None
        sentences = [Sentence(blocks[0], 0, len(blocks[0]), 0)]
    dateline = None
    if sentences:
        first = sentences[0]
        stripped = strip_dateline(first.text)
        if stripped != first.text:
            dateline = first.text[: len(first.text) - len(stripped)].strip()
            sentences[0] = Sentence(stripped, first.end - len(stripped), first.end, first.paragraph)
    full = "\n\n".join(([title] if title else []) + blocks)
    return Prepared(doc.id, full, title, dateline, blocks, sentences, script=_script(full), notes=notes)

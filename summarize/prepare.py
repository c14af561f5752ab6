"""The preparation stage: normalisation, sentence splitting and word tokenising.

This is the only module that splits text. Every engine, the evaluator and the
anchors in the benchmark take their sentences and words from here, so that a
change to splitting shows up everywhere at once.

The splitter is rule based. pysbd is as accurate on news text but costs about
30 ms per CNN article; this one costs well under 1 ms (see `make bench`), and
`tests/test_text.py` holds the table of hard cases it must get right.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import regex

from summarize.language import (
    CJK_LETTERS,
    SOUTHEAST_LETTERS,
    detect_language,
    detect_script,
    has_dense,
    stopwords,
    word_count,
)
from summarize.markdown import looks_like_markdown, markdown_to_text
from summarize.schema import Document, Prepared, Sentence
from summarize.webpage import read_page

__all__ = [
    "MAX_PREPARED_SENTENCES",
    "SENTENCE_END",
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
    "\x85": "\n",
    "\u2028": "\n",
    "\u2029": "\n\n",
}
# One pass each: characters to map (control characters become spaces), line
# breaks with the blanks around them, and runs of other whitespace. Regexes
# with rare matches are several times faster here than str.translate.
_SPECIAL = re.compile("[" + "".join(_CHAR_MAP) + r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANKS = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")


_ENTITY = re.compile(r"&(?:#\d{2,7}|#[xX][0-9a-fA-F]{2,6}|[a-zA-Z]{2,8});")


def normalize(text: str) -> str:
    """Normalises HTML entities, line ends, whitespace, quotes and dashes.

    Hard-wrapped lines are joined (see `join_lines`): in the result each line
    is a block (a paragraph, a title, a list item), and a blank line separates
    paragraphs. Every other run of whitespace becomes one space.
    """
    if "&" in text:
        # "clich&#233;d", "&pound;1.8m": entities left by a feed that escaped its text.
        text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    text = _SPECIAL.sub(lambda m: _CHAR_MAP.get(m.group(), " "), text)
    if "\n" in text:
        text = join_lines(text)
    # Tried at every blank; most articles need it not at all.
    if "  " in text or "\t" in text or "\f" in text or "\v" in text:
        text = _BLANKS.sub(" ", text)
    return text.strip()


# A list item's marker: a bullet, or a number with a stop or bracket.
_BULLET = re.compile(r"(?:[-*+\u2022\u2023\u2043\u2219\u25aa\u25cf\u25e6\u00b7]|\d{1,3}[.)])\s+")
# A line ending in a hyphen after two letters may be a hyphenated word the
# wrapper broke ("well-" / "known"), or a suspended hyphen ("pre- and post-war")
# or a dash typed without its space ("children- whose"). These words follow
# the latter two; compounds take particles ("run-up", "kick-off") instead.
_HYPHEN_BREAK = re.compile(r"[^\W\d_]{2}-$")
_NOT_COMPOUND = frozenset(
    "and or nor to but the a an his her its their our my your whose who which that as than "
    "he she it they we this these those".split()
)
# A letter or mark of a script written without spaces, or CJK punctuation.
_DENSE_CHAR = re.compile(f"[{CJK_LETTERS}{SOUTHEAST_LETTERS}\u3000-\u303f\uff01-\uff65]")
_CLOSERS = "\"')]\u300d\u300f\u3011\u300b\uff09"
# Share of a wrapped text's inner lines that must be full (the next word
# would not have fitted) for its line breaks to be read as wrapping.
_WRAPPED_SHARE = 0.5


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _first_word(line: str) -> str:
    """The first word of a line: in a script without spaces, one character
    (a wrapper may break the line after any of them)."""
    word = line.split(None, 1)[0] if line.strip() else ""
    return word[:1] if _DENSE_CHAR.match(word) else word


def _wrap_width(lines: list[str]) -> tuple[int, int] | None:
    """Estimates the width a text was wrapped at: (typical, widest).

    Returns None when the text is not hard-wrapped: unless more than half of
    the lines followed by an unindented line are full, that is, could not
    have taken the next line's first word.
    """
    inner = [(a, b) for a, b in zip(lines, lines[1:], strict=False) if a.strip() and b.strip() and not _indent(b)]
    if not inner:
        return None
    lengths = sorted(len(line) for line in lines if line.strip())
    # The 90th percentile, not the widest line: a long unbreakable URL must
    # not make every other line look short. Any estimate at or under the
    # true width keeps all of a greedy wrapper's breaks full.
    width = lengths[min(len(lengths) - 1, len(lengths) * 9 // 10)]
    full = sum(len(a) + 1 + len(_first_word(b)) > width for a, b in inner)
    if full <= _WRAPPED_SHARE * len(inner):
        return None
    return width, lengths[-1]


def _joiner(a: str, b: str, widest: int) -> str:
    """What goes between two wrapped lines: a space, or nothing inside a
    hyphenated word, a word too long for a line, or a script without spaces."""
    head = b.lstrip()
    if _DENSE_CHAR.match(head) and _DENSE_CHAR.match(a[-1]):
        return ""
    if _HYPHEN_BREAK.search(a) and head[:1].isalpha() and _first_word(head).lower() not in _NOT_COMPOUND:
        return ""
    last = a.rsplit(None, 1)[-1]
    if len(a) == widest and len(last) + len(_first_word(head)) > widest:
        return ""  # a word longer than a line, broken by the wrapper
    return " "


def _hard_break(a: str, b: str, block_start: bool, block_indent: int, width: int | None) -> bool:
    """Whether the line break between lines `a` and `b` ends a block.

    Args:
      a: the line before the break (right-stripped).
      b: the line after it.
      block_start: `a` is the first line of its block.
      block_indent: the indent of the block's first line.
      width: the wrap width, or None when the text is not wrapped.
    """
    full = width is not None and len(a) + 1 + len(_first_word(b)) > width
    indent_a, indent_b = _indent(a), _indent(b)
    if indent_b > indent_a:
        # ...unless it is the hanging indent of a list item's continuation.
        bullet = _BULLET.match(a, indent_a)
        return not (block_start and bullet and indent_b == bullet.end())
    if indent_b < indent_a and not block_start:
        return True  # the end of an indented run (a hanging indent, a quote)
    head = b[indent_b:]
    if _BULLET.match(head):
        return not full  # a full line is wrapped: its "- " is a dash
    if head[:1].islower() or full:
        return False
    if _WIDE_STOP.match(a.rstrip(_CLOSERS)[-1:]):
        return True  # a Chinese or Japanese sentence ends the line
    if a[-1] in _TERMINAL_CHARS:
        return _ends_sentence(a, head)
    # A short line on its own: a title, a byline, a subheading.
    return block_start and a[-1] not in ",;:-" and (width is None or len(a) < 0.75 * width)


def _ends_sentence(a: str, b: str) -> bool:
    """Whether the splitter would end a sentence between `a` and `b`."""
    probe = a[-60:] + " " + b[:60]
    for match in _BOUNDARY.finditer(probe, max(0, len(probe) - len(b[:60]) - 12)):
        if match.end() == len(probe) - len(b[:60]):
            return _is_boundary(probe, match)
    return False


def join_lines(text: str) -> str:
    """Joins hard-wrapped lines into blocks.

    A line break inside a paragraph is a space, unless the next line starts a
    block: it is indented more, or starts with a list bullet, or the line
    before it ends a sentence or stands alone (a title, a byline) and is not
    full. A line is full when the wrap width (estimated from the text) would
    not have taken the next word; in text that is not wrapped, no line is.
    List bullets at the start of a block are dropped.

    Args:
      text: text with "\n" line ends.

    Returns:
      One block per line; a blank line between paragraphs.
    """
    lines = [line.rstrip() for line in (text.expandtabs() if "\t" in text else text).split("\n")]
    estimate = _wrap_width(lines)
    width, widest = estimate if estimate else (None, 0)
    paragraphs: list[str] = []
    blocks: list[str] = []
    parts: list[str] = []
    previous = ""
    block_start, block_indent = True, 0

    def close_block() -> None:
        if parts:
            block = "".join(parts).lstrip()
            bullet = _BULLET.match(block)
            blocks.append(block[bullet.end() :] if bullet and bullet.end() < len(block) else block)
            parts.clear()

    for line in lines:
        if not line.strip():
            close_block()
            if blocks:
                paragraphs.append("\n".join(blocks))
                blocks.clear()
            previous = ""
            continue
        if previous and not _hard_break(previous, line, block_start, block_indent, width):
            parts.append(_joiner(previous, line, widest) + line.lstrip())
            block_start = False
        else:
            close_block()
            parts.append(line)
            block_start, block_indent = True, _indent(line)
        previous = line
    close_block()
    if blocks:
        paragraphs.append("\n".join(blocks))
    return "\n\n".join(paragraphs)


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
# Sentence ends followed by a space: Latin, Devanagari (danda), Arabic and
# Urdu, Ethiopic and Tibetan marks.
_STOPS = ".!?\u0964\u0965\u061f\u06d4\u1362\u0f0d"
_BOUNDARY = re.compile(rf"(\.\.\.|[{_STOPS}]+)([\"')\]]*)(\s+)")
# Sentence ends that need no space after them: Chinese and Japanese (full and
# half width), Khmer and Myanmar. Blocks with one of them use the wider
# pattern, where the space is optional and is checked in `_is_boundary`.
_WIDE_STOPS = "\u3002\uff01\uff1f\uff61\u17d4\u17d5\u104b"
_WIDE_STOP = re.compile(f"[{_WIDE_STOPS}]")
# Every mark that ends a sentence, in any script the splitter knows, and a
# sentence's end: such a mark, then any closing quotes or brackets. Thai and
# Lao have no mark: their sentences end on a letter.
SENTENCE_END = re.compile(rf"(?:[{_STOPS}{_WIDE_STOPS}]['\")\]\u300d\u300f\u3011\u300b\uff09]*|[\u0e00-\u0eff])$")
_WIDE_BOUNDARY = re.compile(rf"(\.\.\.|[{_STOPS}]+|[{_WIDE_STOPS}]+)([\"')\]\u300d\u300f\u3011\u300b\uff09]*)(\s*)")
_NEXT_WORD = re.compile(r"[\"'(\[]*([^\s\"'(\[]*)")


def _is_boundary(block: str, match: re.Match[str]) -> bool:
    """Decides whether the punctuation in `match` ends a sentence."""
    # The first character of the next word settles most cases; a regex only
    # runs for the few that need the whole word.
    end = i = match.end()
    if not match.group(3):
        # No space after it: only a wide stop ends a sentence, or "!" and "?"
        # before a character of a script without spaces.
        punct = match.group(1)[-1]
        if punct in _WIDE_STOPS:
            return end < len(block)
        return punct in "!?" and end < len(block) and _DENSE_CHAR.match(block, end) is not None
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


# Thai and Lao have no sentence mark: a space between two of their letters
# ends a sentence or a clause. Pieces shorter than this are kept together.
_SPACED_CLAUSE = re.compile("(?<=[\u0e00-\u0eff]) +(?=[\u0e00-\u0eff])")
_MIN_CLAUSE_CHARS = 40


def _split_block(block: str) -> Iterator[str]:
    start = 0
    # str.isascii is a flag lookup: most blocks skip the scan for wide stops.
    pattern = _BOUNDARY if block.isascii() or not _WIDE_STOP.search(block) else _WIDE_BOUNDARY
    for match in pattern.finditer(block):
        if _is_boundary(block, match):
            sentence = block[start : match.start(3)].strip()
            if sentence:
                yield sentence
            start = match.end()
    tail = block[start:].strip()
    if tail:
        yield tail


def _split_spaced_clauses(sentence: str) -> Iterator[str]:
    """Cuts Thai or Lao text at the spaces that separate its sentences."""
    start = 0
    for match in _SPACED_CLAUSE.finditer(sentence):
        if match.start() - start >= _MIN_CLAUSE_CHARS:
            yield sentence[start : match.start()]
            start = match.end()
    yield sentence[start:]


_TERMINAL_CHARS = frozenset(".!?:;\"')]")


def _blocks(text: str) -> Iterator[str]:
    """Yields the blocks of normalised text: its non-blank lines (paragraphs,
    titles, list items; `join_lines` has made them)."""
    for line in text.split("\n"):
        if line and not line.isspace():
            yield line


_CLAUSE_MARK = re.compile("[,;\uff0c\u3001\uff1b\u060c\u061b] ?")


def _cut_long(sentence: str) -> Iterator[str]:
    """Cuts a sentence of more than MAX_SENTENCE_WORDS words into pieces of
    about half that: between words, or after a comma in scripts without spaces."""
    if word_count(sentence) != sentence.count(" ") + 1:
        yield from _cut_dense(sentence)
        return
    tokens = sentence.split(" ")
    for i in range(0, len(tokens), MAX_SENTENCE_WORDS // 2):
        yield " ".join(tokens[i : i + MAX_SENTENCE_WORDS // 2])


def _cut_dense(sentence: str) -> Iterator[str]:
    start = 0
    for match in _CLAUSE_MARK.finditer(sentence):
        if word_count(sentence[start : match.end()]) >= MAX_SENTENCE_WORDS // 2:
            yield sentence[start : match.end()].strip()
            start = match.end()
    rest = sentence[start:]
    # No comma for a long way: a cut by characters, as a last resort.
    step = max(1, len(rest) * MAX_SENTENCE_WORDS // (2 * max(1, word_count(rest))))
    for i in range(0, len(rest), step):
        piece = rest[i : i + step].strip()
        if piece:
            yield piece


def iter_sentences(text: str) -> Iterator[str]:
    """Lazily splits normalised text into sentences, in document order.

    Lazy, so that a caller that needs only the first N sentences of a 20 MB
    file pays only for those.
    """
    for block in _blocks(text):
        for sentence in _split_block(block):
            if sentence.isascii() or not _DENSE_CHAR.search(sentence):
                if sentence.count(" ") < MAX_SENTENCE_WORDS:
                    yield sentence
                else:
                    yield from _cut_long(sentence)
                continue
            for piece in _split_spaced_clauses(sentence) if _SPACED_CLAUSE.search(sentence) else (sentence,):
                if word_count(piece) < MAX_SENTENCE_WORDS:
                    yield piece
                else:
                    yield from _cut_long(piece)


def split_sentences(text: str) -> list[str]:
    """Splits normalised text into sentences.

    Args:
      text: text from `normalize`.

    Returns:
      The sentences, in document order, each stripped.
    """
    return list(iter_sentences(text))


# "Kathmandu, Nepal (CNN)Rescuers": a place in any case, then a news agency.
_PLACE = r"[A-Z][\w.'\-]*(?:\s+[A-Z][\w.'\-]*){0,3}"
AGENCY_DATELINE = re.compile(
    rf"^(?:{_PLACE}(?:,\s*{_PLACE})?\s*)?\((?:CNN|Reuters|AP|AFP|PA|UPI|Bloomberg)\)\s*(?:--|-|:)?\s*"
)
_DATELINES = (
    # "KIEV (Reuters) - ", "LONDON, England (CNN) -- ", "WASHINGTON: "
    re.compile(r"^[A-Z][A-Z.'\- ]{1,30}(?:,\s*[A-Z][A-Za-z.\- ]{1,30})?\s*(?:\([^)]{1,30}\))?\s*(?:--|-|:)\s+"),
    # "(CNN)", "(CNN) -- ", "(Reuters) - "
    re.compile(r"^\([A-Za-z .]{2,30}\)\s*(?:--|-)?\s*"),
    AGENCY_DATELINE,
)


def strip_dateline(sentence: str) -> str:
    """Removes a leading news dateline such as "KIEV (Reuters) - "."""
    for pattern in _DATELINES:
        stripped = pattern.sub("", sentence, count=1)
        if stripped != sentence and stripped:
            return stripped
    return sentence


_WORD = re.compile(r"[^\W_]+(?:['.\-][^\W_]+)*")
# Scripts whose words carry combining marks (Devanagari vowel signs, Arabic
# vowels, Thai tone marks): `re` breaks words at them, so the `regex` module,
# which knows \p{M}, tokenises text that has any.
_MARKED = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff]"
)
_WORD_MARKED = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['.\-][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*")


def words(text: str) -> list[str]:
    """Tokenises text into words, keeping case ("U.S", "1.13bn", "don't").

    Words of scripts without spaces come out as whole runs of letters.
    """
    if text.isascii() or not _MARKED.search(text):
        return _WORD.findall(text)
    return _WORD_MARKED.findall(text)


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


def content_terms(sentence: str, language: str = "en") -> list[str]:
    """Returns the content terms of a sentence: for English, its stemmed,
    lower-cased non-stopwords; for other languages see `_foreign_terms`."""
    if language != "en":
        return _foreign_terms(sentence, language)
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


def _foreign_terms(sentence: str, language: str) -> list[str]:
    """Lower-cased words that are not the language's stop words; in scripts
    without spaces, the overlapping character pairs of each run of letters
    (the usual index terms for Chinese, Japanese and Thai), less pairs of
    stop characters. No stemming: there is no light stemmer for all of them."""
    stop = stopwords(language)
    terms: list[str] = []
    for word in words(sentence.lower()):
        if has_dense(word) and len(word) > 1:
            pairs = (word[i : i + 2] for i in range(len(word) - 1))
            terms += [pair for pair in pairs if pair[0] not in stop or pair[1] not in stop]
        elif word not in stop:
            terms.append(word)
    return terms


# A document is prepared up to this many sentences; engines read at most a few
# hundred, and a 20 MB file must not cost its whole length in sentence objects.
MAX_PREPARED_SENTENCES = 2000
_TERMINAL_END = re.compile(r"[.!?]['\")\]]*$")


# "By Simon Hart, Transport Correspondent": a name, then perhaps a role.
_BYLINE = re.compile(r"(?:By|BY|Written by)\s+[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}(?:\s*[,|/-]\s*[^.!?]{0,60})?")


def _looks_like_title(block: str) -> bool:
    """A title line: 4 to 20 words, no final full stop, question or exclamation
    mark, and not a byline."""
    return not _TERMINAL_END.search(block) and 4 <= word_count(block) <= 20 and not _is_byline(block)


def _is_byline(block: str) -> bool:
    return block[:2] in ("By", "BY", "Wr") and _BYLINE.fullmatch(block) is not None


MARKDOWN_SUFFIXES = (".md", ".markdown")


def _plain(doc: Document) -> tuple[str, str | None]:
    """The document's text with Markdown (a .md file, or text that clearly
    is Markdown) made plain, and the Markdown's first heading, if any."""
    if doc.id.lower().endswith(MARKDOWN_SUFFIXES) or looks_like_markdown(doc.text):
        text = doc.text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in doc.text else doc.text
        return markdown_to_text(text)
    return doc.text, None


def prepare(doc: Document) -> Prepared:
    """Turns a raw document into a prepared one: the only place text is normalised and split.

    Args:
      doc: the document as read.

    Returns:
      The Prepared document: normalised text, title and dateline if any,
      paragraphs, sentences with their offsets, script and language. A document with no
      text has no sentences.
    """
    page = read_page(doc.text)  # HTML: the page's title and main text, without its boilerplate
    raw, heading = (page.as_text(), page.title) if page else _plain(doc)
    text = normalize(raw)
    # An explicit title (a page's, a Markdown heading) of one word is a label ("Sport"), not a title.
    heading = normalize(heading) if heading and word_count(heading) >= 2 else None
    notes = list(doc.notes) + list(page.notes if page else ())
    blocks: list[str] = []
    sentences: list[Sentence] = []
    title: str | None = None
    offset = 0
    for block in _blocks(text):
        if len(sentences) >= MAX_PREPARED_SENTENCES:
            notes.append(f"long input: only its first {MAX_PREPARED_SENTENCES} sentences were read")
            break
        # A web page's title or the first Markdown heading is the title; in
        # plain text, a first line that looks like one.
        if title is None and (block == heading or heading is None and not blocks and _looks_like_title(block)):
            title, shift = block, len(block) + 2
            offset += shift
            # A heading after the first paragraphs still leads the text: they move after it.
            sentences = [Sentence(s.text, s.start + shift, s.end + shift, s.paragraph) for s in sentences]
            continue
        # A byline before the body is text, but no sentence of it.
        pieces = () if not sentences and len(blocks) < 3 and _is_byline(block) else iter_sentences(block)
        cursor = 0
        for piece in pieces:
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
    script = detect_script(full)
    language = detect_language(full, script)
    return Prepared(doc.id, full, title, dateline, blocks, sentences, language, script, notes)


def unusable(doc: Document, prepared: Prepared) -> str | None:
    """Why a prepared document cannot be summarised, or None when it can.

    Returns:
      "empty text" for nothing but whitespace, "no text to summarise" when
      preparing left no sentence (a page of navigation only, say), and "no
      words to summarise" for text with no letter or digit ("!!! ???").
    """
    if not doc.text.strip():
        return "empty text"
    if not prepared.sentences:
        return "no text to summarise"
    if not any(ch.isalnum() for sentence in prepared.sentences for ch in sentence.text):
        return "no words to summarise"
    return None

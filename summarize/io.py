"""Readers and writers, and resumable output.

Readers turn paths, directories, stdin and JSONL into `Document`s, and report
what they cannot read as `Problem`s in the same stream, so one bad file never
stops the others. Writers put each record out as soon as it is done.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from summarize.schema import Document, Summary, UsageError

TEXT_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})
# A news article is a few KB; past this a file is not an article, and reading
# it whole would cost memory for nothing.
MAX_FILE_BYTES = 64 * 1024 * 1024
FORMATS: tuple[str, ...] = ("text", "json", "jsonl", "markdown")
INPUT_FORMATS: tuple[str, ...] = ("text", "jsonl")


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


def decode(data: bytes, source: str) -> Document | Problem:
    """Decodes bytes as UTF-8; rejects binary data; replaces invalid bytes with a note."""
    if b"\x00" in data[:8192]:
        return Problem(source, "binary file (not text); skipped")
    try:
        return Document(source, data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        count = text.count("\ufffd")
        return Document(source, text, (f"invalid UTF-8: {count} byte sequence(s) replaced",))


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


def _records(lines: Iterable[str], source: str, text_field: str) -> Iterator[Item]:
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
        if not isinstance(text, str):
            yield Problem(str(row.get("id", where)), f"record has no string field {text_field!r}")
            continue
        yield Document(str(row.get("id", number)), text)


def _jsonl_file(path: Path, text_field: str) -> Iterator[Item]:
    try:
        handle = open(path, encoding="utf-8", errors="replace")
    except OSError as err:
        yield Problem(str(path), f"cannot read: {err.strerror or err}")
        return
    with handle:
        yield from _records(handle, str(path), text_field)


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root, onerror=None):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def read_sources(
    paths: Iterable[str], input_format: str = "text", text_field: str = "text", stdin: IO[bytes] | None = None
) -> Iterator[Item]:
    """Yields documents (and problems) from files, directories and stdin.

    Args:
      paths: file paths, directory paths (read recursively: .txt, .md, .html),
        or "-" for standard input.
      input_format: "text" (one document per file) or "jsonl" (one per line).
      text_field: the JSONL field that holds the text ("article" is tried
        when the default "text" is absent).
      stdin: standard input, as bytes; sys.stdin's buffer by default.

    Yields:
      Documents in input order, and Problems where a source cannot be read.
    """
    if input_format not in INPUT_FORMATS:
        raise UsageError(f"unknown input format {input_format!r}; choose one of {', '.join(INPUT_FORMATS)}")
    for raw in paths:
        if raw == "-":
            data = (stdin or sys.stdin.buffer).read(MAX_FILE_BYTES + 1)
            if input_format == "jsonl":
                yield from _records(data.decode("utf-8", errors="replace").splitlines(), "stdin", text_field)
            elif len(data) > MAX_FILE_BYTES:
                yield Problem("stdin", f"input is over the {MAX_FILE_BYTES // 2**20} MB limit")
            else:
                yield decode(data, "stdin")
            continue
        path = Path(raw)
        if path.is_dir():
            for child in _walk(path):
                if input_format == "jsonl" and child.suffix == ".jsonl":
                    yield from _jsonl_file(child, text_field)
                elif input_format == "text" and child.suffix.lower() in TEXT_SUFFIXES:
                    yield read_file(child)
                else:
                    yield Problem(str(child), f"skipped: not a {input_format} input file", failure=False)
        elif input_format == "jsonl" and path.exists():
            yield from _jsonl_file(path, text_field)
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
    """"textrank", "abstractive (t5-small)", or for a mixed record
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

"""Web pages: telling markup from text, and a page's main text, title and date.

The extractor is trafilatura, chosen over readability-lxml on the boilerplate
fixtures in `tests/fixtures/web` (four news pages with navigation, cookie
banners, related stories, comments, share buttons and footers: 71 boilerplate
lines and 16 article sentences to find):

- trafilatura 2.3: every article sentence kept; one boilerplate line kept (a
  "Read more: ..." link between the story's paragraphs, which `_POINTER`
  drops); title and publication date on all four pages (dates from metadata
  and `<time>` only, never guessed from the story's text).
- readability-lxml 0.9: every article sentence kept; two boilerplate lines
  kept (the same "Read more" and an "About the author" box); a title, but no
  date (that needs htmldate, which trafilatura already brings).

Speed is a draw: 5-10 ms a page each when the machine was quiet, 15-35 ms
under load, neither ahead on every page (rough timings on a shared 2-core
machine). trafilatura costs more disk, about 67 MB installed with its
dependencies (half of it Babel's locale data) against 14 MB, small beside
the model stack. It drops short fragments (a JSONL field holding one `<p>`):
a plain visible-text pass takes over there. Tables are left out: a results
table makes no sentences, and layout tables still give their text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["Page", "declared_charset", "extract", "is_html", "read_page"]

log = logging.getLogger(__name__)

# Elements that open a page or a fragment. Text that starts with one of these
# (after a BOM, blanks and comments) is markup.
_OPENING = re.compile(
    r"(?:\s|<!--.*?-->)*<(?:!doctype\s+html|\?xml|html|head|body|meta|title|link|base|script|style|main|article"
    r"|section|header|nav|div|p|h[1-6]|table|ul|ol|span|figure|blockquote|a|b|i|em|strong)[\s/>]",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(
    r"<(/?)(?:p|div|br|span|a|li|ul|ol|h[1-6]|article|section|main|header|footer|nav|aside|table|tr|td|th|em"
    r"|strong|b|i|img|figure|figcaption|blockquote|body|html|head|title|meta|script|style|link)\b[^<>]{0,2000}>",
    re.IGNORECASE,
)
# Text that does not open with a tag is markup only when tags are dense and
# come in pairs: an article about web pages that names `<head>` or `<title>`
# has a few opening tags and no closing ones.
_MIN_TAGS = 6
_MIN_CLOSING = 3
_CHARS_PER_TAG = 250
_SAMPLE = 100_000


def is_html(text: str) -> bool:
    """Returns True when `text` is HTML markup (a page or a fragment), not text that mentions tags."""
    if "<" not in text:
        return False
    if _OPENING.match(text, 1 if text.startswith("\ufeff") else 0):
        return True
    sample = text[:_SAMPLE]
    tags = _TAG.findall(sample)
    closing = sum(1 for slash in tags if slash)
    return len(tags) >= _MIN_TAGS and closing >= _MIN_CLOSING and len(tags) * _CHARS_PER_TAG >= len(sample)


@dataclass(frozen=True)
class Page:
    """The main content of a web page.

    Attributes:
      text: the main text, one paragraph per block, blocks separated by a blank line.
      title: the page's headline, without the site name, or None.
      date: the publication date as YYYY-MM-DD, when the page's markup gives one.
      notes: remarks for the summary (main content not found).
    """

    text: str
    title: str | None = None
    date: str | None = None
    notes: tuple[str, ...] = ()

    def as_text(self) -> str:
        """The title (when there is one) as a line of its own, then the main text."""
        return f"{self.title}\n\n{self.text}" if self.title else self.text


_FULL_PAGE = re.compile(r"<(?:!doctype\s+html|html|body)[\s>]", re.IGNORECASE)
# Lines inside an article that only point elsewhere ("Read more: ..."); the
# extractor keeps them because they sit between the story's paragraphs.
_POINTER = re.compile(
    r"^(?:read more|read also|also read|more on this story|see also|related|recommended|watch|listen)\b\s*[:|\-]"
    r"[^.!?]*$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^[-*•]\s+")


def read_page(text: str) -> Page | None:
    """Returns the main content of `text` when it is HTML, and None when it is not.

    This is the hook that preparation calls on every document.
    """
    return extract(text) if is_html(text) else None


def extract(markup: str) -> Page:
    """Extracts the main text, title and publication date of an HTML page or fragment.

    Args:
      markup: HTML source, a full page or a fragment.

    Returns:
      The page's main content. When the extractor finds no main content (a
      short fragment, odd markup), all visible text outside navigation,
      footers and scripts, with a note when `markup` is a whole page.
    """
    weight = _text_weight(markup)
    found = _trafilatura(markup) if weight <= MAX_EXTRACT_CHARS else None
    if found is not None:
        return found
    text, title = _visible_text(markup)
    if weight > MAX_EXTRACT_CHARS:
        limit = MAX_EXTRACT_CHARS // 10**6
        notes: tuple[str, ...] = (f"web page over {limit} MB of markup: all visible text kept, boilerplate too",)
    elif _FULL_PAGE.search(markup):
        notes = ("web page: main content not found; all visible text kept",)
    else:
        notes = ()
    return Page(text, title, None, notes)


# The extractor's time grows faster than linearly with the markup outside
# scripts and styles: about 2 s for 2 MB of dense text and 12 s for 5 MB
# (roughly, on a loaded 2-core machine). News pages have a few hundred KB;
# past this the linear visible-text pass (about 0.25 s a MB) takes over.
MAX_EXTRACT_CHARS = 2_000_000
_RAW_OPEN = re.compile(r"<(script|style)\b", re.IGNORECASE)


def _text_weight(markup: str) -> int:
    """Characters of `markup` outside <script> and <style> elements, counted in one linear pass."""
    lower = markup.lower()
    weight = pos = 0
    while (match := _RAW_OPEN.search(lower, pos)) is not None:
        weight += match.start() - pos
        end = lower.find(f"</{match.group(1)}", match.end())
        pos = len(lower) if end < 0 else end
    return weight + len(lower) - pos


def _trafilatura(markup: str) -> Page | None:
    # Lazily: 0.2 s of imports that text input never needs.
    import trafilatura
    from trafilatura.settings import Document as Extracted

    # It logs errors and warnings for markup it cannot use ("empty HTML
    # tree"), which the visible-text pass then handles; a user can do
    # nothing with them.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

    try:
        found = trafilatura.bare_extraction(
            markup,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            # Dates from the page's markup only: a date guessed from the
            # story's text is as often the date of an event it reports.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as err:  # noqa: BLE001 - a parser bug on hostile markup must not lose the document
        log.debug("trafilatura failed: %s", err)
        return None
    if not isinstance(found, Extracted) or not found.text or not found.text.strip():
        return None
    title = " ".join((found.title or "").split()) or None
    return Page(_blocks(found.text, title), title, found.date or None)


def _blocks(text: str, title: str | None) -> str:
    """One block per line of the extractor's output, pointers and a repeated title left out."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    if title and lines and lines[0].casefold() == title.casefold():
        lines = lines[1:]
    kept = [_BULLET.sub("", line) for line in lines if line and not _POINTER.match(line)]
    return "\n\n".join(kept)


# Visible-text fallback. Elements whose text is never the story; all of them
# have required end tags, so counting depth is safe. <head> is not among them:
# its end tag is optional, and a page without one would lose everything.
_SKIP = frozenset({"script", "style", "noscript", "template", "nav", "footer", "aside", "form", "svg", "iframe"})
_BLOCK = frozenset(
    "p div br li ul ol dd dt h1 h2 h3 h4 h5 h6 article section header main tr table blockquote pre figcaption".split()
) | {"hr"}


class _TextParser(HTMLParser):
    """Collects visible text and the <title>; block elements become paragraph breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def _visible_text(markup: str) -> tuple[str, str | None]:
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    blocks = (" ".join(block.split()) for block in "".join(parser.parts).split("\n\n"))
    title = " ".join("".join(parser.title).split()) or None
    return "\n\n".join(block for block in blocks if block), title


_META_CHARSET = re.compile(rb"""<meta[^>]{0,500}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.IGNORECASE)


def declared_charset(data: bytes) -> str | None:
    """Returns the encoding a page declares in a <meta> tag within its first 2 KB, if any."""
    match = _META_CHARSET.search(data[:2048])
    return match.group(1).decode("ascii").lower() if match else None

"""Markdown to plain text: headings, emphasis, links, images, code, lists and
quotes lose their markup; the first heading is the title.

Not a full CommonMark parser: what a summariser needs is the text of each
block, one block per paragraph, in order. Fenced code keeps its lines (each a
block of its own); images and link definitions are dropped, since they are not
prose; tables keep their cells.
"""

from __future__ import annotations

import re

__all__ = ["looks_like_markdown", "markdown_to_text"]

# What only Markdown writes. Two different kinds make a text Markdown, as does
# a heading on its first line; list bullets alone do not (plain text has them).
_SIGNALS = (
    re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE),  # ATX heading
    re.compile(r"^ {0,3}(?:`{3,}|~{3,})", re.MULTILINE),  # code fence
    re.compile(r"!?\[[^\]\n]+\]\((?:https?://|/|#|\.|mailto:)[^)\s]*(?:\s+\"[^\"\n]*\")?\)"),  # link or image
    re.compile(r"(?<![\w*])\*\*(?=\S)[^*\n]+(?<=\S)\*\*(?![\w*])|(?<!\w)__(?=\S)[^_\n]+(?<=\S)__(?!\w)"),  # strong
    # Setext heading: a text line underlined. Anchored on the break, never on
    # the text line, so that a long line costs no backtracking.
    re.compile(r"(?<=\S)[ \t]*\n {0,3}(?:={3,}|-{3,})[ \t]*$", re.MULTILINE),
    re.compile(r"^ {0,3}> ?\S", re.MULTILINE),  # block quote
    re.compile(r"(?<![`\w])`[^`\n]+`(?![`\w])"),  # code span
)
_FIRST_HEADING = re.compile(r"\A\s*#{1,6}[ \t]+\S")
_SAMPLE = 20000


def looks_like_markdown(text: str) -> bool:
    """True when `text` clearly is Markdown: it opens with a `#` heading, or
    uses two different kinds of Markdown markup."""
    if "#" not in text and "*" not in text and "[" not in text and "`" not in text and "=" not in text:
        return False  # the common case, settled without a regex
    sample = text[:_SAMPLE]
    if _FIRST_HEADING.match(sample):
        return True
    kinds = 0
    for signal in _SIGNALS:
        if signal.search(sample):
            kinds += 1
            if kinds >= 2:
                return True
    return False


_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}> ?")
_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")

_INLINE = (
    (re.compile(r"<!--.*?-->", re.DOTALL), ""),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]"), ""),  # images
    (re.compile(r"\[\^[^\]]+\]"), ""),  # footnote marks
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # inline links
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # code spans
    (re.compile(r"(?<![\w*])(\*\*|\*)(?=\S)(.+?)(?<=\S)\1(?![\w*])"), r"\2"),  # emphasis with *
    (re.compile(r"(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\1(?!\w)"), r"\2"),  # emphasis with _
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # strikethrough
)
# A backslash-escaped character is set aside (as a private-use character)
# while the markup is removed, so that "\*" is never emphasis.
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
_PRIVATE = 0xE000
_UNESCAPE = re.compile("[\ue000-\ue0ff]")


_MARKUP = re.compile(r"[\[`*_~\\<]")


def _inline(text: str) -> str:
    if _MARKUP.search(text):
        text = _ESCAPE.sub(lambda m: chr(_PRIVATE + ord(m.group(1))), text)
        for pattern, replacement in _INLINE:
            text = pattern.sub(replacement, text)
        text = _UNESCAPE.sub(lambda m: chr(ord(m.group()) - _PRIVATE), text)
    return " ".join(text.split())


def _cells(line: str) -> str:
    return "; ".join(cell.strip() for cell in line.strip().strip("|").split("|") if cell.strip())


def markdown_to_text(text: str) -> tuple[str, str | None]:
    """Converts Markdown to plain text.

    Args:
      text: Markdown with "\\n" line ends.

    Returns:
      (text, title): one block per line with a blank line between blocks, and
      the text of the first heading (None when there is none). The title is
      also the first block when the document opens with it.
    """
    blocks: list[str] = []
    title: str | None = None
    lines: list[str] = []  # the paragraph being gathered
    fence: str | None = None

    def flush() -> None:
        if lines:
            block = _inline(" ".join(line.strip() for line in lines))
            if block:
                blocks.append(block)
            lines.clear()

    def heading(raw: str) -> None:
        nonlocal title
        flush()
        block = _inline(raw)
        if block:
            blocks.append(block)
            title = title if title is not None else block

    for raw in text.split("\n"):
        if fence is not None:
            if raw.strip().startswith(fence):
                fence = None
            elif raw.strip():
                blocks.append(raw.strip())
            continue
        opening = _FENCE.match(raw)
        if opening:
            flush()
            fence = opening.group(1)
            continue
        line = raw
        while _QUOTE.match(line):
            line = _QUOTE.sub("", line, count=1)
        if not line.strip() or _RULE.match(line) and not (lines and line.strip().startswith("-")):
            flush()
            continue
        if lines and _SETEXT.match(line):
            underlined = " ".join(part.strip() for part in lines)
            lines.clear()
            heading(underlined)
            continue
        atx = _ATX.match(line)
        if atx:
            heading(atx.group(2) or "")
            continue
        if _DEFINITION.match(line) or _TABLE_RULE.match(line) and "-" in line:
            continue
        item = _ITEM.match(line)
        if item:
            flush()
            line = line[item.end() :]
        elif "|" in line and line.lstrip().startswith("|"):
            flush()
            line = _cells(line)
        lines.append(line)
    flush()
    return "\n\n".join(blocks), title

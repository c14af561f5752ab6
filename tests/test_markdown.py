"""Markdown becomes plain text; the first heading is the title."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize.markdown import looks_like_markdown, markdown_to_text

FIXTURES = Path(__file__).parent / "fixtures"


def test_fixture_becomes_plain_blocks() -> None:
    text, title = markdown_to_text((FIXTURES / "storm.md").read_text())
    blocks = text.split("\n\n")
    assert title == "Storm batters the northern coast"
    assert blocks[0] == title
    assert blocks[1] == (
        "Heavy rain and strong winds hit the northern coast on Tuesday, closing schools and cutting power to "
        "thousands of homes."
    )
    assert "What officials said" in blocks  # a subheading is a block of its own
    assert '"We have not seen a storm like this in twenty years," said the mayor, Ana Ruiz.' in text
    assert "Coastal roads stay closed until Friday morning." in blocks
    for markup in ("**", "](", "![", "`", "> ", "* ", "===", "##", "https://", "img/"):
        assert markup not in text


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("A [link](http://x.org) and an ![image](a.png) here.", "A link and an here."),
        ("`code`, __strong__ and _em_ but snake_case_name.", "code, strong and em but snake_case_name."),
        ("1. First\n2. Second\n   continued", "First\n\nSecond continued"),
        ("Text\n\n---\n\nMore", "Text\n\nMore"),
        ("```\nx = 1\ny = 2\n```", "x = 1\n\ny = 2"),
        ("See [the report][r].\n\n[r]: https://example.org", "See the report."),
        ("Escaped \\*stars\\* stay.", "Escaped *stars* stay."),
    ],
)
def test_inline_and_blocks(markdown: str, plain: str) -> None:
    assert markdown_to_text(markdown)[0] == plain


def test_detection_is_conservative() -> None:
    assert looks_like_markdown("# Title\n\nBody text.")
    assert looks_like_markdown("Intro with **bold** and a [link](https://example.org).")
    assert not looks_like_markdown("Plain news. A list:\n- one\n- two\nPrices rose 2*3 times. #hashtag")
    assert not looks_like_markdown("He said -- and then left.\n\nNo markup at all.")

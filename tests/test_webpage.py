"""Web pages: HTML detection, main-content extraction, and summaries free of boilerplate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarize import cli
from summarize.prepare import prepare, split_sentences
from summarize.schema import Document
from summarize.summarizer import Summarizer
from summarize.webpage import MAX_EXTRACT_CHARS, declared_charset, extract, is_html, read_page

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"
EXPECTED: dict[str, dict] = json.loads((FIXTURES / "expected.json").read_text())
PAGES = sorted(EXPECTED)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", PAGES)
def test_main_text_title_and_date(name: str) -> None:
    expected = EXPECTED[name]
    page = extract((FIXTURES / name).read_text())
    text = _flat(page.text)
    assert page.title == expected["title"]
    assert page.date == expected["date"]
    assert page.notes == ()
    missing = [line for line in expected["content"] if line not in text]
    assert not missing, f"article text lost: {missing}"
    kept = [line for line in expected["boilerplate"] if line in text]
    assert not kept, f"boilerplate kept: {kept}"


@pytest.mark.parametrize("name", PAGES)
def test_textrank_summary_has_no_boilerplate(name: str) -> None:
    summary = Summarizer(method="textrank").summarize((FIXTURES / name).read_text())
    output = f"{summary.headline}\n{summary.paragraph}"
    assert summary.paragraph and summary.headline
    assert not [line for line in EXPECTED[name]["boilerplate"] if line.lower() in output.lower()]
    # Every paragraph sentence comes from the article itself.
    article = _flat(extract((FIXTURES / name).read_text()).text)
    assert all(sentence in article for sentence in split_sentences(summary.paragraph))


def test_html5_without_head_end_tag_keeps_its_text() -> None:
    # Valid HTML5: </head>, <body> and </p> are all optional.
    page = "<!doctype html><meta charset=utf-8><title>Short</title><p>The bridge reopened on Monday.<p>Crowds came."
    assert is_html(page)
    prepared = prepare(Document("p", page))
    assert [s.text for s in prepared.sentences] == ["Short", "The bridge reopened on Monday.", "Crowds came."]


def test_text_that_mentions_tags_is_not_html() -> None:
    text = (FIXTURES / "web_accessibility.txt").read_text()
    assert "<head>" in text and "<title>" in text
    assert not is_html(text)
    assert read_page(text) is None
    prepared = prepare(Document("t", text))
    assert prepared.title == "Most council websites fail basic accessibility checks, audit finds"
    for paragraph in text.split("\n\n"):
        assert _flat(paragraph) in prepared.text


@pytest.mark.parametrize(
    "text",
    [
        "a < b and c > d, said the maths teacher.",
        "Put the <title> inside the <head>, and the text in <p> elements.",
        "The <b> tag makes text bold.\n\nThe <i> tag makes it italic.\n\nAnd </b> ends it.",
    ],
)
def test_not_html(text: str) -> None:
    assert not is_html(text)


@pytest.mark.parametrize(
    "markup",
    [
        "<p>One paragraph.</p>",
        "\ufeff<!DOCTYPE html><html><body><p>Text.</p></body></html>",
        "<!-- saved page -->\n<html><p>Text.</p></html>",
        "Intro line <p>a</p><p>b</p><p>c</p><div>d</div>",
        "<b>Breaking</b>: text",
    ],
)
def test_html(markup: str) -> None:
    assert is_html(markup)


def test_fragments_and_deep_nesting_fall_back_to_visible_text() -> None:
    assert extract("<p>The mayor opened the bridge.</p>").text == "The mayor opened the bridge."
    assert extract("<div>" * 5000 + "Deep text." + "</div>" * 5000).text == "Deep text."
    fragment = "<p>First &amp; second.</p><script>var x = 1;</script><p>Third.</p>"
    assert extract(fragment) == extract(fragment)  # deterministic
    assert extract(fragment).text == "First & second.\n\nThird."


def test_a_page_the_extractor_cannot_read_keeps_its_visible_text_with_a_note() -> None:
    # Nested deeper than the extractor's parser goes.
    body = "<div>" * 300 + "Deep text here." + "</div>" * 300
    result = extract(f"<html><head><title>Deep</title></head><body>{body}</body></html>")
    assert result.text == "Deep text here." and result.title == "Deep"
    assert result.notes and "main content not found" in result.notes[0]


def test_preparation_takes_the_page_title_and_notes() -> None:
    prepared = prepare(Document("p", (FIXTURES / "library_hours.html").read_text()))
    assert prepared.title == "Town library to open late on Fridays"
    assert prepared.sentences[0].text.startswith("Millbrook's central library will stay open")
    deep = "<html><head><title>Deep</title></head><body>" + "<div>" * 300 + "Deep text." + "</div>" * 300
    assert prepare(Document("d", deep)).notes == ["web page: main content not found; all visible text kept"]


def test_declared_charset() -> None:
    assert declared_charset(b'<html><head><meta charset="Windows-1252">') == "windows-1252"
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">') == (
        "iso-8859-1"
    )
    assert declared_charset(b"<html><p>no declaration</p>") is None


def _bridge_page(extra_paragraphs: int = 0, script_bytes: int = 0) -> str:
    page = (FIXTURES / "harbour_bridge.html").read_text()
    filler = "<p>The council met again on Thursday to hear from residents about the plan.</p>\n" * extra_paragraphs
    script = f"<script>var state = '{'x' * script_bytes}';</script>"
    return page.replace('<div class="story-body">', f'<div class="story-body">{filler}{script}')


def test_a_huge_page_gets_the_linear_pass_with_a_note() -> None:
    page = extract(_bridge_page(extra_paragraphs=MAX_EXTRACT_CHARS // 80))
    assert page.notes == ("web page over 2 MB of markup: all visible text kept, boilerplate too",)
    assert "Councillors in Porthaven have voted" in page.text and "We use cookies" in page.text


def test_scripts_do_not_count_towards_the_limit() -> None:
    page = extract(_bridge_page(script_bytes=2 * MAX_EXTRACT_CHARS))
    assert page.notes == () and page.date == "2024-03-14"
    assert not [line for line in EXPECTED["harbour_bridge.html"]["boilerplate"] if line in page.text]


def test_cli_reads_html5_without_head_end_and_text_that_mentions_tags() -> None:
    # Issue 15: the first gave "no text to summarise"; the second lost everything after "<head>".
    runner = CliRunner()
    page = (FIXTURES / "library_hours.html").read_text()
    assert "</head>" not in page
    result = runner.invoke(cli.app, ["-", "--method", "textrank", "-f", "jsonl"], input=page)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["headline"] == "Town library to open late on Fridays"
    text = (FIXTURES / "web_accessibility.txt").read_text()
    result = runner.invoke(cli.app, ["-", "--method", "textrank", "-f", "jsonl", "--sentences", "20"], input=text)
    paragraph = json.loads(result.stdout)["paragraph"]
    assert "The Local Government Association said councils took accessibility seriously" in paragraph

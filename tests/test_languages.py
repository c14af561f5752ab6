"""Articles in Chinese, Hindi, Arabic and Russian (written for these tests),
and Markdown and cp1252 files, summarised end to end by TextRank."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize import Summarizer
from summarize.io import decode
from summarize.language import word_count
from summarize.prepare import normalize, prepare, split_sentences
from summarize.schema import Document

FIXTURES = Path(__file__).parent / "fixtures"
SENTENCE_END = (".", "!", "?", "。", "！", "？", "।", "؟", "۔", '"', "»", "”")


def _read(name: str) -> Document:
    doc = decode((FIXTURES / name).read_bytes(), str(FIXTURES / name))
    assert isinstance(doc, Document)
    return doc


def _without_title(doc: Document) -> Document:
    return Document(doc.id, doc.text.split("\n\n", 1)[1], doc.notes)


@pytest.fixture(scope="module")
def summarizer() -> Summarizer:
    return Summarizer(method="textrank")


@pytest.mark.parametrize(
    ("name", "language", "script"),
    [
        ("zh_metro.txt", "zh", "cjk"),
        ("hi_monsoon.txt", "hi", "devanagari"),
        ("ar_solar.txt", "ar", "arabic"),
        ("ru_bridge.txt", "ru", "cyrillic"),
    ],
)
@pytest.mark.parametrize("titled", [True, False])
def test_headline_and_paragraph_in_other_scripts(
    summarizer: Summarizer, name: str, language: str, script: str, titled: bool
) -> None:
    doc = _read(name)
    if not titled and name.startswith("zh"):
        doc = _without_title(doc)  # the headline must then come from the body
    source = prepare(doc)
    assert (source.language, source.script) == (language, script)
    summary = summarizer.summarize_many([doc]).__next__()
    assert summary.ok, summary.error
    # A headline of sensible length: a few words (or about 30 characters), not the text.
    assert 3 <= word_count(summary.headline) <= 12
    assert summary.headline not in (summary.paragraph, source.body)
    assert not summary.headline.endswith((".", "。", "।"))
    # A paragraph of whole sentences of the article.
    sentences = {s.text for s in source.sentences}
    chosen = split_sentences(normalize(summary.paragraph))
    assert chosen and all(sentence in sentences for sentence in chosen)
    assert summary.paragraph.endswith(SENTENCE_END)
    assert word_count(summary.paragraph) <= 1.2 * 60 + max(word_count(s) for s in chosen)


def test_chinese_headline_is_about_30_characters(summarizer: Summarizer) -> None:
    summary = summarizer.summarize(_without_title(_read("zh_metro.txt")).text)
    assert 6 <= len(summary.headline) <= 30
    assert "。 " not in summary.paragraph  # Chinese sentences follow each other with no space


def test_markdown_file_reads_as_plain_text(summarizer: Summarizer) -> None:
    doc = _read("storm.md")
    source = prepare(doc)
    assert source.title == "Storm batters the northern coast"
    assert source.sentences[0].text == (
        "Heavy rain and strong winds hit the northern coast on Tuesday, closing schools and cutting power to "
        "thousands of homes."
    )
    summary = summarizer.summarize_many([doc]).__next__()
    assert summary.headline == "Storm batters the northern coast"
    for markup in ("**", "](", "![", "`", "> ", "##", "* "):
        assert markup not in summary.paragraph


def test_markdown_is_recognised_without_its_suffix() -> None:
    text = (FIXTURES / "storm.md").read_text()
    assert prepare(Document("stdin", text)).title == "Storm batters the northern coast"
    assert "**" not in prepare(Document("stdin", text)).text


def test_cp1252_file_reads_correctly(summarizer: Summarizer) -> None:
    doc = _read("fr_cp1252.txt")
    assert doc.notes == ("not UTF-8: decoded as cp1252 (detected)",)
    source = prepare(doc)
    assert source.language == "fr"
    assert source.sentences[0].text.startswith("Le conseil municipal a adopté mardi un budget")
    summary = summarizer.summarize_many([doc]).__next__()
    assert "\ufffd" not in summary.paragraph and "écoles" in summary.paragraph
    assert summary.notes[0] == "not UTF-8: decoded as cp1252 (detected)"

from __future__ import annotations

import pytest

from summarize.prepare import (
    content_terms,
    normalize,
    split_sentences,
    stem,
    strip_dateline,
    word_count,
    words,
)

# (text, expected sentences): the hard cases of news text.
CASES = [
    (
        "Mr. Smith went to Washington. He arrived at 5 p.m. on Jan. 5.",
        ["Mr. Smith went to Washington.", "He arrived at 5 p.m. on Jan. 5."],
    ),
    (
        "Profits rose to $1.13bn (£600m). Sales fell 2.5% in the U.S. The firm said so.",
        ["Profits rose to $1.13bn (£600m).", "Sales fell 2.5% in the U.S.", "The firm said so."],
    ),
    (
        "U.S. President Joe Biden spoke. The U.N. Security Council met.",
        ["U.S. President Joe Biden spoke.", "The U.N. Security Council met."],
    ),
    (
        'He moved to the U.S. last year. "We are happy," she said. "It is over." Then he left.',
        ["He moved to the U.S. last year.", '"We are happy," she said.', '"It is over."', "Then he left."],
    ),
    ("J. K. Rowling wrote it. No. 10 said nothing.", ["J. K. Rowling wrote it.", "No. 10 said nothing."]),
    ("Dr. Jones, e.g. the surgeon, agreed. It works.", ["Dr. Jones, e.g. the surgeon, agreed.", "It works."]),
    ("Wait... What happened? Nobody knows! Really.", ["Wait...", "What happened?", "Nobody knows!", "Really."]),
    ("He paused... and then went on. Done.", ["He paused... and then went on.", "Done."]),
    ('"Is it true?" she asked. Yes.', ['"Is it true?" she asked.', "Yes."]),
    (
        "KIEV (Reuters) - Ukraine said on Tuesday it was ready. Talks begin soon.",
        ["KIEV (Reuters) - Ukraine said on Tuesday it was ready.", "Talks begin soon."],
    ),
    (
        "Gen. Mark Milley and Sen. Jo Ray met in St. Louis. They talked.",
        ["Gen. Mark Milley and Sen. Jo Ray met in St. Louis.", "They talked."],
    ),
    ("Apple Inc. rose 3%. Shares of Ford Motor Co. fell.", ["Apple Inc. rose 3%.", "Shares of Ford Motor Co. fell."]),
    (
        "Title of the story\n\nThe body starts here. It goes on.",
        ["Title of the story", "The body starts here.", "It goes on."],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_hard_cases(text: str, expected: list[str]) -> None:
    assert split_sentences(normalize(text)) == expected


def test_no_punctuation_is_cut_into_pieces() -> None:
    text = " ".join(["word"] * 500)
    sentences = split_sentences(text)
    assert len(sentences) > 5
    assert all(word_count(s) <= 80 for s in sentences)


def test_normalize_quotes_dashes_whitespace() -> None:
    assert normalize("\u201cHi\u201d \u2014 it\u2019s  here\u2026\n\n\n\nNext") == '"Hi" - it\'s here...\n\nNext'


def test_dateline() -> None:
    assert strip_dateline("KIEV (Reuters) - Ukraine said so.") == "Ukraine said so."
    assert strip_dateline("(CNN)Ukraine said so.") == "Ukraine said so."
    assert strip_dateline("LONDON, England (CNN) -- The rain fell.") == "The rain fell."
    assert strip_dateline("The rain fell.") == "The rain fell."


def test_words_and_terms() -> None:
    assert words("U.S. profits rose $1.13bn, don't panic") == ["U.S", "profits", "rose", "1.13bn", "don't", "panic"]
    assert stem("profits") == stem("profit") == "profit"
    assert content_terms("The profits of the firm") == ["profit", "firm"]


def test_prepare_gives_title_dateline_paragraphs_and_offsets() -> None:
    from summarize.prepare import prepare
    from summarize.schema import Document

    raw = (
        "Council approves budget after long debate\n\n"
        "LONDON (Reuters) - The city council approved a new budget on Tuesday. It raises school spending.\n\n"
        "Opponents said roads would suffer. The plan starts in July."
    )
    doc = prepare(Document("d", raw, ("read note",)))
    assert doc.title == "Council approves budget after long debate"
    assert doc.dateline == "LONDON (Reuters) -"
    assert [s.text for s in doc.sentences] == [
        "The city council approved a new budget on Tuesday.",
        "It raises school spending.",
        "Opponents said roads would suffer.",
        "The plan starts in July.",
    ]
    assert [s.paragraph for s in doc.sentences] == [0, 0, 1, 1]
    assert all(doc.text[s.start : s.end] == s.text for s in doc.sentences)
    assert len(doc.paragraphs) == 2 and doc.notes == ["read note"]
    assert "Tuesday" in doc.words and doc.body.startswith("The city council")


def test_a_single_short_line_is_the_article_not_a_title() -> None:
    from summarize.prepare import prepare
    from summarize.schema import Document

    doc = prepare(Document("d", "Budget approved by the council"))
    assert doc.title is None and [s.text for s in doc.sentences] == ["Budget approved by the council"]
    assert prepare(Document("e", "  \n ")).sentences == []


def test_scripts_are_told_apart() -> None:
    from summarize.prepare import prepare
    from summarize.schema import Document

    assert prepare(Document("a", "Москва сегодня объявила новые меры.")).script == "cyrillic"
    assert prepare(Document("b", "北京今天宣布了新的措施。")).script == "cjk"
    assert prepare(Document("c", "The council met.")).script == "latin"

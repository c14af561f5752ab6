from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_a_byline_is_neither_title_nor_sentence() -> None:
    from summarize.prepare import prepare
    from summarize.schema import Document

    doc = prepare(Document("d", "By Simon Hart, Transport Correspondent\n\nThe airline ordered 40 jets. It said so."))
    assert doc.title is None
    assert [s.text for s in doc.sentences] == ["The airline ordered 40 jets.", "It said so."]
    assert doc.text.startswith("By Simon Hart") and all(doc.text[s.start : s.end] == s.text for s in doc.sentences)
    by_the_time = prepare(Document("e", "By Tuesday, officials said, the storm had passed. It was over."))
    assert by_the_time.sentences[0].text == "By Tuesday, officials said, the storm had passed."


def test_scripts_are_told_apart() -> None:
    from summarize.prepare import prepare
    from summarize.schema import Document

    assert prepare(Document("a", "Москва сегодня объявила новые меры.")).script == "cyrillic"
    assert prepare(Document("b", "北京今天宣布了新的措施。")).script == "cjk"
    assert prepare(Document("c", "The council met.")).script == "latin"


WRAPPED = """Storm hits the coast

The storm reached the northern coast on Tuesday night, closing
schools and cutting power to thousands of well-
known seaside towns. Officials said the damage was worse than
in 1998.
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A wrapped paragraph is one block; a hyphenated word broken at the end of a line is whole again.
        (
            WRAPPED,
            "Storm hits the coast\n\nThe storm reached the northern coast on Tuesday night, closing schools and "
            "cutting power to thousands of well-known seaside towns. Officials said the damage was worse than in 1998.",
        ),
        # CRLF and lone CR are line ends, not paragraph breaks.
        ("One line\r\nwrapped here.\r\n\r\nNext paragraph.", "One line wrapped here.\n\nNext paragraph."),
        ("Old Mac line\rwrapped.", "Old Mac line wrapped."),
        # A title on its own line, with no blank line after it.
        (
            "Storm hits the coast\nThe storm reached the northern coast on Tuesday night.",
            "Storm hits the coast\nThe storm reached the northern coast on Tuesday night.",
        ),
        # List items are blocks, their bullets dropped; an indented line starts a block.
        (
            "He announced:\n- lower taxes for families\n* a new hospital\n\n    First paragraph\nwraps.\n    Second.",
            "He announced:\nlower taxes for families\na new hospital\n\nFirst paragraph wraps.\nSecond.",
        ),
        # One paragraph per line (not wrapped): each line stays a block.
        (
            "The first paragraph is long and ends here.\nThe second one is short.\nA third.",
            "The first paragraph is long and ends here.\nThe second one is short.\nA third.",
        ),
        # Chinese lines join without a space.
        ("河西市第一条地铁线路\n于周六正式开通运营。", "河西市第一条地铁线路于周六正式开通运营。"),
        # ...but a line that ends a sentence ends its paragraph, when lines are not full.
        (
            "市议会周二通过了新的学校预算方案。\n反对者说道路会受影响。\n计划七月开始。",
            "市议会周二通过了新的学校预算方案。\n反对者说道路会受影响。\n计划七月开始。",
        ),
    ],
)
def test_line_structure(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_list_bullet_after_a_full_line_is_a_dash() -> None:
    # A wrapper put " - " at the start of a line: the line before is full, so it is a dash.
    article = "Gary Locke will be confirmed as the manager on Friday - exactly eight weeks after he was asked."
    wrapped = textwrap.fill(article, 53)
    assert "\n- exactly" in wrapped
    assert normalize(wrapped) == article


def test_suspended_hyphen_keeps_its_space() -> None:
    text = "A survey of eighteen- and nineteen-year-old voters found that most of them were " * 3
    for width in (30, 41, 57):
        assert normalize(textwrap.fill(text, width)) == " ".join(text.split())


def test_wrapped_chinese_joins_whole() -> None:
    text = "市议会周二通过了新的学校预算方案，" * 6 + "计划七月开始。"
    assert normalize(textwrap.fill(text, 20)) == text


def test_word_longer_than_the_line_is_mended() -> None:
    text = "See the full report at " + "https://example.org/" + "a" * 80 + " for details on the budget plans."
    assert normalize(textwrap.fill(text, 60)) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "市议会周二通过了预算。学校经费增加百分之四！你同意吗？是的。",
            ["市议会周二通过了预算。", "学校经费增加百分之四！", "你同意吗？", "是的。"],
        ),
        ("他说：“我们赢了。”然后离开了。", ['他说："我们赢了。"', "然后离开了。"]),
        (
            "नगर परिषद ने बजट मंजूर किया। स्कूलों का खर्च बढ़ेगा। क्या यह सही है?",
            ["नगर परिषद ने बजट मंजूर किया।", "स्कूलों का खर्च बढ़ेगा।", "क्या यह सही है?"],
        ),
        (
            "هل تكفي هذه المحطة؟ يقول المسؤولون إنها تكفي. وأضافوا ذلك.",
            ["هل تكفي هذه المحطة؟", "يقول المسؤولون إنها تكفي.", "وأضافوا ذلك."],
        ),
        (
            "Совет утвердил бюджет. В 2024 г. в Москве открыли мост. В. В. Иванов согласен.",
            ["Совет утвердил бюджет.", "В 2024 г. в Москве открыли мост.", "В. В. Иванов согласен."],
        ),
    ],
)
def test_sentence_ends_of_other_scripts(text: str, expected: list[str]) -> None:
    assert split_sentences(normalize(text)) == expected


def test_thai_is_cut_at_spaces_between_long_clauses() -> None:
    clause = "สภาเมืองอนุมัติงบประมาณใหม่สำหรับโรงเรียนเมื่อวันอังคารที่ผ่านมา"
    sentences = split_sentences(" ".join([clause] * 4))
    assert sentences == [clause] * 4


def test_long_chinese_sentence_is_cut_at_commas() -> None:
    clause = "市议会周二通过了新的学校预算方案"
    sentences = split_sentences("，".join([clause] * 30) + "。")
    assert len(sentences) > 2
    assert all(word_count(s) <= 80 for s in sentences)
    assert "".join(sentences) == "，".join([clause] * 30) + "。"


_MIXED = "ab Z .,!?\n\t-*#>[]()`_=|\u3002\uff01\uff0c\u0964\u061f\u06d4\u00a0\u2028\ufeff" + "中文ไทยहिंदीعربيрус"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_MIXED, max_size=300), st.booleans())
def test_prepare_never_fails_and_offsets_hold(text: str, markdown: bool) -> None:
    from summarize.prepare import prepare
    from summarize.schema import Document

    doc = prepare(Document("x.md" if markdown else "x", text))
    assert all(doc.text[s.start : s.end] == s.text for s in doc.sentences)
    assert normalize(text.replace("\n", "\r\n")) == normalize(text)


def test_entities_of_an_escaped_feed_are_decoded() -> None:
    assert normalize("the clich&#233;d plot cost &#163;1.8m &amp; more") == "the clichéd plot cost £1.8m & more"
    # A bare ampersand, or one that starts no entity, stays.
    assert normalize("AT&T; R&D") == "AT&T; R&D"


def test_a_dateline_in_any_case_before_a_news_agency_goes() -> None:
    dated = "Kathmandu, Nepal (CNN)Rescuers dug through the rubble."
    assert strip_dateline(dated) == "Rescuers dug through the rubble."

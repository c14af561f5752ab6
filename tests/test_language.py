"""Scripts, languages, and lengths in scripts written without spaces."""

from __future__ import annotations

import pytest

from summarize.language import clause_cut, detect_language, detect_script, has_dense, stopwords, word_count


@pytest.mark.parametrize(
    ("text", "script", "language"),
    [
        ("The council approved the budget on Tuesday after a long debate.", "latin", "en"),
        ("Le conseil municipal a adopté mardi un nouveau budget pour les écoles.", "latin", "fr"),
        ("Der Stadtrat hat am Dienstag einen neuen Haushalt für die Schulen beschlossen.", "latin", "de"),
        ("Городской совет во вторник утвердил новый бюджет для школ.", "cyrillic", "ru"),
        ("市议会周二通过了新的学校预算。", "cjk", "zh"),
        ("市議会は火曜日に新しい予算を承認した。", "cjk", "ja"),
        ("नगर परिषद ने मंगलवार को स्कूलों के लिए नया बजट मंजूर किया।", "devanagari", "hi"),
        ("وافق مجلس المدينة يوم الثلاثاء على ميزانية جديدة للمدارس.", "arabic", "ar"),
        ("สภาเมืองอนุมัติงบประมาณใหม่สำหรับโรงเรียนเมื่อวันอังคาร", "thai", "th"),
        ("시의회는 화요일 학교를 위한 새 예산을 승인했다.", "hangul", "ko"),
    ],
)
def test_script_and_language(text: str, script: str, language: str) -> None:
    assert detect_script(text) == script
    assert detect_language(text) == language


def test_word_count_by_characters_where_there_are_no_spaces() -> None:
    assert word_count("The council met on Tuesday.") == 5
    assert word_count("Совет собрался во вторник.") == 4
    assert word_count("市议会周二通过了新的学校预算") == 6  # 14 characters / 2.5, rounded up
    # Mixed text: words plus characters.
    assert word_count("BBC 报道 市议会周二通过") == 1 + 4
    assert has_dense("市议会") and not has_dense("Совет") and not has_dense("plain")


def test_clause_cut_keeps_a_whole_clause() -> None:
    sentence = (
        "国家统计局周三发布的数据显示，今年前三个季度全国粮食总产量比去年同期增长百分之二点五，"
        "其中南方水稻产区单产创下历史新高。"
    )
    cut = clause_cut(sentence, 12)
    assert cut == "国家统计局周三发布的数据显示"
    assert word_count(cut) <= 12


def test_clause_cut_spaced_and_hard() -> None:
    first = "Правительство во вторник объявило о новой реформе, которую планируют принять весной"
    assert clause_cut(first + ", несмотря на протесты.", 12) == first
    assert clause_cut("один два три четыре пять шесть семь восемь", 5) == "Один два три четыре пять"
    assert clause_cut("短句。", 12) == "短句"
    # Never a cut inside a quotation.
    quoted = 'Dywedodd Jeffrey John: "Yn eu barn nhw, byddai esgob yn peri gormod o drafferth yn y pen draw."'
    assert clause_cut(quoted, 12, "cy") == "Dywedodd Jeffrey John"
    # No comma at all in a long run of characters: cut by characters.
    assert len(clause_cut("字" * 100, 12)) == 30


def test_stopwords_by_language() -> None:
    assert "и" in stopwords("ru") and "the" in stopwords("en")
    assert stopwords("xx") == frozenset()

"""Decoding bytes: UTF-8 first, byte-order marks, detected legacy encodings,
and replaced bytes only where no encoding explains them."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from summarize.io import Problem, decode, decode_text

FIXTURES = Path(__file__).parent / "fixtures"
FRENCH = "Le président a dit : « ça suffit » – c’est déjà l’été à Noël."


def test_plain_utf8_has_no_note() -> None:
    assert decode_text(FRENCH.encode()) == (FRENCH, [])


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (codecs.BOM_UTF8 + FRENCH.encode(), FRENCH),
        (FRENCH.encode("utf-16"), FRENCH),  # with its BOM, either byte order
        (codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), FRENCH),
        (FRENCH.encode("utf-32"), FRENCH),
    ],
)
def test_byte_order_marks(data: bytes, text: str) -> None:
    assert decode_text(data) == (text, [])


@pytest.mark.parametrize(
    ("text", "encoding", "named"),
    [
        (FRENCH, "cp1252", "cp1252"),
        ("Grüße aus Köln: die Straße ist naß.", "latin-1", "cp1252"),  # latin-1 is read as its superset
        ("Правительство объявило о новой реформе. Всё будет хорошо, сказал министр.", "cp1251", "cp1251"),
        ("Zażółć gęślą jaźń, powiedział minister w poniedziałek.", "cp1250", "cp1250"),
    ],
)
def test_legacy_encodings_are_detected(text: str, encoding: str, named: str) -> None:
    decoded, notes = decode_text(text.encode(encoding))
    assert decoded == text
    assert notes == [f"not UTF-8: decoded as {named} (detected)"]


def test_cp1252_fixture_reads_correctly() -> None:
    doc = decode((FIXTURES / "fr_cp1252.txt").read_bytes(), "fr_cp1252.txt")
    assert not isinstance(doc, Problem)
    assert "adopté mardi" in doc.text and "« un succès pour les familles »" in doc.text
    assert "c’est" in doc.text and "\ufffd" not in doc.text


def test_broken_bytes_in_utf8_are_replaced_with_a_note() -> None:
    data = "Café au lait, crème brûlée et déjà-vu.".encode() + b" \xff\xfe end"
    text, notes = decode_text(data)
    assert text.startswith("Café au lait") and text.count("\ufffd") == 2
    assert notes == ["invalid UTF-8: 2 byte sequence(s) replaced"]


def test_binary_is_a_problem() -> None:
    problem = decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.png")
    assert problem == Problem("x.png", "binary file (not text); skipped")

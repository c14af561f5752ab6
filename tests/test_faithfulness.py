from __future__ import annotations

from summarize.faithfulness import unsupported
from summarize.prepare import prepare
from summarize.schema import Document

SOURCE_TEXT = 'Acme Corp said profits rose 12% to $1,200m in 2024. Chief executive Ana Lopez called it "a record year".'
SOURCE = prepare(Document("src", SOURCE_TEXT))


def test_faithful_output_passes() -> None:
    assert unsupported("Acme profits rose 12% to $1200m, Ana Lopez says", SOURCE) == []
    assert unsupported('Lopez hails "a record year" at Acme', SOURCE) == []


def test_invented_number_name_and_quote_are_flagged() -> None:
    assert unsupported("Acme profits rose 15%", SOURCE) == ["15"]
    assert unsupported("Boeing profits rose 12%", SOURCE) == ["Boeing"]
    assert unsupported('Lopez hails "best year ever"', SOURCE) == ['"best year ever"']
    assert unsupported("In 2023 Acme grew", SOURCE) == ["2023"]

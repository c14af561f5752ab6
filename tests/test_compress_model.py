from __future__ import annotations

import json
from pathlib import Path

from benchmarks import train_compress_model
from summarize.compress_model import Model, SentenceContext, expected_rouge1, load, word_features
from summarize.defects import Source
from summarize.headline import choose_headline

LEAD = (
    "Tony Blair has faced his first test in the Commons since the election, "
    "with MPs from all parties attacking his plans."
)
COUNTS = {"blair": 3.0, "test": 2.0, "common": 2.0}


def test_the_shipped_model_has_one_weight_per_feature() -> None:
    model = load()
    assert len(model.weights) == len(word_features("Blair", 1, 10, 0, 3.0, 3.0))
    assert 3 < model.title_words < 8
    # A capitalised, frequent name is likelier kept than "the".
    context = SentenceContext.of(LEAD, 0, COUNTS)
    assert model.keep_probability(context.features("Blair")) > model.keep_probability(context.features("the"))


def test_expected_rouge_prefers_the_short_core_to_a_long_tail() -> None:
    context = SentenceContext.of(LEAD, 0, COUNTS)
    short = expected_rouge1("Blair faced first test in Commons", context)
    long = expected_rouge1("Blair faced first test in Commons since election, with MPs from all parties", context)
    assert short > long
    assert expected_rouge1("", context) == 0.0


def test_choose_headline_picks_by_the_learned_scorer() -> None:
    sentences = [LEAD, "Mr Blair said he was confident."]
    headline = choose_headline(sentences, [0, 1], 12, COUNTS, Source.from_sentences(sentences))
    assert headline == "Blair faced first test in Commons"


def test_the_training_script_refits_reproducibly(tmp_path: Path) -> None:
    rows = [
        {"id": str(i), "title": "Harbour board sells ferry", "article": f"{LEAD} The harbour board sold ferry {i}."}
        for i in range(4)
    ]
    data = tmp_path / "dev.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    train_compress_model.main(["--data", str(data), "--out", str(first), "--rows", "all"])
    train_compress_model.main(["--data", str(data), "--out", str(second), "--rows", "all"])
    assert first.read_text() == second.read_text()
    model = load.__wrapped__(first)
    assert isinstance(model, Model) and len(model.weights) == len(load().weights)
    assert model.title_words == 4.0

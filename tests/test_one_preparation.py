"""Each document is normalised and split once, whichever path it takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLE, SEED

from summarize import Summarizer
from summarize import prepare as prepare_module
from summarize.schema import Document


@pytest.fixture
def normalisations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text normalised, in order (generated outputs may be normalised too)."""
    calls: list[str] = []
    real = prepare_module.normalize

    def counted(text: str) -> str:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(prepare_module, "normalize", counted)
    return calls


DOCS = [Document("seed", SEED.read_text()), Document("article", ARTICLE)]


def _sources_normalised(calls: list[str]) -> list[int]:
    return [calls.count(doc.text) for doc in DOCS]


def test_textrank_path_normalises_each_document_once(normalisations: list[str]) -> None:
    results = list(Summarizer(method="textrank").summarize_many(DOCS))
    assert all(r.ok for r in results)
    assert normalisations == [doc.text for doc in DOCS]


def test_model_path_with_guard_and_fallback_normalises_each_document_once(
    tiny_t5: Path, normalisations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The guard runs and swaps TextRank's part in for one that contradicts the
    # article (the random model's own words are mostly unsourced, only noted):
    # both read the one prepared document.
    summarizer = Summarizer(model=str(tiny_t5), device="cpu")
    real = summarizer.engine.summarize_batch

    def contradicting(docs: Any, call: Any) -> Any:
        summaries = real(docs, call)
        for summary in summaries:
            if summary.id == "article":
                summary.headline = "Mayor Jane Boeing hails budget victory"  # the mayor is Jane Smith
        return summaries

    monkeypatch.setattr(summarizer.engine, "summarize_batch", contradicting)
    results = list(summarizer.summarize_many(DOCS, num_beams=1))
    assert all(r.ok for r in results)
    assert any(r.method != "abstractive" for r in results)  # the guard acted
    assert _sources_normalised(normalisations) == [1, 1]

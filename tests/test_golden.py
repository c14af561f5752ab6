"""Exact outputs must not change unless `make golden` regenerates them in a reviewed commit."""

from __future__ import annotations

import json

import golden
import pytest


def test_every_golden_article_gives_its_committed_output() -> None:
    expected = [json.loads(line) for line in golden.OUTPUTS.read_text(encoding="utf-8").splitlines()]
    actual = golden.article_outputs()
    assert len(expected) >= 50
    assert [r["id"] for r in actual] == [r["id"] for r in expected], "articles added or removed: run make golden"
    changed = [a["id"] for a, e in zip(actual, expected, strict=True) if a != e]
    assert not changed, f"outputs changed for {changed}; if deliberate, run `make golden` and review the diff"


def test_every_eval_article_gives_its_committed_fingerprint() -> None:
    actual = golden.eval_fingerprints()
    if actual is None:
        pytest.skip(f"{golden.EVAL_DIR} not found")
    expected = json.loads(golden.EVAL_FINGERPRINTS.read_text())
    for name, prints in actual.items():
        changed = [i for i, (a, e) in enumerate(zip(prints, expected[name], strict=True)) if a != e]
        assert not changed, f"{name}: {len(changed)} outputs changed (rows {changed[:10]}...); run `make golden`"

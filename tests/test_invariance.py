"""A summary does not change when its article is hard-wrapped, has CRLF line
ends, or both: on an article written here, and on a sample of each eval set
(`python -m summarize.invariance` checks every article)."""

from __future__ import annotations

import pytest

from summarize.invariance import DEFAULT_EVAL_DIR, EVAL_SETS, check, read_articles, variants, wrap

# Written for this test: a title, a list, hyphenated words, a dash, a long URL.
ARTICLE = """Council backs a two-year budget

The city council approved a two-year budget on Tuesday after months of debate, with a well-publicised vote that \
ended close to midnight - the latest finish in a decade. The plan raises spending on schools by 4% and cuts funding \
for road repairs, which opponents called short-sighted.

The main measures are:
 - a new primary school in the east of the city, to open in 2026
 - free bus travel for under-18s and over-65s
 - longer opening hours for the central library

Mayor Jane Smith said the vote was a victory for families across the city. "We listened to parents and to teachers," \
she said. The full plan is at https://example.org/council/budget/2025-2026/full-text-of-the-approved-plan-with-annexes \
for anyone who wants to read it.

Opponents argued that the cuts would leave roads in poor condition for years. The budget takes effect in July."""


def test_variants_are_the_promised_ones() -> None:
    names = [name for name, _ in variants(ARTICLE)]
    assert names == ["wrap60", "wrap72", "wrap100", "crlf", "wrap60+crlf", "wrap72+crlf", "wrap100+crlf"]
    assert max(len(line) for line in wrap(ARTICLE, 60).split("\n") if "https" not in line) <= 60


def test_own_article_is_invariant() -> None:
    result = check([ARTICLE])
    assert result.failures == []


SAMPLE = 12


@pytest.mark.skipif(not DEFAULT_EVAL_DIR.is_dir(), reason="eval data (../shared/eval) is absent")
@pytest.mark.parametrize("name", list(EVAL_SETS))
def test_eval_sample_is_invariant(name: str) -> None:
    articles = read_articles(DEFAULT_EVAL_DIR, name)
    # Spread over the file, not its first rows.
    sample = articles[:: max(1, len(articles) // SAMPLE)][:SAMPLE]
    result = check(sample)
    assert result.failures == [] and result.articles == len(sample)

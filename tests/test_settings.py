"""The two kinds of settings: validation by type and range, and what may change per call."""

from __future__ import annotations

import pytest
from conftest import ARTICLE

from summarize import CallSettings, EngineConfig, Summarizer, UsageError, summarize
from summarize.summarizer import split_settings


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"headline_words": 5.5}, "whole number"),
        ({"headline_words": True}, "whole number"),
        ({"paragraph_words": float("nan")}, "whole number"),
        ({"paragraph_words": 0}, "from 10 to 1000"),
        ({"sentences": -1}, "from 1 to 50"),
        ({"num_beams": 2000}, "from 1 to 16"),
        ({"long_input": "ignore"}, "one of auto, truncate, chunk"),
        ({"on_flag": 1}, "one of replace, note, drop"),
        ({"colour": "red"}, "unknown setting"),
    ],
)
def test_call_settings_reject_bad_values_with_one_line(changes: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        CallSettings.from_mapping(changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"method": "magic"}, "one of auto"),
        ({"threads": -1}, "from 1"),
        ({"threads": 0}, "from 1"),
        ({"workers": 10_000}, "workers must be from 1"),
        ({"batch_size": "8"}, "whole number"),
        ({"allow_download": 1}, "true or false"),
        ({"max_input_tokens": 0}, "from 16"),
        ({"device": "tpu"}, "one of auto, cpu"),
    ],
)
def test_engine_config_rejects_bad_values(changes: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        EngineConfig.from_mapping(changes)


def test_defaults_are_valid_and_settings_are_hashable() -> None:
    assert hash(CallSettings()) == hash(CallSettings())
    assert CallSettings(headline_words=8) != CallSettings()
    assert EngineConfig().method == "auto"


def test_split_settings_sends_each_name_to_its_kind() -> None:
    config, call = split_settings({"method": "textrank", "workers": 1, "paragraph_words": 40, "num_beams": 2})
    assert (config.method, config.workers) == ("textrank", 1)
    assert (call.paragraph_words, call.num_beams) == (40, 2)
    with pytest.raises(UsageError, match="unknown setting"):
        split_settings({"speed": "fast"})


def test_per_call_settings_change_per_call_on_one_summarizer() -> None:
    summarizer = Summarizer(method="textrank")
    long = summarizer.summarize(ARTICLE, paragraph_words=80)
    short = summarizer.summarize(ARTICLE, call=CallSettings(sentences=1))
    assert short.paragraph.count(". ") == 0 and len(long.paragraph) > len(short.paragraph)
    assert len(summarizer.summarize(ARTICLE, headline_words=4).headline.split()) <= 4
    with pytest.raises(UsageError):
        summarizer.summarize(ARTICLE, method="abstractive")  # load-time: not a per-call setting


def test_summarize_function_takes_both_kinds() -> None:
    summary = summarize(ARTICLE, method="textrank", sentences=1)
    assert summary.method == "textrank" and summary.sources == {"headline": "textrank", "paragraph": "textrank"}
    with pytest.raises(UsageError):
        summarize(ARTICLE, method="textrank", sentences=0)

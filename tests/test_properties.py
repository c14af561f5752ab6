"""Property tests (hypothesis) for the text pipeline and the readers: whatever
the input, no exception, and the invariants the README promises hold.

`make test` runs the "ci" profile (a few hundred examples in all); `make fuzz`
runs the "fuzz" profile (HYPOTHESIS_PROFILE=fuzz: a thousand each).
"""

from __future__ import annotations

import io as stdio
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarize import io
from summarize.prepare import prepare
from summarize.schema import CallSettings, Document
from summarize.summarizer import Summarizer
from summarize.textrank import _printable

settings.register_profile(
    "ci", max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=1000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

WORDS = ["council", "budget", "Tuesday", "Mayor", "Smith", "4%", "$61", "said", "U.S.", "Kiev", "«oui»", "东京"]
word = st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=12))
sentence = st.builds(
    lambda ws, end: " ".join(ws) + end,
    st.lists(word, min_size=1, max_size=25),
    st.sampled_from([".", "!", "?", "", "..."]),
)
# News-like text: a title, a dateline, paragraphs; or markup; or anything at all.
news = st.builds(
    lambda title, dateline, paragraphs: title + dateline + "\n\n".join(" ".join(p) for p in paragraphs),
    st.sampled_from(["", "Council backs budget\n\n", "# A Markdown title\n\n"]),
    st.sampled_from(["", "KIEV (Reuters) - ", "LONDON, May 3 (AP) — "]),
    st.lists(st.lists(sentence, min_size=1, max_size=6), min_size=1, max_size=5),
)
markup = st.builds(lambda body: f"<html><head><title>t</title></head><body><p>{body}</p></body></html>", news)
any_text = st.one_of(news, markup, st.text(max_size=2000))

TEXTRANK = Summarizer(method="textrank")


@given(any_text)
def test_prepare_never_fails_and_offsets_hold(text: str) -> None:
    doc = prepare(Document("x", text))
    assert all(doc.text[s.start : s.end] == s.text for s in doc.sentences)
    assert all(s.text.strip() for s in doc.sentences)


def made_of(paragraph: str, pieces: list[str]) -> bool:
    """Whether `paragraph` is pieces of the source, in order, joined by spaces."""
    reachable = {0}
    for piece in pieces:
        reachable |= {at + len(piece) + 1 for at in reachable if paragraph.startswith(piece, at)}
    return len(paragraph) + 1 in reachable


@given(any_text, st.integers(3, 40), st.integers(10, 200))
def test_textrank_headline_and_paragraph_invariants(text: str, headline_words: int, paragraph_words: int) -> None:
    call = CallSettings(headline_words=headline_words, paragraph_words=paragraph_words)
    summary = TEXTRANK.summarize(text, call=call)
    if not summary.ok:
        assert summary.error and not summary.headline and not summary.paragraph
        return
    source = prepare(Document("x", text))
    assert summary.headline.strip() and "\n" not in summary.headline and not summary.headline.endswith(".")
    # Source sentences, in order, each whole or without the caption or page
    # furniture glued to it; or one sentence with no breaks cut to the word budget.
    sentences = ([source.title] if source.title else []) + [s.text for s in source.sentences]
    pieces = sentences + [_printable(s) for s in sentences]
    kept = summary.paragraph[:-4].split()
    cut = summary.paragraph.endswith(" ...") and any(p.split()[: len(kept)] == kept for p in pieces)
    assert made_of(summary.paragraph, pieces) or cut
    # And, whatever the cutting: extractive, every word is the source's.
    words = set(source.text.split())
    assert all(w in words or w.rstrip(".") in words for w in summary.paragraph.split() if w != "...")


# --- readers -----------------------------------------------------------------------

record_text = st.one_of(news, st.text(max_size=300), st.just("A lone \ud800 surrogate. And another sentence here."))
record = st.fixed_dictionaries({"id": st.text(max_size=20), "text": record_text})
garbage = st.binary(max_size=200).map(lambda b: b"#" + b.replace(b"\n", b" "))  # never JSON


@given(
    st.lists(st.one_of(record, garbage), max_size=30),
    st.booleans(),
    st.sampled_from([b"\n", b"\r\n"]),
)
def test_jsonl_reader_keeps_every_good_record_in_order(items: list[object], bom: bool, newline: bytes) -> None:
    lines = [item if isinstance(item, bytes) else json.dumps(item).encode() for item in items]
    data = (b"\xef\xbb\xbf" if bom else b"") + b"".join(line + newline for line in lines)
    out = list(io.read_sources(["-"], "jsonl", stdin=stdio.BytesIO(data)))
    docs = [o for o in out if isinstance(o, Document)]
    records = [i for i in items if isinstance(i, dict)]
    assert [(d.id, d.text) for d in docs] == [
        (io.SURROGATES.sub("\ufffd", r["id"]), io.SURROGATES.sub("\ufffd", r["text"])) for r in records
    ]
    assert len(out) - len(docs) == len(items) - len(records)  # one problem per bad line


@given(st.binary(max_size=3000))
def test_text_reader_never_fails(data: bytes) -> None:
    (item,) = io.read_sources(["-"], "text", stdin=stdio.BytesIO(data))
    assert isinstance(item, Document | io.Problem)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("resume") / "out.jsonl"


@given(
    st.lists(st.one_of(st.text(max_size=8).map(lambda i: json.dumps({"id": i}) + "\n"), st.just("x\ry\n")), max_size=8),
    st.text(max_size=8),
    st.integers(0, 40),
)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_resume_repairs_only_the_tail(scratch: Path, lines: list[str], last_id: str, cut: int) -> None:
    last = json.dumps({"id": last_id})
    tail = last[:cut]
    body = "".join(lines).encode()
    scratch.write_bytes(body + tail.encode())
    done, _ = io.resume(scratch)
    whole = tail == last
    expected = [json.loads(line)["id"] for line in lines if line.startswith("{")] + ([last_id] if whole else [])
    assert sorted(done.elements()) == sorted(expected)
    assert scratch.read_bytes() == body + ((tail + "\n").encode() if whole else b"")

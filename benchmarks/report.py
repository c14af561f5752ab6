"""bench/REPORT.md and the quality-against-speed plot, from the results of one run.

The report is a list of sections, each a function of the results that returns
Markdown lines (none when its part was not measured in the run). A new
measurement adds its rows under its own key in the results and its section
here; each section's docstring gives the row shape it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Results = dict[str, Any]
Lines = list[str]


def _cell(value: Any, spec: str = ".2f") -> str:
    """A table cell: numbers formatted by spec, None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return format(value, spec)
    return str(value)


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{100 * rate:.1f}%"


def _ratio(row: dict[str, Any]) -> str:
    """The row's speed against its anchor, with the anchor named."""
    if row.get("vs_anchor") is None:
        return ""
    return f"{row['vs_anchor']:.2f}x {row['anchor']}"


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Lines:
    """A Markdown table."""
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(_cell(v) for v in row) + " |" for row in rows),
    ]


def quality_section(results: Results) -> Lines:
    """ROUGE per set and system.

    Rows: dataset, task, system, rouge1/rouge2/rougeLsum ({"mean", "ci95"}),
    length_words {"mean"}; optionally defect_rate (0..1); or status (why no score).
    """
    rows = results.get("quality")
    if not rows:
        return []
    defects = any("defect_rate" in r for r in rows)
    out = []
    for row in rows:
        if "status" in row:
            out.append([row["dataset"], row["task"], row["system"], row["status"], "", "", "", ""] + [""] * defects)
            continue
        low, high = row["rouge1"]["ci95"]
        out.append(
            [
                row["dataset"],
                row["task"],
                row["system"],
                row["rouge1"]["mean"],
                row["rouge2"]["mean"],
                row["rougeLsum"]["mean"],
                f"{low:.1f}–{high:.1f}",
                f"{row['length_words']['mean']:.0f}",
            ]
            + ([_pct(row.get("defect_rate"))] if defects else [])
        )
    header = ["dataset", "task", "system", "R1", "R2", "RLsum", "R1 95% CI", "mean words"]
    return ["## Quality (ROUGE F1 x 100, 95% bootstrap CI on R1)", "", *table(header + ["defects"] * defects, out)]


def defects_section(results: Results) -> Lines:
    """Defect rates per kind (issue #10).

    Rows: dataset, part ("headline" or "paragraph"), system, rows, rate (any
    defect, 0..1), by_kind {kind: rate}.
    """
    rows = results.get("defects")
    if not rows:
        return []
    out = []
    for r in rows:
        kinds = sorted(((rate, kind) for kind, rate in r["by_kind"].items() if rate), reverse=True)
        by_kind = ", ".join(f"{kind} {_pct(rate)}" for rate, kind in kinds)
        out.append([r["dataset"], r["part"], r["system"], r["rows"], _pct(r["rate"]), by_kind])
    return [
        "## Defects (share of outputs an editor would not print as they stand)",
        "",
        *table(["dataset", "part", "system", "rows", "any defect", "by kind"], out),
    ]


def invariance_section(results: Results) -> Lines:
    """Same output for the same article laid out differently (issue #9).

    Rows: dataset, variant, rows, headline, paragraph, both (rates 0..1).
    """
    rows = results.get("invariance")
    if not rows:
        return []
    out = [
        [r["dataset"], r["variant"], r["rows"], _pct(r["headline"]), _pct(r["paragraph"]), _pct(r["both"])]
        for r in rows
    ]
    return [
        "## Invariance (summarize textrank: output unchanged by wrapping and line ends)",
        "",
        *table(["dataset", "variant", "articles", "same headline", "same paragraph", "both"], out),
    ]


def faithfulness_section(results: Results) -> Lines:
    """The faithfulness guard's false alarms and recall (issue #11).

    Keys: false_positives (rows: dataset, field, rows, flagged 0..1, ci95, and
    unsupported 0..1 where measured),
    recall (rows: dataset, kind, rows, recall 0..1), and command (what reproduces them).
    """
    data = results.get("faithfulness")
    if not data:
        return []
    lines = ["## Faithfulness guard", ""]
    if data.get("false_positives"):
        out = [
            [
                r["dataset"],
                r["field"],
                r["rows"],
                _pct(r["flagged"]),
                f"{_pct(r['ci95'][0])}–{_pct(r['ci95'][1])}",
                _pct(r.get("unsupported")),
            ]
            for r in data["false_positives"]
        ]
        lines += [
            "False positives: the share of human-written summaries (faithful by intent) the guard fires on"
            " (a conflict: a number, name or quotation in place of what the source says there); unsupported:"
            " the share with any item the source lacks, unsourced additions included, which the guard only notes.",
            "",
            *table(["dataset", "field", "rows", "fires (FP)", "95% CI", "unsupported"], out),
            "",
        ]
    if data.get("recall"):
        out = [[r["dataset"], r["kind"], r["rows"], _pct(r["recall"])] for r in data["recall"]]
        lines += [
            "Recall: the share of injected errors (one fact of an article sentence changed) the guard fires on.",
            "",
            *table(["dataset", "error", "injected", "recall"], out),
            "",
        ]
    if data.get("command"):
        lines.append(f"Reproduce: `{data['command']}`")
    return lines


def chat_section(results: Results) -> Lines:
    """Chat models on real weights (issue #13): quality beside TextRank and Lead-3,
    speed and peak RSS, and batched generation against a per-article loop."""
    chat = results.get("chat")
    if not chat:
        return []
    rows = [
        [
            r["dataset"],
            r["task"],
            r["system"],
            r["articles"],
            *(f"{r[k]['mean']:.2f}" for k in ("rouge1", "rouge2", "rougeLsum")),
            _pct(r.get("written_by_model")),
            _pct(r.get("flag_rate")),
        ]
        for r in chat["quality"]
    ]
    header = ["dataset", "task", "system", "articles", "R1", "R2", "RLsum", "model wrote", "guard flagged"]
    speed = [[r["system"], f"{r['articles_per_s']:.2f}", _cell(r["peak_rss_mb"], ".0f")] for r in chat["speed"]]
    b = chat["batching"]
    return [
        "## Chat model on real weights",
        "",
        *table(header, rows),
        "",
        *table(["system", "articles/s", "peak RSS MB"], speed),
        "",
        f"Batched generation: {b['batched_s']:.1f} s against {b['loop_s']:.1f} s for a per-article generate loop "
        f"({b['speedup']:.2f}x), {b['articles']} articles, the same prompts, {b['new_tokens']} new tokens each.",
    ]


def extractive_section(results: Results) -> Lines:
    """Extractive speed: one row per system, real per-article latencies where it has them.

    Rows: system, articles_per_s, p50_ms, p95_ms (None for batched rows),
    peak_rss_mb; ours also anchor and vs_anchor.
    """
    rows = results.get("extractive")
    if not rows:
        return []
    out = [
        [
            r["system"],
            r["articles_per_s"],
            _cell(r["p50_ms"], ".1f"),
            _cell(r["p95_ms"], ".1f"),
            _cell(r["peak_rss_mb"], ".0f"),
            _ratio(r),
        ]
        for r in rows
    ]
    header = ["system", "articles/s", "p50 ms", "p95 ms", "peak RSS MB", "vs anchor"]
    return [f"## Speed: extractive ({rows[0]['data']}, {rows[0]['articles']} articles)", "", *table(header, out)]


def _round_ratios(row: dict[str, Any], anchor: dict[str, Any] | None) -> str:
    """Each round's ratio of `row` to its anchor, as a range, when there was more than one round."""
    mine = row.get("rounds_articles_per_s") or []
    theirs = (anchor or {}).get("rounds_articles_per_s") or []
    ratios = [a / b for a, b in zip(mine, theirs, strict=False) if b]
    if len(ratios) < 2:
        return ""
    return f" (round by round: {min(ratios):.2f}x to {max(ratios):.2f}x)"


def abstractive_section(results: Results) -> Lines:
    """Ours against the transformers recipes (issue #12), each ratio against the batched recipe of the same precision.

    Rows: system, backend, quantize, batch_size (None per article), articles,
    threads, articles_per_s, p50_ms and p95_ms (per-article rows only),
    peak_rss_mb, anchor, vs_anchor. Key `workload` describes the shared inputs.
    """
    rows = results.get("abstractive")
    if not rows:
        return []
    work = results.get("workload", {})
    ours = [r for r in rows if r["backend"] != "recipe"]
    by_system = {r["system"]: r for r in rows}
    claims = [f"{r['system']}: {_ratio(r)}{_round_ratios(r, by_system.get(r['anchor']))}" for r in ours]
    claims += [
        f"{r['system']}: {r['empty_outputs']} of {r['articles']} outputs empty (random weights decoded nothing "
        "printable); timed all the same"
        for r in ours
        if r.get("empty_outputs")
    ]
    out = [
        [
            r["system"],
            "fp32" if r["quantize"] == "none" else r["quantize"],
            _cell(r["batch_size"]),
            r["articles_per_s"],
            _cell(r["p50_ms"], ".0f"),
            _cell(r["p95_ms"], ".0f"),
            _cell(r["peak_rss_mb"], ".0f"),
            _ratio(r),
        ]
        for r in rows
    ]
    header = ["system", "weights", "batch", "articles/s", "p50 ms", "p95 ms", "peak RSS MB", "vs anchor"]
    return [
        "## Speed: abstractive against the transformers recipes",
        "",
        f"Same run, same {work.get('articles', '?')} articles cut to {work.get('input_tokens', '?')} tokens, "
        f"{work.get('shape', '?')} shape with random weights, greedy, exactly {work.get('headline_tokens', '?')} "
        f"headline + {work.get('paragraph_tokens', '?')} paragraph tokens, {work.get('threads', '?')} torch threads. "
        f"Ours writes the headline by the model's policy, {work.get('headline_policy', '?')} "
        "(from-paragraph: compressed from the paragraph, no second decode); the recipes decode both. "
        "The anchor of each row is the batched recipe (one padded batch, one `generate` per output) of the same "
        "precision; the per-article recipe is the reference. Latency percentiles are real per-article timings, "
        f"so batched rows have none. Batched rows are the median of {work.get('rounds', 1)} interleaved rounds "
        "(anchor, ours, anchor, ours, ...).",
        "",
        *[f"- {claim}" for claim in claims],
        "",
        *table(header, out),
    ]


def scaling_section(results: Results) -> Lines:
    """Ours against batch size, per backend.

    Rows: backend, batch_size, articles, threads, articles_per_s, peak_rss_mb,
    vs_first (speed against the smallest batch).
    """
    rows = results.get("scaling")
    if not rows:
        return []
    out = [
        [r["backend"], r["batch_size"], r["articles_per_s"], _cell(r["peak_rss_mb"], ".0f"), f"{r['vs_first']:.2f}x"]
        for r in rows
    ]
    header = ["backend", "batch size", "articles/s", "peak RSS MB", f"vs batch {rows[0]['batch_size']}"]
    return [f"## Scaling with batch size ({rows[0]['articles']} articles, fp32)", "", *table(header, out)]


def long_input_section(results: Results) -> Lines:
    """Ours on whole articles: long_input truncate against chunk (issue #12).

    Rows (key `long_input`): long_input, articles, threads, articles_per_s, peak_rss_mb.
    """
    rows = results.get("long_input")
    if not rows:
        return []
    speeds = {r["long_input"]: r["articles_per_s"] for r in rows}
    out = [[r["long_input"], r["articles_per_s"], _cell(r["peak_rss_mb"], ".0f")] for r in rows]
    lines = [
        f"## Long articles ({rows[0]['articles']} whole articles, not cut to the input limit, fp32)",
        "",
        "`truncate` summarises each article's first 512 tokens, with a note saying how much was left out; "
        "`chunk` summarises every chunk, then the chunk summaries.",
        "",
        *table(["long_input", "articles/s", "peak RSS MB"], out),
    ]
    if {"truncate", "chunk"} <= set(speeds) and speeds["chunk"]:
        lines += ["", f"truncate is {speeds['truncate'] / speeds['chunk']:.1f}x faster than chunk on these articles."]
    return lines


def scaleout_section(results: Results) -> Lines:
    """Scale-out (issue #14): one process, local workers and Ray actors, per engine.

    Rows (key `scaleout`): engine, setup, articles, articles_per_s,
    articles_per_s_after_startup (Ray's per-job cost taken out), startup_s
    (ray.init), first_job_s, job_overhead_s, peak_mb (per process or actor);
    None where a figure does not apply.
    """
    rows = results.get("scaleout")
    if not rows:
        return []
    out = [
        [
            r["engine"],
            r["setup"],
            r["articles"],
            r["articles_per_s"],
            r.get("articles_per_s_after_startup"),
            _cell(r.get("startup_s"), ".1f"),
            _cell(r.get("first_job_s"), ".1f"),
            _cell(r.get("job_overhead_s"), ".1f"),
            _cell(r.get("peak_mb"), ".0f"),
        ]
        for r in rows
    ]
    header = ["engine", "setup", "articles", "articles/s", "articles/s less Ray's job overhead", "ray.init s"]
    header += ["first job s", "job overhead s", "peak MB per process"]
    return ["## Scale-out: local workers and Ray Data", "", *table(header, out)]


SECTIONS: list[Callable[[Results], Lines]] = [
    quality_section,
    defects_section,
    invariance_section,
    faithfulness_section,
    chat_section,
    extractive_section,
    abstractive_section,
    scaling_section,
    long_input_section,
    scaleout_section,
]


def report(results: Results) -> str:
    """The Markdown report: a header, then every section that has data, then the notes."""
    hw = results["hardware"]
    lines = [
        "# Benchmark report",
        "",
        f"{results['date']} · `{results['command']}` · summarize {results['version']} · {results['seconds']} s",
        "",
        f"Hardware: {hw['cpu']}, {hw['cores']} cores, torch {hw['torch']}, GPU: {hw['gpu'] or 'none'}",
        "",
    ]
    for section in SECTIONS:
        body = section(results)
        if body:
            lines += [*body, ""]
    lines += ["Notes:", *[f"- {note}" for note in results["notes"]]]
    return "\n".join(lines) + "\n"


def plot(results: Results, path: Path) -> None:
    """Scatter: articles/s (log x) against ROUGE-1 on CNN/DailyMail, one point per extractive system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    quality = {
        r["system"]: r["rouge1"]["mean"]
        for r in results.get("quality", [])
        if r.get("dataset") == "cnndm" and "rouge1" in r
    }
    speed = {r["system"]: r["articles_per_s"] for r in results.get("extractive", [])}
    # The workers row has the same output as the single-process one (tested), so the same quality.
    for system in speed:
        if system.startswith("summarize textrank, "):
            quality[system] = quality.get("summarize textrank", float("nan"))
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for system in sorted(quality.keys() & speed.keys()):
        ours = system.startswith("summarize")
        ax.scatter(speed[system], quality[system], s=80, color="tab:red" if ours else "tab:blue", zorder=3)
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

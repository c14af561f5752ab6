"""`make bench-serve`: load test of `summarize serve` on 127.0.0.1.

A bounded asyncio client (a fixed number of requests, each with a time limit)
drives real server processes at concurrency 1, 8 and 32: TextRank, and the
abstractive engine on the t5-small shape with random weights and fixed output
lengths, with micro-batching and with --max-batch 1. A soak at concurrency 32
samples the server's RSS. Writes bench/serve.json and bench/SERVE.md.

    python -m benchmarks.serve_bench [--soak-s 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from benchmarks.measure import percentile_ms
from benchmarks.random_models import SHAPES
from benchmarks.workload import BENCH_MODEL, EVAL_DIR, ROOT, fit_inputs, fixed_lengths, random_model
from summarize.summarizer import EMPTY_OUTPUT

# Short fixed outputs keep the abstractive runs within minutes on 2 cores.
SERVE_FIXED = {"headline": 8, "paragraph": 32}
# The status column's name for a 422 that says the model wrote nothing printable.
EMPTY_CODE = "422 empty output"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A `summarize serve` subprocess on a free loopback port."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "summarize.cli", "serve", "--port", str(self.port), *args]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def wait_ready(self, timeout_s: float = 120) -> dict[str, Any]:
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            try:
                response = httpx.get(f"{self.url}/readyz", timeout=2)
                if response.status_code == 200:
                    return dict(response.json())
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server on {self.url} not ready in {timeout_s} s")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def load(url: str, texts: list[str], concurrency: int, requests: int, timeout_s: float = 120) -> dict[str, Any]:
    """Sends `requests` requests with `concurrency` in flight; returns rates and latencies."""
    latencies: list[float] = []
    codes: dict[str, int] = {}
    counter = iter(range(requests))

    async def worker(client: httpx.AsyncClient) -> None:
        for i in counter:
            start = time.perf_counter()
            try:
                response = await client.post(f"{url}/v1/summarize", json={"text": texts[i % len(texts)], "id": str(i)})
                code = str(response.status_code)
                if response.status_code == 422 and str(EMPTY_OUTPUT) in response.text:
                    # Random weights may decode nothing printable: the server
                    # did the model's work and answered as documented.
                    code = EMPTY_CODE
            except httpx.HTTPError:
                code = "no answer"
            latencies.append(time.perf_counter() - start)
            codes[code] = codes.get(code, 0) + 1

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=timeout_s, limits=limits) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        seconds = time.perf_counter() - start
    return {
        "concurrency": concurrency,
        "requests": requests,
        "seconds": seconds,
        "rps": requests / seconds,
        "p50_ms": percentile_ms(latencies, 0.5),
        "p95_ms": percentile_ms(latencies, 0.95),
        "p99_ms": percentile_ms(latencies, 0.99),
        "codes": dict(sorted(codes.items())),
    }


async def soak(server: Server, texts: list[str], seconds: float, concurrency: int = 32) -> dict[str, Any]:
    """Load at `concurrency` for `seconds`, sampling the server's RSS every few seconds."""
    samples: list[tuple[float, float]] = []
    stop_at = time.time() + seconds
    total = {"requests": 0, "errors": 0}

    async def worker(client: httpx.AsyncClient, n: int) -> None:
        i = n
        while time.time() < stop_at:
            try:
                response = await client.post(f"{server.url}/v1/summarize", json={"text": texts[i % len(texts)]})
                total["errors"] += response.status_code != 200
            except httpx.HTTPError:
                total["errors"] += 1
            total["requests"] += 1
            i += concurrency

    async def sampler() -> None:
        start = time.time()
        while time.time() < stop_at:
            samples.append((time.time() - start, server.rss_mb()))
            await asyncio.sleep(min(10.0, max(1.0, seconds / 30)))

    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=concurrency)) as client:
        await asyncio.gather(sampler(), *(worker(client, n) for n in range(concurrency)))
    rss = [mb for _, mb in samples]
    settled = rss[len(rss) // 4 :] or rss  # after warm-up
    return {
        "seconds": seconds,
        "concurrency": concurrency,
        **total,
        "rss_mb_samples": samples,
        "rss_mb_first": rss[0],
        "rss_mb_settled_min": min(settled),
        "rss_mb_settled_max": max(settled),
        "rss_mb_last": rss[-1],
    }


def _texts(eval_dir: Path) -> list[str]:
    path = eval_dir / "cnndm_dev.jsonl"
    if path.exists():
        return [json.loads(line)["article"] for line in path.open()][:64]
    return [p.read_text() for p in sorted((ROOT / "seeds").glob("*.txt"))]


def _row(label: str, result: dict[str, Any]) -> str:
    return (
        f"| {label} | {result['concurrency']} | {result['requests']} | {result['rps']:.2f} | {result['p50_ms']:.0f} | "
        f"{result['p95_ms']:.0f} | {result['p99_ms']:.0f} | {json.dumps(result['codes'])} |"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--soak-s", type=float, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR, help="where cnndm_dev.jsonl is (else seeds/)")
    parser.add_argument("--requests", type=int, default=400, help="TextRank requests at each concurrency")
    parser.add_argument(
        "--abstractive-requests",
        type=int,
        default=48,
        help="abstractive requests at concurrency 8 (1: a sixth; 32: twice)",
    )
    parser.add_argument("--shape", choices=sorted(SHAPES), default="t5-small", help="the random model's shape")
    return parser.parse_args(argv)


Record = Callable[[str, dict[str, Any]], None]


def measure(coroutine: Coroutine[Any, Any, dict[str, Any]]) -> dict[str, Any]:
    """Runs one client load to its end, in a thread of its own."""
    # After an httpx client under asyncio.run (Python 3.11), coverage.py loses
    # its place in that thread's frames; a thread of its own keeps the
    # caller's lines measured. The load's timing is the same.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def run_textrank(texts: list[str], args: argparse.Namespace, record: Record) -> dict[str, Any]:
    """TextRank at concurrency 1, 8 and 32, then the soak; returns the soak's result."""
    server = Server(["--method", "textrank", "--max-batch", "32"])
    try:
        server.wait_ready()
        for concurrency in (1, 8, 32):
            record("textrank", measure(load(server.url, texts, concurrency, args.requests)))
        print(f"soak: {args.soak_s:.0f} s at concurrency 32 ...", flush=True)
        return measure(soak(server, texts, args.soak_s))
    finally:
        server.stop()


def run_abstractive(texts: list[str], args: argparse.Namespace, record: Record) -> None:
    """The random model of `args.shape`, with micro-batching and with --max-batch 1."""
    n = args.abstractive_requests
    lengths = fixed_lengths(SERVE_FIXED["headline"], SERVE_FIXED["paragraph"])
    with random_model(args.shape, texts, lengths) as (model_dir, registry):
        inputs = fit_inputs(model_dir, texts)
        env = {**os.environ, "SUMMARIZE_REGISTRY": str(registry)}
        for label, max_batch, plan in (
            ("abstractive, micro-batching (max 16)", 16, ((1, max(1, n // 6)), (8, n), (32, 2 * n))),
            ("abstractive, --max-batch 1", 1, ((8, n),)),
        ):
            command = ["--method", "abstractive", "--model", BENCH_MODEL, "--device", "cpu"]
            server = Server([*command, "--max-batch", str(max_batch), "--timeout-s", "600"], env=env)
            try:
                server.wait_ready()
                for concurrency, count in plan:
                    record(label, measure(load(server.url, inputs, concurrency, count, timeout_s=600)))
            finally:
                server.stop()


def findings(results: dict[str, Any], shape: str) -> list[str]:
    """The report's closing lines: micro-batching's gain, requests lost, memory over the soak."""
    by = {(r["server"], r["concurrency"]): r for r in results["runs"]}
    batched = by[("abstractive, micro-batching (max 16)", 8)]["rps"]
    single = by[("abstractive, --max-batch 1", 8)]["rps"]
    results["batching_speedup_c8"] = batched / single
    soak_result = results["soak"]
    answered = ("200", "503", EMPTY_CODE)
    lost = sum(r["requests"] - sum(r["codes"].get(c, 0) for c in answered) for r in results["runs"])
    return [
        f"Micro-batching at concurrency 8: {batched:.2f} req/s against {single:.2f} with --max-batch 1 "
        f"({results['batching_speedup_c8']:.1f}x), abstractive, {shape} shape, random weights, greedy, "
        f"{SERVE_FIXED['headline']} + {SERVE_FIXED['paragraph']} output tokens.",
        f"Requests lost or failed (other than deliberate 503s, and 422s for random weights' empty outputs): {lost}.",
        f"Soak: {soak_result['requests']} TextRank requests in {soak_result['seconds']:.0f} s at concurrency 32, "
        f"{soak_result['errors']} errors; server RSS {soak_result['rss_mb_first']:.0f} MB at the start, "
        f"{soak_result['rss_mb_settled_min']:.0f}–{soak_result['rss_mb_settled_max']:.0f} MB after warm-up, "
        f"{soak_result['rss_mb_last']:.0f} MB at the end.",
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    texts = _texts(args.eval_dir)
    results: dict[str, Any] = {"date": date.today().isoformat(), "command": "make bench-serve", "runs": []}
    lines = [
        "| server | concurrency | requests | req/s | p50 ms | p95 ms | p99 ms | status codes |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def record(label: str, result: dict[str, Any]) -> None:
        results["runs"].append({"server": label, **result})
        lines.append(_row(label, result))
        print(lines[-1], flush=True)

    results["soak"] = run_textrank(texts, args, record)
    run_abstractive(texts, args, record)
    header = f"# Serving benchmark\n\n{results['date']} · `make bench-serve` · 127.0.0.1\n"
    report = "\n".join([header, *lines, "", *[f"- {s}" for s in findings(results, args.shape)]]) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "serve.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "SERVE.md").write_text(report)
    print("\n" + report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

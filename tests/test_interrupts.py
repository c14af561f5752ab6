"""Faults from outside: Ctrl-C at any moment, and SIGKILL then --resume.

Each case runs the real command in a child process. `make test` runs a few
cases; `make fuzz` sets SUMMARIZE_FUZZ_RUNS for many more.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ARTICLE, ROOT

RUNS = int(os.environ.get("SUMMARIZE_FUZZ_RUNS", "2"))
# The console script's entry point, saying when Python has started: a Ctrl-C
# during Python's own start-up is Python's business. (Importing the entry point
# imports nothing else: `summarize` and `summarize.__main__` load lazily.)
ENTRY = [
    sys.executable,
    "-c",
    "import sys; from summarize.__main__ import main; print('started', file=sys.stderr, flush=True); main()",
]
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def start(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*ENTRY, *args, "--method", "textrank"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal gives it
    )


def article(i: int) -> str:
    return f"The council published its report number {i} on the budget on Monday. " + ARTICLE


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """400 articles as files, and the same as JSONL records."""
    folder = tmp_path_factory.mktemp("corpus")
    with open(folder / "all.jsonl", "w") as handle:
        for i in range(400):
            (folder / f"{i:03d}.txt").write_text(article(i))
            handle.write(json.dumps({"id": str(i), "text": article(i)}) + "\n")
    return folder


@pytest.mark.slow
@pytest.mark.skipif(CORES < 2, reason="--workers 2 needs two cores")
def test_ctrl_c_in_the_first_second_with_workers(corpus: Path, tmp_path: Path) -> None:
    delays = [0.0, 0.2, 0.5, 1.0] + [random.uniform(0.0, 1.5) for _ in range(max(0, RUNS - 2) * 4)]
    for delay in delays:
        # The whole process group gets the signal, workers included, as from a terminal.
        child = start([str(corpus), "--workers", "2", "-f", "jsonl", "-o", str(tmp_path / "out.jsonl")])
        assert child.stderr is not None and child.stderr.readline() == "started\n"
        time.sleep(delay)
        os.killpg(child.pid, signal.SIGINT)
        _, err = child.communicate(timeout=120)
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, (delay, err)
        assert child.returncode in (0, 130), (delay, child.returncode, err)
        # Interrupted: one line last, or none when the Ctrl-C came while the arguments were parsed.
        lines = err.strip().splitlines()
        assert child.returncode == 0 or not lines or lines[-1].startswith("summarize: interrupted"), (delay, err)


@pytest.mark.slow
def test_sigkill_then_resume_gives_every_record_exactly_once(corpus: Path, tmp_path: Path) -> None:
    source = corpus / "all.jsonl"
    ids = [str(i) for i in range(400)]
    for run in range(RUNS):
        out = tmp_path / f"out{run}.jsonl"
        args = [str(source), "--input-format", "jsonl", "-f", "jsonl", "-o", str(out), "--batch-size", "4"]
        for _ in range(3):  # killed up to three times, resumed each time
            child = start([*args, "--resume"])
            time.sleep(random.uniform(0.3, 3.0))
            child.kill()
            child.wait(timeout=60)
        finish = start([*args, "--resume"])
        _, err = finish.communicate(timeout=300)
        assert finish.returncode == 0, err
        written = [json.loads(line)["id"] for line in out.read_text().splitlines()]
        assert sorted(written, key=int) == ids and len(written) == len(set(written))

"""Models, registries and downloads that go wrong: each is one clear line, auto
falls back to TextRank with a note, nothing waits on the network without a
bound, and transformers' noise stays out of the terminal (issue #15)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ARTICLE, ROOT
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from summarize import cli, models
from summarize.schema import EngineConfig
from summarize.serve import create_app

runner = CliRunner()


def summarize_cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def tools(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.tools, list(args))
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    return path


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Points SUMMARIZE_REGISTRY at a file with the given text."""
    path = tmp_path / "extra.toml"

    def use(text: str) -> None:
        path.write_text(text)
        monkeypatch.setenv("SUMMARIZE_REGISTRY", str(path))
        models.load_registry.cache_clear()

    yield use
    monkeypatch.delenv("SUMMARIZE_REGISTRY", raising=False)
    models.load_registry.cache_clear()


# --- broken model directories ------------------------------------------------------


def broken_copy(source: Path, target: Path, drop: tuple[str, ...] = (), config: str | None = None) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*drop))
    if config is not None:
        (target / "config.json").write_text(config)
    return target


@pytest.mark.parametrize(
    ("drop", "config", "reason"),
    [
        (("tokenizer*", "spiece.model"), None, "has no usable tokenizer"),
        ((), "[]", "could not be loaded"),
    ],
    ids=["no-tokenizer", "config-list"],
)
def test_a_broken_model_directory_is_unavailable_never_empty_output(
    tiny_t5: Path, tmp_path: Path, article: Path, drop: tuple[str, ...], config: str | None, reason: str
) -> None:
    model = broken_copy(tiny_t5, tmp_path / "model", drop, config)
    code, out, _ = summarize_cli(str(article), "--model", str(model), "-f", "jsonl")
    record = json.loads(out)
    assert code == 0 and record["method"] == "textrank" and record["headline"] and record["paragraph"]
    assert reason in record["notes"][0] and "fell back to textrank" in record["notes"][0]
    code, _, err = summarize_cli(str(article), "--model", str(model), "--method", "abstractive")
    assert code == 2 and reason in err


# --- registries --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[broken\n", "is not valid TOML"),
        ("t5-small = 3\n", "must be a table"),
        ("[t5-small]\nheadline = 5\n", "malformed"),
    ],
    ids=["toml", "not-a-table", "bad-field"],
)
def test_a_malformed_registry_falls_back_in_auto_and_is_reported(
    registry: Callable[[str], None], article: Path, text: str, reason: str
) -> None:
    registry(text)
    code, out, _ = summarize_cli(str(article), "-f", "jsonl")
    record = json.loads(out)
    assert code == 0 and record["method"] == "textrank" and reason in record["notes"][0]
    code, _, err = tools("models", "list")
    assert code == 2 and err.count("\n") == 1 and reason in err


def test_a_missing_registry_file_is_one_line(
    monkeypatch: pytest.MonkeyPatch, registry: Callable[[str], None], tmp_path: Path
) -> None:
    registry("")
    monkeypatch.setenv("SUMMARIZE_REGISTRY", str(tmp_path / "nowhere.toml"))
    code, _, err = tools("models", "list")
    assert code == 2 and err.strip().endswith("nowhere.toml: No such file or directory")


def test_readyz_says_why_instead_of_loading_forever(registry: Callable[[str], None]) -> None:
    registry("[broken\n")
    for method, status, field in (("abstractive", 503, "message"), ("auto", 200, "notes")):
        with TestClient(create_app(EngineConfig(method=method))) as client:
            for _ in range(400):
                ready = client.get("/readyz")
                if ready.json().get("message") != "loading":
                    break
                time.sleep(0.05)
            assert ready.status_code == status and "not valid TOML" in str(ready.json()[field])
            assert client.get("/v1/models").json()["error"]["code"] == 503


# --- downloads ---------------------------------------------------------------------


def test_a_bad_hub_timeout_setting_is_one_line(monkeypatch: pytest.MonkeyPatch, article: Path) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("SUMMARIZE_HUB_TIMEOUT", "abc")
    code, _, err = tools("models", "pull", "t5-small")
    assert code == 2
    assert err.strip() == "summarize: error: SUMMARIZE_HUB_TIMEOUT must be a positive number of seconds, not 'abc'"
    code, out, _ = summarize_cli(str(article), "--allow-download", "-f", "jsonl")
    assert code == 0 and "SUMMARIZE_HUB_TIMEOUT" in json.loads(out)["notes"][0]


class _Hub(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def _serve(answer: Callable[[socket.socket, str], None]) -> Iterator[str]:
    """A server on 127.0.0.1 that reads each request head and hands it to `answer`."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            head = b""
            while b"\r\n\r\n" not in head:
                piece = self.request.recv(4096)
                if not piece:
                    return
                head += piece
            try:
                answer(self.request, head.split(b" ")[1].decode())
            except OSError:
                pass  # the client gave up

    server = _Hub(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _silent(sock: socket.socket, path: str) -> None:
    time.sleep(60)  # accepts, reads, never answers


def _trickling(sock: socket.socket, path: str) -> None:
    """Answers the repository lookups at once, then trickles every file: a byte
    every 0.2 s keeps any per-read timeout from firing."""
    if path.startswith("/api/"):
        listing = [{"type": "file", "path": "config.json", "size": 10, "oid": "b" * 40}]
        body = json.dumps(listing if "/tree/" in path else {"id": "x/y", "sha": "a" * 40, "siblings": []}).encode()
        sock.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body))
        sock.sendall(body)
        return
    sock.sendall(b"HTTP/1.1 200 OK\r\nx-pad: ")
    for _ in range(300):
        sock.sendall(b"a")
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("answer", "settings", "reason"),
    [
        (_silent, {"SUMMARIZE_HUB_TIMEOUT": "1"}, "cannot download t5-small"),
        (_trickling, {"SUMMARIZE_HUB_TIMEOUT": "2", "SUMMARIZE_DOWNLOAD_DEADLINE": "3"}, "not done within 3 s"),
    ],
    ids=["never-answers", "trickles"],
)
def test_models_pull_is_bounded_against_a_stuck_hub(
    tmp_path: Path, answer: Callable[[socket.socket, str], None], settings: dict[str, str], reason: str
) -> None:
    for endpoint in _serve(answer):
        env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
        env.update(settings, HF_ENDPOINT=endpoint, HF_HOME=str(tmp_path), HF_HUB_DISABLE_TELEMETRY="1")
        env.pop("HF_HUB_CACHE", None)
        start = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "summarize", "models", "pull", "t5-small"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        # The bound is the settings' few seconds; the rest is start-up on a busy machine.
        assert time.monotonic() - start < 60
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert reason in result.stderr.strip().splitlines()[-1]


# --- noise -------------------------------------------------------------------------


@pytest.mark.slow
def test_transformers_noise_never_reaches_the_terminal(tiny_t5: Path, tmp_path: Path, article: Path) -> None:
    from safetensors.torch import load_file, save_file

    model = broken_copy(tiny_t5, tmp_path / "model")
    weights = load_file(model / "model.safetensors")
    weights["stray.weight"] = next(iter(weights.values())).clone()  # an unexpected key: a LOAD REPORT
    save_file(weights, model / "model.safetensors", metadata={"format": "pt"})
    # length_penalty with one beam: a generation flag transformers warns about.
    (tmp_path / "fast.toml").write_text(
        f'[noisy]\npath = "{model}"\nheadline = {{ num_beams = 1, max_new_tokens = 4 }}\n'
        "paragraph = { num_beams = 1, max_new_tokens = 8, length_penalty = 2.0 }\n"
    )
    env = {**os.environ, "SUMMARIZE_REGISTRY": str(tmp_path / "fast.toml")}
    # Without --quiet: what never appears by default cannot appear with it.
    result = subprocess.run(
        [sys.executable, "-m", "summarize", str(article), "--model", "noisy", "--method", "abstractive"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for noise in ("Loading weights", "LOAD REPORT", "generation flags", "it/s]"):
        assert noise not in result.stderr

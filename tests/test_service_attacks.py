"""The HTTP service under attack, on 127.0.0.1 only, bounded in count and time:
every answer is JSON with a documented code, memory and time stay bounded,
and nothing in flight is lost at shutdown (issue #15)."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest
from conftest import ARTICLE, ROOT

from summarize.batcher import MicroBatcher, Overloaded, ShuttingDown
from summarize.schema import CallSettings, Document, Summary


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`summarize serve --method textrank` in a child process."""

    def __init__(self, *flags: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "summarize", "serve", "--method", "textrank", "--port", str(self.port), *flags],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(600):
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self, timeout: float = 60) -> str:
        self.process.terminate()
        return self.process.communicate(timeout=timeout)[1]


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server("--read-timeout-s", "2", "--max-queue", "64", "--timeout-s", "20")
    yield running
    log = running.stop()
    assert "Traceback" not in log and "Exception in ASGI application" not in log
    assert log.count("client went away while sending its body") == 1


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    """A plain urllib client, the kind that resets when the server answers before reading."""
    request = urllib.request.Request(
        f"{url}/v1/summarize", data=body, headers=headers or {"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def raw(port: int, data: bytes, wait: float = 10) -> bytes:
    """Sends bytes on a fresh connection and returns what comes back before it closes."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(data)
        sock.settimeout(wait)
        answer = b""
        while piece := sock.recv(65536):
            answer += piece
        return answer


def error_of(answer: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)["error"]


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [("GET", "/nowhere", 404), ("DELETE", "/healthz", 405), ("GET", "/v1/summarize", 405)],
)
def test_every_error_is_json(server: Server, method: str, path: str, code: int) -> None:
    response = httpx.request(method, f"{server.url}{path}", timeout=10)
    assert response.status_code == code and response.json()["error"]["code"] == code


def test_docs_page_needs_nothing_from_the_network(server: Server) -> None:
    page = httpx.get(f"{server.url}/docs", timeout=10).text
    assert "/v1/summarize" in page and "<script" not in page and "http" not in page.replace("/openapi.json", "")


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, 400, "nested too deeply"),
        (json.dumps({"text": ARTICLE, "options": {"paragraph_words": float("inf")}}).encode(), 422, "paragraph-words"),
        (json.dumps({"text": ARTICLE, "options": {"headline_words": True}}).encode(), 422, "headline-words"),
        (json.dumps({"text": ARTICLE, "options": {"num_beams": 2000}}).encode(), 422, "num-beams"),
        (json.dumps({"text": ARTICLE, "options": {"method": "abstractive"}}).encode(), 422, "not settable"),
        (json.dumps({"text": "..."}).encode(), 422, "no words to summarise"),
        (json.dumps({"documents": [{"text": ARTICLE}] * 65}).encode(), 413, "at most 64"),
        (json.dumps({"documents": [{"text": "a"}] * 100_000}).encode(), 413, "at most 64"),
        (b"x" * 3_000_000, 413, "limit"),  # Content-Length over the limit: read (bounded), then answered
    ],
    ids=["deep", "inf", "true", "beams", "method", "nothing", "over-queue", "100k-docs", "big-body"],
)
def test_hostile_bodies_get_json_errors(server: Server, body: bytes, code: int, message: str) -> None:
    start = time.monotonic()
    status, answer = post(server.url, body)
    assert status == code and answer["error"]["code"] == code and message in answer["error"]["message"]
    assert time.monotonic() - start < 10


def test_lone_surrogates_are_replaced_not_fatal(server: Server) -> None:
    body = '{"id": "x\\udc80", "text": "' + ARTICLE + ' A lone \\ud800 here."}'
    status, record = post(server.url, body.encode())
    assert status == 200 and record["id"] == "x\ufffd" and "1 lone surrogate(s) replaced" in record["notes"]


def test_a_huge_chunked_body_is_cut_off_not_read(server: Server) -> None:
    before = server.rss_mb()
    sent = 0
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"POST /v1/summarize HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n")
        chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
        try:
            while sent < 200 * 2**20:
                sock.sendall(chunk)
                sent += 0x10000
        except OSError:
            pass  # the server closed the connection: what we want
        sock.settimeout(10)
        code, error = error_of(sock.recv(65536))
    assert code == 413 and error["code"] == 413
    assert sent < 64 * 2**20 and server.rss_mb() - before < 64


@pytest.mark.parametrize(
    "request_bytes",
    [b"POST /v1/summarize HTTP/1.1\r\nho", b"POST /v1/summarize HTTP/1.1\r\nhost: x\r\ncontent-length: 99\r\n\r\n{"],
    ids=["slow-head", "slow-body"],
)
def test_slow_clients_are_timed_out_with_408(server: Server, request_bytes: bytes) -> None:
    start = time.monotonic()
    code, error = error_of(raw(server.port, request_bytes))
    assert code == 408 and error["code"] == 408 and 1.5 < time.monotonic() - start < 10


def test_a_client_gone_mid_body_is_one_log_line(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"POST /v1/summarize HTTP/1.1\r\nhost: x\r\ncontent-length: 500\r\n\r\n{")
    time.sleep(0.5)  # the fixture checks the log for the line, and for no traceback


def test_concurrent_clients_lose_nothing(server: Server) -> None:
    def call(i: int) -> str:
        status, record = post(server.url, json.dumps({"text": ARTICLE, "id": str(i)}).encode())
        assert status in (200, 503)
        return str(record.get("id", "retry"))

    results: list[str] = []
    threads = [threading.Thread(target=lambda i=i: results.append(call(i))) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 40 and all(r == "retry" or r.isdigit() for r in results)


@pytest.mark.slow
def test_sigterm_answers_every_request_in_flight_with_json() -> None:
    server = Server("--max-batch", "1", "--shutdown-grace-s", "1", "--timeout-s", "60")
    long = " ".join(f"Sentence number {i} says the council met about the budget of the city." for i in range(300))
    answers: list[tuple[int, dict[str, object]]] = []

    def call(i: int) -> None:
        body = json.dumps({"documents": [{"text": long, "id": f"{i}-{k}"} for k in range(30)]}).encode()
        answers.append(post(server.url, body))

    threads = [threading.Thread(target=call, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    start = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    for thread in threads:
        thread.join(timeout=60)
    log = server.process.communicate(timeout=60)[1]
    assert time.monotonic() - start < 15  # the grace (1 s), then a margin for a busy machine
    assert len(answers) == 3 and "Traceback" not in log
    for status, answer in answers:
        assert status == 200 or (status == 503 and answer["error"]["message"].startswith("shutting down"))


# --- the batcher's limits, in-process ------------------------------------------------


def slow_echo(seen: list[str], seconds: float = 0.2):  # type: ignore[no-untyped-def]
    def run(docs: Sequence[Document], call: CallSettings) -> list[Summary]:
        time.sleep(seconds)
        seen.extend(d.id for d in docs)
        return [Summary(d.id, d.text, d.text, "textrank") for d in docs]

    return run


def test_admission_is_all_or_nothing() -> None:
    async def main() -> None:
        batcher = MicroBatcher(slow_echo([]), wait_ms=1, max_batch=1, max_queue=4)
        batcher.start()
        first = asyncio.ensure_future(batcher.submit_many([Document("a", "x"), Document("b", "x")], CallSettings()))
        await asyncio.sleep(0)
        with pytest.raises(Overloaded):
            await batcher.submit_many([Document(str(i), "x") for i in range(3)], CallSettings())
        assert batcher.queue.qsize() <= 2  # none of the refused request was queued
        assert [s.id for s in await first] == ["a", "b"]
        await batcher.stop()

    asyncio.run(main())


def test_timed_out_work_stops_consuming_the_engine() -> None:
    seen: list[str] = []

    async def main() -> None:
        batcher = MicroBatcher(slow_echo(seen), wait_ms=1, max_batch=1)
        batcher.start()
        with pytest.raises(TimeoutError):
            await batcher.submit_many([Document(str(i), "x") for i in range(10)], CallSettings(), timeout_s=0.3)
        await asyncio.sleep(1.0)
        await batcher.stop()

    asyncio.run(main())
    assert len(seen) <= 3  # the batch running at the deadline finishes; the other seven never run


def test_stop_is_bounded_and_fails_what_is_left() -> None:
    async def main() -> list[object]:
        batcher = MicroBatcher(slow_echo([], seconds=5), wait_ms=1, max_batch=1)
        batcher.start()
        waiting = [asyncio.ensure_future(batcher.submit(Document(str(i), "x"), CallSettings())) for i in range(3)]
        await asyncio.sleep(0.1)
        start = time.monotonic()
        await batcher.stop(grace_s=0.3)
        assert time.monotonic() - start < 2
        return list(await asyncio.gather(*waiting, return_exceptions=True))

    assert all(isinstance(result, ShuttingDown) for result in asyncio.run(main()))


def test_a_bug_is_a_json_500(monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from summarize.schema import EngineConfig
    from summarize.serve import create_app
    from summarize.summarizer import Summarizer

    def broken(self: Summarizer, docs: Sequence[Document], call: CallSettings) -> list[Summary]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(Summarizer, "run_batch", broken)
    with TestClient(create_app(EngineConfig(method="textrank")), raise_server_exceptions=False) as client:
        for _ in range(200):
            if client.get("/readyz").status_code == 200:
                break
            time.sleep(0.02)
        response = client.post("/v1/summarize", json={"text": ARTICLE})
    assert response.status_code == 500 and response.json()["error"]["code"] == 500
    assert "RuntimeError" in response.json()["error"]["message"]

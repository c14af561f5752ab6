"""The HTTP service: every endpoint and error code, and a real server under concurrent load."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from conftest import ARTICLE, ROOT, SEED
from fastapi.testclient import TestClient

from summarize.schema import EngineConfig
from summarize.serve import ServeSettings, create_app


@pytest.fixture
def client() -> TestClient:
    app = create_app(EngineConfig(method="textrank"), ServeSettings(max_body_bytes=64 * 1024, timeout_s=10))
    with TestClient(app) as test_client:
        for _ in range(100):
            if test_client.get("/readyz").status_code == 200:
                break
            time.sleep(0.02)
        yield test_client


def test_health_ready_models(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["engine"] == "textrank" and ready["model"] is None
    names = {m["name"] for m in client.get("/v1/models").json()}
    assert "t5-small" in names
    assert "/v1/summarize" in client.get("/openapi.json").json()["paths"]


def test_summarize_one_and_many(client: TestClient) -> None:
    record = client.post("/v1/summarize", json={"text": SEED.read_text(), "id": "seed"}).json()
    assert set(record) == {"id", "headline", "paragraph", "method", "sources", "model", "notes"}
    assert record["id"] == "seed" and record["headline"].startswith("Blinken")
    many = client.post(
        "/v1/summarize",
        json={"documents": [{"text": ARTICLE, "id": "a"}, {"text": SEED.read_text()}], "options": {"sentences": 1}},
    ).json()
    assert [r["id"] for r in many["results"]] == ["a", "1"]
    assert many["results"][0]["paragraph"].count(". ") == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", 400),
        (json.dumps({"text": "   "}).encode(), 400),
        (json.dumps({"documents": []}).encode(), 400),
        (json.dumps([1, 2]).encode(), 400),
        (json.dumps({"text": ARTICLE, "options": {"paragraph_words": 0}}).encode(), 422),
        (json.dumps({"text": ARTICLE, "options": {"model": "other"}}).encode(), 422),
        (json.dumps({"text": ARTICLE, "options": {"method": "magic"}}).encode(), 422),
        (json.dumps({"text": ARTICLE, "options": {"method": "abstractive"}}).encode(), 422),
        (json.dumps({"text": ARTICLE, "options": {"headline_words": 5.5}}).encode(), 422),
        (json.dumps({"text": ARTICLE, "options": {"paragraph_words": True}}).encode(), 422),
        (json.dumps({"text": ARTICLE, "options": {"paragraph_words": float("nan")}}).encode(), 422),
        (json.dumps({"text": ARTICLE, "options": {"paragraph_words": 1e308}}).encode(), 422),
        (json.dumps({"text": ARTICLE, "options": {"num_beams": 2000}}).encode(), 422),
        (json.dumps({"text": ARTICLE, "options": {"on_flag": "ignore"}}).encode(), 422),
        (json.dumps({"text": ARTICLE, "options": {"threads": 4}}).encode(), 422),
        (json.dumps({"text": ARTICLE, "options": []}).encode(), 422),
        (json.dumps({"text": "x" * 70_000}).encode(), 413),
    ],
)
def test_errors_are_json_with_code(client: TestClient, body: bytes, code: int) -> None:
    response = client.post("/v1/summarize", content=body, headers={"content-type": "application/json"})
    assert response.status_code == code
    assert response.json()["error"]["code"] == code and response.json()["error"]["message"]


def test_overload_and_timeout_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    from summarize import batcher as batcher_module

    async def overloaded(self, docs, options, timeout_s=None):  # type: ignore[no-untyped-def]
        raise batcher_module.Overloaded("queue full")

    async def too_slow(self, docs, options, timeout_s=None):  # type: ignore[no-untyped-def]
        raise TimeoutError

    for fake, code in ((overloaded, 503), (too_slow, 504)):
        monkeypatch.setattr(batcher_module.MicroBatcher, "submit_many", fake)
        with TestClient(create_app(EngineConfig(method="textrank"))) as client:
            for _ in range(100):
                if client.get("/readyz").status_code == 200:
                    break
                time.sleep(0.02)
            response = client.post("/v1/summarize", json={"text": ARTICLE})
            assert response.status_code == code and response.json()["error"]["code"] == code


def test_unready_engine_answers_503() -> None:
    app = create_app(EngineConfig(method="abstractive"))  # no model here: never ready
    with TestClient(app) as client:
        for _ in range(400):
            if client.get("/readyz").json()["message"] != "loading":
                break
            time.sleep(0.05)
        assert client.get("/readyz").status_code == 503
        assert "not in cache" in client.get("/readyz").json()["message"]
        assert client.post("/v1/summarize", json={"text": ARTICLE}).status_code == 503


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_real_server_concurrent_requests() -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "summarize.cli", "serve", "--method", "textrank", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        texts = [SEED.read_text(), ARTICLE] * 10

        def call(i: int) -> dict[str, object]:
            response = httpx.post(f"{url}/v1/summarize", json={"text": texts[i], "id": str(i)}, timeout=30)
            assert response.status_code == 200
            return response.json()

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(call, range(len(texts))))
        assert [r["id"] for r in results] == [str(i) for i in range(len(texts))]
        assert results[0]["headline"].startswith("Blinken") and results[1]["paragraph"].startswith("The city council")
    finally:
        server.terminate()
        # uvicorn finishes what is in flight, then re-raises SIGTERM as its exit status.
        _, log = server.communicate(timeout=30)
        assert "Application shutdown complete" in log

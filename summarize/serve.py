"""`summarize serve`: the HTTP service (FastAPI), with micro-batching and limits.

    POST /v1/summarize   {"text": ..., "id"?: ..., "options"?: {...}} or {"documents": [...]}
    GET  /healthz        liveness
    GET  /readyz         ready once the engine has loaded; says which engine and model
    GET  /v1/models      the registry, and what is available locally

Errors are JSON, {"error": {"code": N, "message": "..."}}: 400 bad JSON or
empty text, 413 body over the limit, 422 bad option, 503 overloaded or still
loading, 504 over the time limit.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from summarize import __version__
from summarize.batcher import MicroBatcher, Overloaded
from summarize.schema import CallSettings, Document, EngineConfig, UsageError, names
from summarize.summarizer import Summarizer

log = logging.getLogger(__name__)

# What a request may change: the per-call settings. The engine, model and
# device belong to the server.
REQUEST_OPTIONS = frozenset(names(CallSettings))
_DOC: dict[str, Any] = {
    "type": "object",
    "required": ["text"],
    "properties": {"text": {"type": "string"}, "id": {"type": "string"}},
}
_OPTIONS = {
    "type": "object",
    "properties": {name: {} for name in sorted(REQUEST_OPTIONS)},
    "additionalProperties": False,
}
# The body is read by hand (to enforce the size limit first); this documents it.
REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {**_DOC, "properties": {**_DOC["properties"], "options": _OPTIONS}},
                        {
                            "type": "object",
                            "required": ["documents"],
                            "properties": {"documents": {"type": "array", "items": _DOC}, "options": _OPTIONS},
                        },
                    ]
                }
            }
        },
    }
}


@dataclass(frozen=True)
class ServeSettings:
    """The server's limits.

    Attributes:
      batch_wait_ms: how long a request waits for others to share its batch.
      max_batch: most documents in one engine batch.
      max_queue: most documents waiting; past this, 503 at once.
      max_body_bytes: largest request body; past this, 413.
      timeout_s: longest a request may take; past this, 504.
    """

    batch_wait_ms: float = 10
    max_batch: int = 16
    max_queue: int = 256
    max_body_bytes: int = 2 * 1024 * 1024
    timeout_s: float = 60


class ApiError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _call_settings(requested: Any) -> CallSettings:
    """Validates a request's options: only per-call settings, each by type and range."""
    if requested is None:
        return CallSettings()
    if not isinstance(requested, dict):
        raise ApiError(422, "options must be an object")
    fixed = set(requested) - REQUEST_OPTIONS
    if fixed:
        raise ApiError(
            422,
            f"option(s) not settable per request: {', '.join(sorted(fixed))}; "
            f"a request may set {', '.join(sorted(REQUEST_OPTIONS))}",
        )
    try:
        return CallSettings.from_mapping(requested)
    except UsageError as err:
        raise ApiError(422, str(err)) from None


def _document(item: Any, fallback_id: str) -> Document:
    if not isinstance(item, dict):
        raise ApiError(400, "each document must be an object with a text field")
    text = item.get("text")
    if not isinstance(text, str):
        raise ApiError(400, "text must be a string")
    if not text.strip():
        raise ApiError(400, "empty text")
    return Document(str(item.get("id", fallback_id)), text)


def create_app(config: EngineConfig | None = None, settings: ServeSettings | None = None) -> FastAPI:
    """Builds the FastAPI application. It holds one Summarizer.

    Args:
      config: the server's load-time settings (engine, model, device...).
      settings: batching and limits.

    Returns:
      The app; the engine loads in the background at startup.
    """
    base = config or EngineConfig()
    limits = settings or ServeSettings()
    state: dict[str, Any] = {"summarizer": None, "batcher": None, "error": None}

    async def load() -> None:
        try:
            summarizer = await asyncio.to_thread(Summarizer, base)
        except UsageError as err:
            state["error"] = str(err)
            log.error("engine failed to load: %s", err)
            return
        state["summarizer"] = summarizer
        batcher = MicroBatcher(summarizer.run_batch, limits.batch_wait_ms, limits.max_batch, limits.max_queue)
        batcher.start()
        state["batcher"] = batcher
        log.info("ready: %s %s", summarizer.engine.name, summarizer.model or "")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loading = asyncio.create_task(load())
        yield
        await loading
        if state["batcher"] is not None:
            await state["batcher"].stop()  # finish what was accepted

    app = FastAPI(
        title="summarize",
        version=__version__,
        lifespan=lifespan,
        description="Headlines and paragraph summaries of news articles.",
    )

    @app.exception_handler(ApiError)
    async def api_error(request: Request, err: ApiError) -> JSONResponse:
        return JSONResponse({"error": {"code": err.code, "message": err.message}}, status_code=err.code)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Liveness: the process is up."""
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        """Readiness: the engine has loaded."""
        summarizer = state["summarizer"]
        if summarizer is None:
            message = f"engine failed to load: {state['error']}" if state["error"] else "loading"
            return JSONResponse({"status": "not ready", "message": message}, status_code=503)
        return JSONResponse(
            {
                "status": "ready",
                "engine": summarizer.engine.name,
                "model": summarizer.model,
                "notes": [summarizer.fallback_note] if summarizer.fallback_note else [],
            }
        )

    @app.get("/v1/models")
    async def models() -> list[dict[str, Any]]:
        """The registry's models and whether each is available locally."""
        from summarize.models import model_table

        return model_table()

    @app.post("/v1/summarize", openapi_extra=REQUEST_BODY)
    async def summarize(request: Request) -> Any:
        """Summarise one text, or several documents.

        Body: {"text": "...", "id": "...", "options": {...}} or
        {"documents": [{"text": "...", "id": "..."}], "options": {...}}.
        Options a request may set: the per-call settings (headline_words,
        paragraph_words, sentences, num_beams, long_input, on_flag).
        """
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limits.max_body_bytes:
            raise ApiError(413, f"body over the {limits.max_body_bytes}-byte limit")
        body = await request.body()
        if len(body) > limits.max_body_bytes:
            raise ApiError(413, f"body over the {limits.max_body_bytes}-byte limit")
        try:
            payload = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise ApiError(400, f"body is not valid JSON: {err}") from None
        if not isinstance(payload, dict):
            raise ApiError(400, "body must be a JSON object")
        batcher: MicroBatcher | None = state["batcher"]
        if batcher is None:
            raise ApiError(503, "engine not ready" + (f": {state['error']}" if state["error"] else ", still loading"))
        call = _call_settings(payload.get("options"))
        single = "documents" not in payload
        items = [payload] if single else payload["documents"]
        if not isinstance(items, list) or not items:
            raise ApiError(400, "documents must be a non-empty list")
        docs = [_document(item, str(i)) for i, item in enumerate(items)]
        try:
            summaries = await asyncio.gather(*(batcher.submit(doc, call, limits.timeout_s) for doc in docs))
        except Overloaded as err:
            raise ApiError(503, f"overloaded: {err}; retry later") from None
        except TimeoutError:
            raise ApiError(504, f"not done within {limits.timeout_s:g} s") from None
        if single:
            summary = summaries[0]
            if not summary.ok:
                raise ApiError(500, f"summarisation failed: {summary.error}")
            return summary.to_dict()
        return {"results": [s.to_dict() for s in summaries]}

    return app

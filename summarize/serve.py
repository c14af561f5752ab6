"""`summarize serve`: the HTTP service (FastAPI), with micro-batching and limits.

    POST /v1/summarize   {"text": ..., "id"?: ..., "options"?: {...}} or {"documents": [...]}
    GET  /healthz        liveness
    GET  /readyz         ready once the engine has loaded; says which engine and model
    GET  /v1/models      the registry, and what is available locally
    GET  /docs           the API, as a page that needs nothing from the network

Every error is JSON, {"error": {"code": N, "message": "..."}}: 400 bad JSON
(nested too deeply included) or empty text, 404 and 405, 408 body not sent
within the read timeout, 413 body over the limit or more documents than may
wait, 422 bad option or a text that cannot be summarised, 500 a bug, 503
overloaded, not ready or shutting down, 504 over the time limit.

The body is read by hand, bounded while it is read (chunked or not); the
documents of a request are admitted to the queue all or none; a request that
times out takes its documents out of the work (see `summarize.batcher`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from summarize import __version__
from summarize.apidocs import docs_page
from summarize.batcher import MicroBatcher, Overloaded, ShuttingDown
from summarize.io import json_document
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
      read_timeout_s: longest a client may take to send its request (head
        and body); past this, 408 (see also `summarize.http_server`).
      shutdown_grace_s: on SIGTERM, how long requests in flight may take to
        finish; past this, each is answered 503.
    """

    batch_wait_ms: float = 10
    max_batch: int = 16
    max_queue: int = 256
    max_body_bytes: int = 2 * 1024 * 1024
    timeout_s: float = 60
    read_timeout_s: float = 30
    shutdown_grace_s: float = 20

    @property
    def drain_bytes(self) -> int:
        """How much of a body over the limit is read (and dropped) before the
        413, so that a client still sending it reads the answer instead of a
        connection reset. Past this the connection is closed."""
        return max(4 * self.max_body_bytes, 8 * 1024 * 1024)


class ApiError(Exception):
    def __init__(self, code: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = headers


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
    return json_document(str(item.get("id", fallback_id)), text)


def error_response(code: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The JSON answer for every error: {"error": {"code": N, "message": "..."}}."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=code, headers=headers)


async def read_body(request: Request, limits: ServeSettings) -> bytes:
    """The request body, bounded in size and in time while it is read.

    Raises:
      ApiError: 413 over `max_body_bytes` (after draining a bounded amount),
        408 not sent within `read_timeout_s`.
      ClientDisconnect: the client went away.
    """
    body = bytearray()
    size = 0
    try:
        async with asyncio.timeout(limits.read_timeout_s):
            async for chunk in request.stream():
                size += len(chunk)
                if size <= limits.max_body_bytes:
                    body += chunk
                elif size > limits.drain_bytes:
                    break
    except TimeoutError:
        raise ApiError(
            408, f"request body not received within {limits.read_timeout_s:g} s", {"connection": "close"}
        ) from None
    if size > limits.drain_bytes:
        # The rest is not read: the connection must close, or uvicorn would read it all to reuse the connection.
        raise ApiError(413, f"body over the {limits.max_body_bytes}-byte limit", {"connection": "close"})
    if size > limits.max_body_bytes:
        raise ApiError(413, f"body over the {limits.max_body_bytes}-byte limit")
    return bytes(body)


async def parse_json(body: bytes) -> Any:
    """Parses a body; a big one in a thread, so that the event loop keeps serving.

    Raises:
      ApiError: 400 for anything that is not JSON, nested too deeply included.
    """
    try:
        return await asyncio.to_thread(json.loads, body) if len(body) > 256 * 1024 else json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:  # JSONDecodeError is a ValueError
        raise ApiError(400, f"body is not valid JSON: {err}") from None
    except RecursionError:
        raise ApiError(400, "body is not valid JSON: nested too deeply") from None


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
    state: dict[str, Any] = {"summarizer": None, "batcher": None, "error": None, "closing": False, "loop": None}

    async def load() -> None:
        try:
            summarizer = await asyncio.to_thread(Summarizer, base)
        except Exception as err:  # noqa: BLE001 - /readyz says why, instead of "loading" forever
            state["error"] = str(err) if isinstance(err, UsageError) else f"{type(err).__name__}: {err}"
            log.error("engine failed to load: %s", state["error"])
            return
        state["summarizer"] = summarizer
        batcher = MicroBatcher(summarizer.run_batch, limits.batch_wait_ms, limits.max_batch, limits.max_queue)
        batcher.start()
        state["batcher"] = batcher
        log.info("ready: %s %s", summarizer.engine.name, summarizer.model or "")

    def begin_shutdown() -> None:
        """New requests are refused; those in flight get `shutdown_grace_s`, then 503."""
        if state["closing"]:
            return
        state["closing"] = True
        if state["batcher"] is not None:
            asyncio.get_running_loop().call_later(limits.shutdown_grace_s, state["batcher"].abandon)

    def request_shutdown() -> None:
        """`begin_shutdown` from a signal handler or another thread (see `summarize.http_server`)."""
        if state["loop"] is not None:
            state["loop"].call_soon_threadsafe(begin_shutdown)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state["loop"] = asyncio.get_running_loop()
        loading = asyncio.create_task(load())
        yield
        begin_shutdown()
        await loading
        if state["batcher"] is not None:
            await state["batcher"].stop(limits.shutdown_grace_s)  # finish what was accepted, within the grace

    # /docs is our own page: FastAPI's loads its scripts from a CDN.
    app = FastAPI(
        title="summarize",
        version=__version__,
        lifespan=lifespan,
        description="Headlines and paragraph summaries of news articles.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.request_shutdown = request_shutdown

    @app.exception_handler(ApiError)
    async def api_error(request: Request, err: ApiError) -> JSONResponse:
        return error_response(err.code, err.message, err.headers)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException) -> JSONResponse:
        return error_response(err.status_code, str(err.detail), err.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        return error_response(422, str(err.errors()[:1]))

    @app.exception_handler(Exception)
    async def bug(request: Request, err: Exception) -> JSONResponse:
        log.error("internal error on %s %s: %s: %s", request.method, request.url.path, type(err).__name__, err)
        return error_response(500, f"internal error ({type(err).__name__}); the server log has the details")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(docs_page(app.openapi()))

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
        from summarize.models import ModelUnavailable, model_table

        try:
            return model_table()
        except ModelUnavailable as err:
            raise ApiError(503, str(err)) from None

    @app.post("/v1/summarize", openapi_extra=REQUEST_BODY)
    async def summarize(request: Request) -> Any:
        """Summarise one text, or several documents.

        Body: {"text": "...", "id": "...", "options": {...}} or
        {"documents": [{"text": "...", "id": "..."}], "options": {...}}.
        Options a request may set: the per-call settings (headline_words,
        paragraph_words, sentences, num_beams, long_input, on_flag).
        """
        if state["closing"]:
            raise ApiError(503, "shutting down")
        try:
            body = await read_body(request, limits)
        except ClientDisconnect:
            log.info("client went away while sending its body")
            return error_response(400, "client disconnected")
        payload = await parse_json(body)
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
        if len(items) > limits.max_queue:
            # It could never be admitted whole: refused before any of it is read.
            raise ApiError(413, f"{len(items)} documents in one request; at most {limits.max_queue} (--max-queue)")
        docs = [_document(item, str(i)) for i, item in enumerate(items)]
        try:
            summaries = await batcher.submit_many(docs, call, limits.timeout_s)
        except Overloaded as err:
            raise ApiError(503, f"overloaded: {err}; retry later") from None
        except TimeoutError:
            raise ApiError(504, f"not done within {limits.timeout_s:g} s") from None
        except ShuttingDown as err:
            raise ApiError(503, f"shutting down: {err}") from None
        if single:
            summary = summaries[0]
            if not summary.ok:
                raise ApiError(422, f"cannot summarise this text: {summary.error}")
            return summary.to_dict()
        return {"results": [s.to_dict() for s in summaries]}

    return app

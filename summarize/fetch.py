"""Fetching web pages: one bounded HTTP GET per URL.

Every fetch is bounded in time and size: a connect timeout, a read timeout
(the longest silence between two reads), an overall deadline that covers the
name lookup, the connection, the redirects and the whole body (so a server
that trickles a byte a second cannot hold a run for ever), a cap on the
bytes read (streamed, never trusting Content-Length, and applied after
gzip decoding too), and a cap on redirects. Only HTML and text are accepted.
Each failure is a `FetchError` with one line for the user.

The deadline is why this runs on asyncio: a timeout around the whole request
cancels it wherever it is, which per-read timeouts alone cannot do.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import zlib
from dataclasses import dataclass

import httpx

from summarize import __version__

__all__ = ["USER_AGENT", "FetchError", "FetchLimits", "Fetched", "fetch"]

USER_AGENT = f"summarize/{__version__} (news headline and paragraph summariser; python-httpx/{httpx.__version__})"
TEXT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown"})
_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
    # Only encodings that can be decoded here with a bound on the output.
    "Accept-Encoding": "gzip, deflate",
}


@dataclass(frozen=True)
class FetchLimits:
    """Bounds on one fetch.

    Attributes:
      connect_timeout: seconds to establish a connection.
      read_timeout: the longest silence, in seconds, between two reads.
      deadline: seconds for the whole fetch, redirects and body included.
      max_bytes: the most bytes of body read (after decompression).
      max_redirects: the most redirects followed.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 15.0
    deadline: float = 30.0
    # News pages with their inline scripts are rarely over 2 MB.
    max_bytes: int = 10 * 2**20
    max_redirects: int = 5


@dataclass(frozen=True)
class Fetched:
    """A fetched page: its final URL (after redirects), body and declared charset."""

    url: str
    data: bytes
    charset: str | None


class FetchError(Exception):
    """A URL that could not be fetched; the message is one line for the user."""


def fetch(url: str, limits: FetchLimits | None = None) -> Fetched:
    """Fetches one page (HTML or text) within `limits`.

    Call it from synchronous code: it runs its own event loop.

    Raises:
      FetchError: with one line saying why, for any failure.
    """
    limits = limits or FetchLimits()
    _check_url(url)
    try:
        return asyncio.run(_fetch(url, limits))
    except TimeoutError:
        raise FetchError(f"no complete answer within {limits.deadline:g} s") from None
    except httpx.ConnectTimeout:
        raise FetchError(f"could not connect within {limits.connect_timeout:g} s") from None
    except httpx.ReadTimeout:
        raise FetchError(f"the server sent nothing for {limits.read_timeout:g} s") from None
    except httpx.TooManyRedirects:
        raise FetchError(f"more than {limits.max_redirects} redirects") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as err:
        raise FetchError(f"not a URL that can be fetched: {err}") from None
    except httpx.ConnectError as err:
        raise FetchError(f"cannot connect: {_reason(err)}") from None
    except (httpx.HTTPError, OSError, ValueError) as err:
        # Whatever else the network stack raises is still one line, never a traceback.
        raise FetchError(f"fetch failed: {_reason(err)}") from None


def _check_url(url: str) -> None:
    """Rejects what httpx would let through to the socket layer: no host, a port out of range."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as err:
        raise FetchError(f"not a URL that can be fetched: {err}") from None
    if parsed.scheme not in {"http", "https"}:
        raise FetchError("not a URL that can be fetched: only http and https are")
    if not parsed.host:
        raise FetchError("not a URL that can be fetched: no host")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise FetchError(f"not a URL that can be fetched: port {parsed.port} is out of range")


def _reason(err: BaseException) -> str:
    """The first line of the innermost OS error's words ("Connection refused"), else of `err`."""
    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate not trusted: {cause.verify_message or cause.reason}"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {cause.reason or cause}"
        if isinstance(cause, OSError) and isinstance(cause.errno, int) and cause.errno > 0:
            return os.strerror(cause.errno)  # asyncio puts the address in strerror; the errno's words suffice
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
        cause = cause.__cause__ or cause.__context__
    return (str(err) or type(err).__name__).splitlines()[0]


async def _fetch(url: str, limits: FetchLimits) -> Fetched:
    timeout = httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout)
    async with asyncio.timeout(limits.deadline):
        async with httpx.AsyncClient(
            headers=_HEADERS, timeout=timeout, follow_redirects=True, max_redirects=limits.max_redirects
        ) as client:
            async with client.stream("GET", url) as response:
                _check(response, limits)
                data = await _read_body(response, limits.max_bytes)
                if data.startswith(b"%PDF-"):
                    raise FetchError(_PDF)
                return Fetched(str(response.url), data, response.charset_encoding)


_PDF = "is a PDF, not a web page: convert it to text first (for example with pdftotext) and summarise that"


def _check(response: httpx.Response, limits: FetchLimits) -> None:
    """Rejects an error status, a type that is not HTML or text, and a declared size over the cap."""
    if response.status_code >= 400:
        raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/pdf":
        raise FetchError(_PDF)
    if kind and kind not in TEXT_TYPES:
        raise FetchError(f"content type {kind} is not HTML or text")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(_too_big(limits.max_bytes))


def _too_big(max_bytes: int) -> str:
    return f"page is over the {max_bytes / 2**20:g} MB limit"


async def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """Reads the body, stopping as soon as more than `max_bytes` arrive or decode."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    inflate = None
    if encoding in {"gzip", "x-gzip", "deflate"}:
        inflate = zlib.decompressobj(zlib.MAX_WBITS | 32)  # | 32: a gzip or a zlib header
    elif encoding not in {"", "identity"}:
        raise FetchError(f"unsupported content encoding {encoding!r}")
    body = bytearray()
    received = 0
    async for chunk in response.aiter_raw():
        received += len(chunk)
        if inflate is not None:
            try:
                # Asking for one byte more than the room left bounds a
                # compression bomb's output to the cap.
                chunk = inflate.decompress(chunk, max_bytes - len(body) + 1)
            except zlib.error:
                raise FetchError(f"corrupt {encoding} body") from None
        body += chunk
        if len(body) > max_bytes or received > max_bytes:
            raise FetchError(_too_big(max_bytes))
    return bytes(body)

"""A local web site on 127.0.0.1 for the URL tests: good pages and hostile ones.

Routes:
  /<fixture>       a page from tests/fixtures/web, as text/html; charset=utf-8
  /plain.txt       a text/plain article
  /latin1.html     a page in ISO-8859-1, declared in the Content-Type header
  /meta-cp1252.html  a page in cp1252, declared only in a <meta> tag
  /hang            accepts the request and never answers
  /trickle         answers, then sends one byte every 50 ms for ever
  /loop            redirects to itself for ever
  /hop/N           redirects N times, then serves the bridge page
  /big             50 MB, with Content-Length
  /big-stream      50 MB, with no Content-Length
  /bomb            a small gzip body that inflates to 50 MB
  /doc.pdf         a PDF
  /untyped-pdf     a PDF with no Content-Type
  /image.png       a PNG
  /missing         404
"""

from __future__ import annotations

import functools
import gzip
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"
FIFTY_MB = 50 * 2**20
PLAIN = (
    "Ferry fares to rise in April\n\n"
    "Fares on the island ferry will rise by six per cent in April, the operator said on Monday. "
    "A return ticket for a car and two passengers will cost sixty-four pounds. "
    "The operator said fuel and repair costs had risen sharply over the winter.\n"
)
_CHUNK = b"x" * 65536


@functools.cache
def _bomb() -> bytes:
    return gzip.compress(b" " * FIFTY_MB, compresslevel=9)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass  # quiet test output

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.agents.append(self.headers.get("User-Agent", ""))
        self.server.paths.append(self.path)
        path = self.path.split("?")[0]
        try:
            self._route(path)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should on the hostile routes

    def _route(self, path: str) -> None:
        if path == "/hang":
            self.server.stop.wait(60)
        elif path == "/trickle":
            self._head(200, "text/html")
            while not self.server.stop.wait(0.05):
                self.wfile.write(b"<")
                self.wfile.flush()
        elif path == "/loop":
            self._redirect("/loop")
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            self._redirect(f"/hop/{left - 1}" if left > 1 else "/harbour_bridge.html")
        elif path in ("/big", "/big-stream"):
            self._head(200, "text/html", FIFTY_MB if path == "/big" else None)
            for _ in range(FIFTY_MB // len(_CHUNK)):
                self.wfile.write(_CHUNK)
        elif path == "/bomb":
            self._send(200, "text/html", _bomb(), {"Content-Encoding": "gzip"})
        elif path == "/doc.pdf":
            self._send(200, "application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
        elif path == "/untyped-pdf":
            self._send(200, None, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
        elif path == "/image.png":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64))
        elif path == "/plain.txt":
            self._send(200, "text/plain; charset=utf-8", PLAIN.encode())
        elif path == "/latin1.html":
            page = "<!doctype html><title>Caf\u00e9 news</title><p>Le pr\u00e9sident a parl\u00e9 au caf\u00e9.</p>"
            self._send(200, "text/html; charset=iso-8859-1", page.encode("latin-1"))
        elif path == "/meta-cp1252.html":
            page = '<html><head><meta charset="windows-1252"><title>Quotes</title></head><body>'
            page += "<p>\u201cIt\u2019s done,\u201d she said \u2013 at last.</p></body></html>"
            self._send(200, "text/html", page.encode("cp1252"))
        elif (FIXTURES / path.lstrip("/")).is_file() and path.endswith(".html"):
            self._send(200, "text/html; charset=utf-8", (FIXTURES / path.lstrip("/")).read_bytes())
        else:
            self._send(404, "text/html", b"<h1>Not found</h1>")

    def _head(
        self, status: int, kind: str | None, length: int | None = None, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: int, kind: str | None, body: bytes, extra: dict[str, str] | None = None) -> None:
        self._head(status, kind, len(body), extra)
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.stop = threading.Event()
        self.agents: list[str] = []
        self.paths: list[str] = []


class Site:
    """A running local site: `url(path)` gives a URL on it; `paths` and `agents` record requests."""

    def __init__(self, server: _Server, scheme: str = "http") -> None:
        self._server = server
        self.port = server.server_address[1]
        self.scheme = scheme

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    @property
    def paths(self) -> list[str]:
        return self._server.paths

    @property
    def agents(self) -> list[str]:
        return self._server.agents


@contextmanager
def serve(tls: ssl.SSLContext | None = None) -> Iterator[Site]:
    """Serves the site on a free port of 127.0.0.1 until the block ends (over TLS with `tls`)."""
    server = _Server(tls)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(server, "https" if tls else "http")
    finally:
        server.stop.set()  # releases /hang and /trickle
        server.shutdown()
        server.server_close()
        thread.join(5)

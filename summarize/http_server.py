"""Running the service under uvicorn: the listening socket, a read timeout on
every connection, and a shutdown deadline.

- The socket is bound here, before uvicorn starts, so that a port in use is
  one clear error (`bind` raises OSError) instead of uvicorn's exit status 3.
- uvicorn times out idle keep-alive connections, but not a client that sends
  its request line and headers slowly, or never: `TimedH11Protocol` answers
  408 and closes such a connection after the read timeout. (The body has its
  own deadline, in `summarize.serve.read_body`.)
- On SIGTERM uvicorn stops accepting and waits for requests in flight; past
  its graceful limit it cancels them and the clients get a plain-text 500.
  The app is told at once instead (`request_shutdown`): its own, shorter
  deadline answers every request still waiting with a JSON 503.
"""

from __future__ import annotations

import json
import math
import socket
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from summarize.serve import ServeSettings

# Between the app's shutdown deadline and uvicorn's, for the last answers to go out.
SHUTDOWN_MARGIN_S = 5


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (IPv6 when the host has a colon).

    Raises:
      OSError: the address is in use, not ours, or not an address.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=2048)


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with a deadline for each request's head."""

    read_timeout_s = 30.0
    _deadline: Any = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        # A response goes out as head then body: with Nagle's algorithm on, the
        # body waits for the client's delayed ACK (about 40 ms a request).
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def _arm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(self.read_timeout_s, self._expire)

    def _expire(self) -> None:
        # A request in progress (head received, not yet answered) is the app's
        # business; a connection still waiting for a head has had its time.
        if self.transport.is_closing() or (self.cycle is not None and not self.cycle.response_complete):
            return
        if self.conn.trailing_data[0]:  # part of a head came: say why the connection ends
            body = json.dumps(
                {"error": {"code": 408, "message": f"request not received within {self.read_timeout_s:g} s"}}
            ).encode()
            head = (
                "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
            )
            self.transport.write(head.encode() + body)
        self.transport.close()


class _Server(uvicorn.Server):
    """Tells the app when a signal asks the server to stop."""

    def __init__(self, config: uvicorn.Config, on_exit: Any) -> None:
        super().__init__(config)
        self.on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        self.on_exit()


def run(app: Any, sock: socket.socket, settings: ServeSettings) -> None:
    """Serves `app` (from `summarize.serve.create_app`) on `sock` until SIGINT or SIGTERM."""
    protocol = type("Protocol", (TimedH11Protocol,), {"read_timeout_s": settings.read_timeout_s})
    config = uvicorn.Config(
        app,
        http=protocol,
        log_level="info",
        timeout_graceful_shutdown=math.ceil(settings.shutdown_grace_s) + SHUTDOWN_MARGIN_S,
    )
    _Server(config, app.state.request_shutdown).run(sockets=[sock])

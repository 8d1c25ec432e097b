"""Serve the simulator over real HTTP on a background thread.

Standard library only: ``wsgiref.simple_server`` with
``socketserver.ThreadingMixIn``, so each connection gets its own daemon
thread and the console's parallel calls are answered in parallel. Tests use
it on a loopback port so the client's timeouts, retries and size caps run
over real sockets (docs/security.md T-06).

The request handler adds to the WSGI environ:

- ``RAW_URI``: the request target exactly as sent, so the app can see the
  double encoding of ``img_path`` (docs/xplatform-api.md section 7);
- ``xplatform_simulator.socket``: the connection's socket;
- ``xplatform_simulator.reset``: a callable that makes the connection end
  with a TCP RST (``SO_LINGER`` 0) instead of a normal close.

Persistent connections, like the real X-Platform behind its load balancers
(docs/performance.md): responses are HTTP/1.1 and a connection carries one
request after another, while each answer goes out whole with its
``Content-Length``. The connection is closed instead when:

- the client asks for it (``Connection: close``) or speaks HTTP/1.0;
- the answer has no ``Content-Length`` (the endless stream), or the body
  sent is not the length declared (a fault that cuts it: a reset, an
  oversized body with a false length, a trickle interrupted), or the
  application failed after the headers went out;
- a request body was left unread beyond a small amount, or came chunked;
- the request was a HEAD (the documented routes answer it with a body);
- the connection stayed idle for ``keep_alive_timeout`` seconds waiting for
  a request, so idle connections do not hold threads for ever;
- the server shuts down: idle connections are closed at once.

Every answer sent on a connection about to close says ``Connection:
close``, except when the cut comes mid-body (a real server does not know
in advance either). ``keep_alive_timeout=0`` gives the old behaviour: one
request per connection.
"""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import socketserver
import struct
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from interactions.simulator.app import RESET_ENVIRON_KEY, SOCKET_ENVIRON_KEY

if TYPE_CHECKING:
    from wsgiref.headers import Headers

    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment

__all__ = ["KEEP_ALIVE_TIMEOUT", "SimulatorServer", "serve"]

logger = logging.getLogger(__name__)

# A client stalled in the middle of a request or a response must not hold a
# handler thread for ever.
_SOCKET_TIMEOUT = 60.0
# How long a connection may wait for its next request: Tomcat's default
# (connectionTimeout 20 s in its server.xml), the server the X-Platform's
# headers name (J-PH).
KEEP_ALIVE_TIMEOUT = 20.0
# How long shutdown() waits for the open connections to end.
_SHUTDOWN_WAIT = 1.0
# Unread request body bytes that are read and dropped to keep a connection.
_DRAIN_LIMIT = 64 * 1024


class _ServerHandler(ServerHandler):
    # The server header of the documented photo response (J-PH).
    server_software = "Apache-Coyote/1.1"
    http_version = "1.1"

    # wsgiref's own state, which typeshed leaves out.
    headers: Headers | None
    headers_sent: bool
    bytes_sent: int

    # Set by the request handler before ``run``: may the connection carry
    # another request after this one?
    keep_alive = False
    # Set in ``close``: the answer went out whole, as long as it said.
    complete = False
    # The status line and headers, held back to go out with the first body
    # bytes in one segment (wsgiref writes them piece by piece).
    _held: list[bytes] | None = None
    _holding = False

    def log_exception(self, exc_info: Any) -> None:
        logger.error("X-Platform simulator: unhandled error", exc_info=exc_info)

    def cleanup_headers(self) -> None:
        super().cleanup_headers()
        if self.headers is None:
            return
        if self.headers.get("Content-Length") is None:
            # Without a length only the close ends the body.
            self.keep_alive = False
        if not self.keep_alive:
            self.headers["Connection"] = "close"

    def send_headers(self) -> None:
        self._held = []
        self._holding = True
        try:
            super().send_headers()
        finally:
            self._holding = False

    def _write(self, data: bytes) -> None:
        if self._held is not None:
            self._held.append(data)
            if self._holding:
                return
            data, self._held = b"".join(self._held), None
        super()._write(data)

    def finish_content(self) -> None:
        super().finish_content()
        if self._held is not None:  # headers without a body
            self._write(b"")

    def close(self) -> None:
        # Only reached when the application and the body ran to their end
        # (wsgiref returns from ``run`` without it when the client or a
        # reset fault aborted). Read the figures before they are reset.
        declared = self.headers.get("Content-Length") if self.headers else None
        self.complete = (
            self.keep_alive
            and self.headers_sent
            and declared is not None
            and declared.strip().isdigit()
            and int(declared) == self.bytes_sent
        )
        super().close()


class _Body:
    """A request body as ``wsgi.input``: at most ``Content-Length`` bytes.

    The application cannot read into the next request, and what it left
    unread is drained (or the connection closed) before the next one.
    """

    def __init__(self, rfile: io.BufferedIOBase, length: int) -> None:
        self._rfile = rfile
        self.remaining = length

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > self.remaining:
            size = self.remaining
        data = self._rfile.read(size) if size else b""
        self.remaining -= len(data)
        if size and not data:
            self.remaining = 0
            raise ConnectionAbortedError("the client closed mid-body")
        return data

    def readline(self, size: int = -1) -> bytes:
        if size < 0 or size > self.remaining:
            size = self.remaining
        data = self._rfile.readline(size) if size else b""
        self.remaining -= len(data)
        return data

    def readlines(self, hint: int = -1) -> list[bytes]:
        return list(iter(self.readline, b""))

    def __iter__(self) -> Any:
        return iter(self.readline, b"")

    def drain(self) -> bool:
        """Read what is left; False if too much is left to be worth it."""
        if self.remaining > _DRAIN_LIMIT:
            return False
        while self.remaining:
            if not self.read(min(self.remaining, 8192)):
                return False
        return True


class _RequestHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = _SOCKET_TIMEOUT
    server: _ThreadingServer
    _reset_requested = False

    def get_environ(self) -> WSGIEnvironment:
        environ = super().get_environ()
        environ["RAW_URI"] = self.path
        if self.headers.get("Content-Type") is None:
            # wsgiref fills in "text/plain"; record only what was sent.
            environ.pop("CONTENT_TYPE", None)
        environ[SOCKET_ENVIRON_KEY] = self.connection
        environ[RESET_ENVIRON_KEY] = self._request_reset
        return environ

    def _request_reset(self) -> None:
        self._reset_requested = True

    def setup(self) -> None:
        super().setup()
        # Each write goes out at once, as Tomcat does (tcpNoDelay): with
        # Nagle's algorithm a write after the first waits for the client's
        # delayed ACK, about 40 ms per answer on a kept connection.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection)

    def handle(self) -> None:
        # WSGIRequestHandler.handle, once per request on the connection, with
        # a thread-aware, quieter ServerHandler.
        self.close_connection = True
        try:
            while self._next_request_arrived():
                self._handle_one()
                if self.close_connection or self.server.stopping:
                    break
        except OSError:
            # The client went away (reset, broken pipe) or stalled past the
            # socket timeout: nothing more to say on this connection.
            self.close_connection = True

    def _next_request_arrived(self) -> bool:
        """Wait up to the keep-alive timeout for a request; False: close."""
        self.connection.settimeout(self.server.keep_alive_timeout or _SOCKET_TIMEOUT)
        try:
            # peek blocks until a byte arrives, the client closes (b"") or
            # the idle time runs out.
            arrived = bool(self.rfile.peek(1))  # type: ignore[attr-defined]
        except TimeoutError:
            return False
        self.connection.settimeout(_SOCKET_TIMEOUT)
        return arrived and not self.server.stopping

    def _handle_one(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.requestline = ""
            self.request_version = ""
            self.command = ""
            self.send_error(414)  # says "Connection: close" and closes
            return
        if not self.raw_requestline or not self.parse_request():
            self.close_connection = True
            return
        # parse_request kept the connection only for HTTP/1.1 without
        # "Connection: close"; the few other cases that must close:
        if (
            self.request_version != "HTTP/1.1"
            or self.command == "HEAD"
            or "Transfer-Encoding" in self.headers
            or not self.server.keep_alive_timeout
        ):
            self.close_connection = True
        length = self.headers.get("Content-Length", "0").strip()
        body = _Body(self.rfile, int(length) if length.isdigit() else 0)
        if not length.isdigit():
            self.close_connection = True
        handler = _ServerHandler(
            body,
            self.wfile,  # type: ignore[arg-type]
            self.get_stderr(),
            self.get_environ(),
            multithread=True,
        )
        handler.keep_alive = not self.close_connection and not self.server.stopping
        handler.request_handler = self  # type: ignore[attr-defined]
        app = self.server.get_app()
        if app is None:
            raise RuntimeError("serve() sets the application before serving")
        handler.run(app)
        if not handler.complete or self._reset_requested or not body.drain():
            self.close_connection = True

    def finish(self) -> None:
        self.server.untrack(self.connection)
        with contextlib.suppress(OSError):
            super().finish()
        if self._reset_requested:
            # Closing with a zero linger time sends RST instead of FIN: the
            # client sees "connection reset by peer".
            try:
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
            except OSError:
                pass

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("X-Platform simulator: " + format, *args)  # noqa: G003


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128
    keep_alive_timeout = KEEP_ALIVE_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self.accepted = 0
        self.stopping = False
        super().__init__(*args, **kwargs)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup
        # that can take seconds; the name is not needed.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)
        self.setup_environ()

    def track(self, connection: socket.socket) -> None:
        with self._lock:
            self.accepted += 1
            self._open.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._open.discard(connection)

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._open)

    def close_connections(self) -> None:
        """Stop serving the open connections: idle ones end now, busy ones
        after their answer (their threads see the read side closed)."""
        with self._lock:
            self.stopping = True
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RD)


class _ThreadingServerV6(_ThreadingServer):
    address_family = socket.AF_INET6


class SimulatorServer:
    """A running simulator: ``base_url``, ``port`` and ``shutdown()``."""

    def __init__(self, server: _ThreadingServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        self.host = str(server.server_address[0])
        self.port = int(server.server_address[1])
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.base_url = f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted so far (each may carry many requests)."""
        with self._server._lock:
            return self._server.accepted

    @property
    def open_connections(self) -> int:
        """Connections being served or waiting for their next request."""
        return self._server.open_connections

    def shutdown(self) -> None:
        """Stop accepting requests, close the listening socket and end the
        open connections: idle ones at once, busy ones after their answer.

        Answers in progress finish on their own daemon threads.
        """
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout=5)
        # Idle connections end within moments; waiting for them means a
        # client finds its kept connection closed as soon as this returns
        # (a busy one may finish its answer later, on its own thread).
        ends = time.monotonic() + _SHUTDOWN_WAIT
        while self._server.open_connections and time.monotonic() < ends:
            time.sleep(0.005)

    def __enter__(self) -> SimulatorServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.shutdown()


def serve(
    app: WSGIApplication,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    poll_interval: float = 0.5,
    keep_alive_timeout: float = KEEP_ALIVE_TIMEOUT,
) -> SimulatorServer:
    """Start serving ``app`` on a daemon thread and return at once.

    ``port=0`` picks a free port; read it from the handle's ``port`` or
    ``base_url``. ``shutdown()`` takes up to ``poll_interval`` seconds (the
    test fixture uses a short one). ``keep_alive_timeout`` is how long an
    open connection waits for its next request; 0 closes every connection
    after one answer.
    """
    if keep_alive_timeout < 0:
        raise ValueError("keep_alive_timeout must not be negative")
    server_class = _ThreadingServerV6 if ":" in host else _ThreadingServer
    server = server_class((host, port), _RequestHandler)
    server.keep_alive_timeout = keep_alive_timeout
    server.set_app(app)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": poll_interval},
        name=f"xplatform-simulator-{server.server_address[1]}",
        daemon=True,
    )
    thread.start()
    return SimulatorServer(server, thread)

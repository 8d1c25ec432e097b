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

Responses are HTTP/1.0 and each connection carries one request (wsgiref has
no keep-alive); clients simply reconnect.
"""

from __future__ import annotations

import logging
import socket
import socketserver
import struct
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from interactions.simulator.app import RESET_ENVIRON_KEY, SOCKET_ENVIRON_KEY

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment

__all__ = ["SimulatorServer", "serve"]

logger = logging.getLogger(__name__)

# A stalled client must not hold a handler thread for ever.
_SOCKET_TIMEOUT = 60.0


class _ServerHandler(ServerHandler):
    # The server header of the documented photo response (J-PH).
    server_software = "Apache-Coyote/1.1"

    def log_exception(self, exc_info: Any) -> None:
        logger.error("X-Platform simulator: unhandled error", exc_info=exc_info)


class _RequestHandler(WSGIRequestHandler):
    timeout = _SOCKET_TIMEOUT
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

    def handle(self) -> None:
        # WSGIRequestHandler.handle, with a thread-aware, quieter ServerHandler.
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.requestline = ""
            self.request_version = ""
            self.command = ""
            self.send_error(414)
            return
        if not self.parse_request():
            return
        handler = _ServerHandler(
            self.rfile,
            self.wfile,  # type: ignore[arg-type]
            self.get_stderr(),
            self.get_environ(),
            multithread=True,
        )
        handler.request_handler = self  # type: ignore[attr-defined]
        handler.run(self.server.get_app())  # type: ignore[attr-defined]

    def finish(self) -> None:
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

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup
        # that can take seconds; the name is not needed.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)
        self.setup_environ()


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

    def shutdown(self) -> None:
        """Stop accepting requests and close the listening socket.

        Requests still in progress finish on their own daemon threads.
        """
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

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
) -> SimulatorServer:
    """Start serving ``app`` on a daemon thread and return at once.

    ``port=0`` picks a free port; read it from the handle's ``port`` or
    ``base_url``. ``shutdown()`` takes up to ``poll_interval`` seconds (the
    test fixture uses a short one).
    """
    server_class = _ThreadingServerV6 if ":" in host else _ThreadingServer
    server = server_class((host, port), _RequestHandler)
    server.set_app(app)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": poll_interval},
        name=f"xplatform-simulator-{server.server_address[1]}",
        daemon=True,
    )
    thread.start()
    return SimulatorServer(server, thread)

"""A live server that can tell when every request it accepted has finished.

pytest-django's ``live_server`` answers each connection in a thread of its
own and nothing waits for those threads: a thumbnail or live-refresh request
the browser started near the end of a test is still running while the
transactional teardown flushes the database, and its access-log row or
stored thumbnail lands in the middle of the flush (or in the next test).

:class:`DrainingWSGIServer` counts connections from the moment they are
taken off the listening socket until their thread has closed them (and its
database connections), so :meth:`DrainingWSGIServer.wait_idle` returns only
when no request is running and none is waiting to be accepted.
"""

from __future__ import annotations

import select
import threading
import time
from typing import Any

from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from pytest_django.live_server_helper import LiveServer


class DrainingWSGIServer(ThreadedWSGIServer):
    """ThreadedWSGIServer that counts the connections it is serving."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._active = 0
        self._changed = threading.Condition()

    def get_request(self) -> Any:
        # Counted before accept(): a connection is always either still in
        # the listen backlog (the socket reads as ready) or counted.
        with self._changed:
            self._active += 1
        try:
            return super().get_request()
        except BaseException:
            self._done()
            raise

    def shutdown_request(self, request: Any) -> None:
        # Every accepted connection ends here exactly once, after its handler
        # (and Django's close_request, which closes the thread's database
        # connections) ran or failed.
        try:
            super().shutdown_request(request)
        finally:
            self._done()

    def _done(self) -> None:
        with self._changed:
            self._active -= 1
            self._changed.notify_all()

    def _pending(self) -> bool:
        """A connection waits in the listen backlog."""
        try:
            readable, _, _ = select.select([self.socket], [], [], 0)
        except (OSError, ValueError):  # closed
            return False
        return bool(readable)

    def wait_idle(self, timeout: float) -> int:
        """Wait until no connection is served or pending; return how many still are.

        Returns 0 once idle; the number of busy connections (at least 1)
        when ``timeout`` seconds passed first.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                busy = self._active + (1 if self._pending() else 0)
                remaining = deadline - time.monotonic()
                if busy == 0 or remaining <= 0:
                    return busy
                # A pending connection is not announced; look again soon.
                self._changed.wait(min(remaining, 0.05))


class DrainingLiveServerThread(LiveServerThread):
    server_class = DrainingWSGIServer


def draining_live_server(addr: str) -> LiveServer:
    """pytest-django's LiveServer, running a :class:`DrainingWSGIServer`."""
    server = LiveServer(addr, start=False)
    plain = server.thread
    server.thread = DrainingLiveServerThread(
        plain.host,
        static_handler=plain.static_handler,
        connections_override=plain.connections_override,
        port=plain.port,
    )
    server.thread.daemon = True
    server.start()
    return server


def wait_idle(server: LiveServer, timeout: float) -> int:
    httpd = server.thread.httpd
    assert isinstance(httpd, DrainingWSGIServer)
    return httpd.wait_idle(timeout)

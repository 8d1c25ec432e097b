"""A small bounded load for the rolling restart: signed-in pages through nginx.

Each thread has its own session with the agent's cookies and fetches the
home page (session, user and account queries on PostgreSQL, the session and
rate-limit data in Redis) with a short pause, until stopped. A request fails
when it raises, answers anything but 200, or is not the signed-in page.
"""

from __future__ import annotations

import threading
import time

import requests

PAUSE = 0.02


class Load:
    def __init__(
        self, base: str, signed_in: requests.Session, *, verify: str, threads: int
    ) -> None:
        self.base = base
        self.signed_in = signed_in
        self.verify = verify
        self.threads = [
            threading.Thread(target=self._run, name=f"load-{n}", daemon=True)
            for n in range(threads)
        ]
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.total = 0
        self.failures: list[str] = []

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _run(self) -> None:
        session = requests.Session()
        session.trust_env = False  # this run's certificate, no proxy
        session.verify = self.verify
        session.cookies.update(self.signed_in.cookies)
        while not self.stopping.is_set():
            failure = ""
            try:
                answer = session.get(self.base + "/", allow_redirects=False, timeout=20)
                if answer.status_code != 200 or "Look up a customer" not in answer.text:
                    failure = f"{answer.status_code} {answer.headers.get('Location')}"
            except requests.RequestException as exc:
                failure = f"{type(exc).__name__}: {exc}"
            with self.lock:
                self.total += 1
                if failure:
                    self.failures.append(f"{time.strftime('%H:%M:%S')} {failure}")
            time.sleep(PAUSE)

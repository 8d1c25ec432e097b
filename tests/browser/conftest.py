"""Fixtures for the real-browser tests: headless Debian Chromium driven by
Playwright against the console in pytest-django's ``live_server`` and the
X-Platform simulator over loopback HTTP.

Playwright never downloads a browser here: the system Chromium at
``/usr/bin/chromium`` is launched by path, and the test modules skip
themselves when it (or the playwright package) is missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from interactions.models import XPlatformAccount
from interactions.xplatform import client as xplatform
from tests.browser import live_server as draining
from tests.browser.helpers import (
    ACME,
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    chromium_available,
)
from tests.support.console import ensure_roles, sim_account
from tests.support.simulator import RunningSimulator

# Reported through console.error so the report survives navigations; the
# browser's own "Refused to ..." console errors are collected as well.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("securitypolicyviolation: " + event.violatedDirective +
                " blocked " + (event.blockedURI || "(inline)") +
                " at " + event.sourceFile + ":" + event.lineNumber);
}, true);
"""


# --- browser ------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One headless Chromium for every browser test (they run back to back).

    Playwright's sync API keeps an asyncio loop marked as running on the main
    thread while it is started, which trips Django's async-safety check on
    every ORM call the tests and fixtures make (the live server's own thread
    is not affected). DJANGO_ALLOW_ASYNC_UNSAFE is Django's documented escape
    hatch for this; it is set only while the browser runs, and the package
    scope stops Playwright after the last browser test, before any other
    test module runs. While the loop runs, ``django.db.connections`` (an
    asgiref Local) also hands this thread a connection of its own, apart from
    the one the live server shares; data still goes through the same test
    database, and the transactional teardown closes it after each test.
    """
    if not chromium_available():
        pytest.skip(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield chromium
            finally:
                chromium.close()


@dataclass
class Problems:
    """Console errors, uncaught exceptions and CSP violations of one context."""

    messages: list[str] = field(default_factory=list)

    def csp(self) -> list[str]:
        return [
            m
            for m in self.messages
            if "Content Security Policy" in m or "securitypolicyviolation" in m
        ]


def _watch(page: Any, problems: Problems) -> None:
    def on_console(message: Any) -> None:
        text = message.text
        if message.type == "error" or "Content Security Policy" in text:
            where = message.location.get("url", "") if message.location else ""
            problems.messages.append(f"console.{message.type}: {text} ({where})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.messages.append(f"pageerror: {error}"))


@dataclass
class Session:
    """A browser context (cookies, permissions) and the problems it saw."""

    context: Any
    problems: Problems
    base_url: str

    def new_page(self) -> Any:
        page = self.context.new_page()
        _watch(page, self.problems)
        return page

    def url(self, path: str) -> str:
        return self.base_url + path


# Longer than any request of these tests takes, even on a loaded machine.
DRAIN_SECONDS = 30


@pytest.fixture(scope="package")
def live_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """pytest-django's live server, on a server that can wait for its requests.

    Replaces pytest-django's session fixture of the same name for these
    tests (its ``_live_server_helper`` still makes them transactional);
    ``open_session`` uses it to let no request outlive its test.
    """
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = draining.draining_live_server(addr)
    yield server
    server.stop()


@pytest.fixture
def open_session(browser: Any, live_server: Any) -> Iterator[Callable[..., Session]]:
    """Open a browser context, logged in as ``user`` (or anonymous).

    At the end of the test every context is closed first, so the pages start
    no more thumbnail or live-refresh requests, and then the live server is
    drained: the transactional teardown flushes the database only after the
    last request the browser started has finished writing its access-log row
    or thumbnail. This fixture is torn down before that flush because the
    ``transactional_db`` fixture was set up before it.
    """
    contexts: list[Any] = []

    def _open(user: User | None = None, **options: Any) -> Session:
        options.setdefault("viewport", VIEWPORT)
        options.setdefault("locale", "en-US")
        options.setdefault("timezone_id", "UTC")
        context = browser.new_context(**options)
        contexts.append(context)
        context.add_init_script(CSP_LISTENER)
        context.set_default_timeout(10_000)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [
                    {
                        "name": django_settings.SESSION_COOKIE_NAME,
                        "value": cookie.value,
                        "url": live_server.url,
                        "httpOnly": True,
                        "sameSite": "Lax",
                    }
                ]
            )
        return Session(context=context, problems=Problems(), base_url=live_server.url)

    yield _open
    for context in contexts:
        context.close()
    busy = draining.wait_idle(live_server, DRAIN_SECONDS)
    if busy:
        pytest.fail(
            f"{busy} live-server request(s) still running {DRAIN_SECONDS} s "
            "after the browser closed"
        )


# --- application state ----------------------------------------------------------


@pytest.fixture(autouse=True)
def _plain_http_cookies(settings) -> None:
    """The live server speaks plain http; secure cookies would never come back."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _fresh_state() -> Iterator[None]:
    cache.clear()
    xplatform.clear_clients()
    yield
    cache.clear()
    xplatform.clear_clients()


@pytest.fixture(scope="package", autouse=True)
def _roles_back_after_browser_tests(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    """Leave the role groups of the data migration in the test database.

    The browser tests are transactional (the live server is another thread),
    so each ends with a flush of every table; post_migrate recreates content
    types and permissions, but not the groups of migration 0002_roles. The
    tests pytest-django runs after this package (those that reach the
    database only through ``request.getfixturevalue``) need them back.
    """
    yield
    with django_db_blocker.unblock():
        ensure_roles()


@pytest.fixture
def roles(transactional_db: None) -> None:
    """The role groups, which an earlier transactional test's flush removed."""
    ensure_roles()


@pytest.fixture
def home(roles: None, simulator: RunningSimulator) -> XPlatformAccount:
    """The simulator's Acme: the cast's agent works on it alone, so the lookup
    form has no account box."""
    return sim_account(ACME, simulator.base_url)


@pytest.fixture
def agent_session(open_session: Callable[..., Session], agent: User) -> Session:
    return open_session(agent)

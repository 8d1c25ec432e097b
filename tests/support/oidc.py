"""A real OpenID provider on loopback for the single sign-on tests.

``tests/oidc/provider.mjs`` is panva's oidc-provider (OpenID Certified) run by
Node.js; ``make test`` installs it from ``tests/oidc/package-lock.json``.
One provider serves the whole session; each test sets the people and groups
it needs with ``OidcProvider.set_users`` (the provider rereads them at every
sign-in, so a change is the IdP changing a user's groups).

Without Node.js the tests are skipped; with Node.js but without the
installed package they fail, saying to run ``make test``.
"""

from __future__ import annotations

import json
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent.parent
PROVIDER_DIR = ROOT / "tests" / "oidc"
CONSOLE = "http://testserver"
CALLBACK = f"{CONSOLE}/accounts/oidc/callback/"
SECRET = "test-client-secret-0123456789-abcdefghij"

# One client per behaviour of the provider; "test_id_token" is read by
# provider.mjs (see its header) to hand out an ID token that must be refused.
CLIENTS: dict[str, dict[str, Any]] = {
    "console": {},
    "console-tampered": {"tamper_signature": True},
    "console-wrong-audience": {"claims": {"aud": "another-application"}},
    "console-expired": {"exp_offset": -600},
    "console-wrong-nonce": {"claims": {"nonce": "not-the-nonce-the-console-sent"}},
    "console-wrong-issuer": {"claims": {"iss": "https://idp.attacker.example"}},
}


@dataclass
class OidcProvider:
    issuer: str
    users_file: Path
    discovery: dict[str, Any] = field(default_factory=dict)

    def set_users(self, users: dict[str, dict[str, Any]]) -> None:
        self.users_file.write_text(json.dumps(users), encoding="utf-8")

    def set_groups(self, subject: str, groups: list[str]) -> None:
        users = json.loads(self.users_file.read_text(encoding="utf-8"))
        users[subject]["groups"] = groups
        self.set_users(users)

    def settings(self, client_id: str = "console") -> dict[str, Any]:
        """The console's settings for this provider, as the README's example."""
        return {
            "OIDC_RP_CLIENT_ID": client_id,
            "OIDC_RP_CLIENT_SECRET": SECRET,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.discovery["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": self.discovery["token_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": self.discovery["jwks_uri"],
            "OIDC_OP_USER_ENDPOINT": "",
            "XPC_OIDC_END_SESSION_ENDPOINT": self.discovery["end_session_endpoint"],
            "OIDC_STORE_ID_TOKEN": True,
            "OIDC_RP_SCOPES": "openid email profile groups",
            "XPC_OIDC_PROVIDER_NAME": "Test IdP",
        }


def _client_metadata(client_id: str, behaviour: dict[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "client_id": client_id,
        "client_secret": SECRET,
        "redirect_uris": [CALLBACK],
        "post_logout_redirect_uris": [f"{CONSOLE}/accounts/login/"],
        "token_endpoint_auth_method": "client_secret_post",
    }
    if behaviour:
        metadata["test_id_token"] = behaviour
    return metadata


def _read_first_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    if not ready:
        raise RuntimeError("the OpenID provider did not start in time")
    return process.stdout.readline()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed; the single sign-on tests need it.")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            "The test OpenID provider is not installed (tests/oidc/node_modules is "
            "missing). Run `make test`: it installs it with npm ci from "
            "tests/oidc/package-lock.json.",
            pytrace=False,
        )
    workdir = tmp_path_factory.mktemp("oidc")
    users_file = workdir / "users.json"
    users_file.write_text("{}", encoding="utf-8")
    config = workdir / "config.json"
    config.write_text(
        json.dumps(
            {
                "users_file": str(users_file),
                "clients": [_client_metadata(c, b) for c, b in CLIENTS.items()],
            }
        ),
        encoding="utf-8",
    )
    log = (workdir / "provider.log").open("w", encoding="utf-8")
    process = subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
        [node, str(PROVIDER_DIR / "provider.mjs"), str(config)],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        line = _read_first_line(process, timeout=20)
        if not line:
            log.flush()
            raise RuntimeError(
                "the OpenID provider exited: "
                + (workdir / "provider.log").read_text(encoding="utf-8")
            )
        issuer = json.loads(line)["issuer"]
        provider = OidcProvider(issuer=issuer, users_file=users_file)
        deadline = time.monotonic() + 20
        while True:
            try:
                answer = requests.get(
                    f"{issuer}/.well-known/openid-configuration", timeout=5
                )
                provider.discovery = answer.json()
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def authorize_at_provider(authorization_url: str, subject: str) -> str:
    """Play the person at the provider: open the URL, sign in as ``subject``.

    Returns the URL the provider sends the browser back to (the console's
    callback, with code and state, or with an error).
    """
    browser = requests.Session()
    response = browser.get(authorization_url, allow_redirects=False, timeout=10)
    for _ in range(10):
        if response.status_code == 200 and "/interaction/" in response.url:
            response = browser.post(
                response.url, data={"user": subject}, allow_redirects=False, timeout=10
            )
            continue
        location = response.headers.get("Location", "")
        if location.startswith(CONSOLE):
            return location
        if response.status_code not in (302, 303) or not location:
            raise AssertionError(
                f"the provider answered {response.status_code}: {response.text[:500]}"
            )
        response = browser.get(
            urljoin(response.url, location), allow_redirects=False, timeout=10
        )
    raise AssertionError("the provider never sent the browser back to the console")

"""Use cases: what the pages and the API do, each in one function.

Views translate HTTP in and out; these functions call the X-Platform through
`interactions.upstream`, record the access, and keep snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass

from interactions.errors import AccountUnavailable
from interactions.models import XPlatformAccount
from interactions.upstream import get_client


@dataclass(frozen=True)
class ConnectionResult:
    ok: bool
    message: str


def account_connection_test(*, account: XPlatformAccount) -> ConnectionResult:
    """Call the X-Platform with the stored credentials and say what happened."""
    try:
        client = get_client(account)
    except AccountUnavailable:
        return ConnectionResult(
            False,
            "Credentials unavailable: the stored application key cannot be "
            "decrypted with the configured keys. Enter it again.",
        )
    check = client.check_connection()
    return ConnectionResult(check.ok, check.message)

"""What the X-Platform client is given: account settings and the call policy.

Pure data, read by every other module of the package and importing none of
them: ``AccountConfig`` (one account, built by the service layer),
``CallPolicy`` (timeouts, retries, caps and allowed hosts, read from
``settings.XPC_UPSTREAM_*``) and ``CallerAttribute`` (the caller attributes
a unique ID can be looked up by). The header regexes refuse values that
``http.client`` could not send, before any request is built.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from django.conf import settings

__all__ = ["AccountConfig", "CallPolicy", "CallerAttribute"]

_HEADER_TOKEN = re.compile(r"[!-~]{1,512}")
_HEADER_TEXT = re.compile(r"[ -~]{1,256}")


@dataclass(frozen=True, kw_only=True)
class AccountConfig:
    """What one X-Platform account needs; built by the service layer.

    ``base_url`` is the normalised base URL (``https://gointeract.io`` or
    ``http://127.0.0.1:8001``); the client appends
    ``/interact/agent/version/{version}/account/{account_id}/...``. The
    application key is excluded from ``repr``. ``slug`` names the account
    in log lines and metrics (the console's slug; empty: the account ID).
    """

    base_url: str
    version: str = "2"
    account_id: str
    application_key: str = field(repr=False)
    environment_name: str | None = None
    legacy_photo_path: bool = False
    photo_max_size: int = 1600
    slug: str = ""

    def __post_init__(self) -> None:
        # Header values that http.client cannot send would surface as odd
        # exceptions deep in the stack; they are refused here instead. The
        # messages never repeat the key.
        if not _HEADER_TOKEN.fullmatch(self.application_key):
            raise ValueError(
                "The application key must be printable ASCII without spaces."
            )
        if self.environment_name is not None and not _HEADER_TEXT.fullmatch(
            self.environment_name
        ):
            raise ValueError("The environment name must be printable ASCII.")
        if not (
            isinstance(self.photo_max_size, int) and 1 <= self.photo_max_size <= 10000
        ):
            raise ValueError("The photo size must be between 1 and 10000 pixels.")


@dataclass(frozen=True, kw_only=True)
class CallPolicy:
    """Timeouts, retries, caps and allowed hosts for upstream calls.

    Defaults are the values of docs/security.md R-HTTP-01 to R-HTTP-05.
    """

    connect_timeout: float = 3.05
    read_timeout: float = 5.0
    deadline: float = 8.0
    retries: int = 2
    max_json_bytes: int = 2 * 1024 * 1024
    max_image_bytes: int = 15 * 1024 * 1024
    pool_size: int = 72
    # Seconds a pooled connection may stay unused and still be reused: below
    # the idle timeouts of servers and load balancers (Apache's 5 s is the
    # shortest common one), so a request never goes out on a connection the
    # other end is closing.
    idle_timeout: float = 4.0
    # Concurrent upstream calls one account may have running (bulkhead).
    per_account: int = 24
    allowed_hosts: tuple[str, ...] = (".gointeract.io",)
    backoff_factor: float = 0.25
    backoff_jitter: float = 0.1
    backoff_max: float = 1.0
    breaker_fail_max: int = 5
    breaker_reset_timeout: float = 30.0

    @classmethod
    def from_settings(cls) -> CallPolicy:
        """Read ``settings.XPC_UPSTREAM_*`` now (not at import time)."""
        return cls(
            connect_timeout=float(settings.XPC_UPSTREAM_CONNECT_TIMEOUT),
            read_timeout=float(settings.XPC_UPSTREAM_READ_TIMEOUT),
            deadline=float(settings.XPC_UPSTREAM_DEADLINE),
            retries=int(settings.XPC_UPSTREAM_RETRIES),
            max_json_bytes=int(settings.XPC_UPSTREAM_MAX_JSON_BYTES),
            max_image_bytes=int(settings.XPC_UPSTREAM_MAX_IMAGE_BYTES),
            pool_size=int(settings.XPC_UPSTREAM_POOL_SIZE),
            per_account=int(settings.XPC_UPSTREAM_PER_ACCOUNT),
            allowed_hosts=tuple(settings.XPC_UPSTREAM_ALLOWED_HOSTS),
        )


class CallerAttribute(enum.StrEnum):
    """Caller attributes of Get Interaction Unique ID (docs/xplatform-api.md 4, 5.1)."""

    DTMF = "dtmf"
    CALL_RETURN = "callReturn"
    CLICK_TO_CALL = "clickToCall"
    # The token is assumed by symmetry; no source shows it (decision b).
    HISTORY_SEARCH_ID = "historySearchId"

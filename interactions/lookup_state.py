"""What the console keeps of a lookup between requests, in the session.

Two things, both so that an agent never meets a dead end (issue 13):

- the *pending* lookup: the search an idle sign-out interrupted
  (`middleware.IdleTimeoutMiddleware`), put back in the search box once
  the same person has signed in again;
- lookup *results*: the matches (or the "not found") of a lookup, shown
  by a GET page under a random ID (POST-redirect-GET), so that Back from a
  picked candidate shows the candidates again instead of "resubmit form".

What the agent typed may be a phone number: it never goes into a URL
(docs/security.md, R-PII-02), and it is not stored readable either. Each
value is sealed with the field keys (`fields.field_fernet`, MultiFernet:
encrypted and authenticated), expires (the token's own time stamp is checked
when it is opened), and is tied to the user who made it, so a shared floor
PC never shows one agent's search to the next person signing in.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from cryptography.fernet import InvalidToken
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from interactions.fields import CredentialDecryptError, field_fernet
from interactions.interaction import Candidate

PENDING_KEY = "xpc_pending_lookup"
RESULTS_KEY = "xpc_lookup_results"
# Long enough to sign in again, short enough that a search is not put back
# in the box hours later.
PENDING_SECONDS = 15 * 60
# Back to the candidates works for this long after the lookup.
RESULT_SECONDS = 60 * 60
# The latest results of a session kept for Back; older ones are dropped.
MAX_RESULTS = 5
FORM_FIELDS = ("query", "kind", "account")


def _seal(data: dict[str, Any]) -> str:
    return field_fernet().encrypt(json.dumps(data).encode("utf-8")).decode("ascii")


def _open(token: object, ttl: int) -> dict[str, Any] | None:
    if not isinstance(token, str):
        return None
    try:
        data = json.loads(field_fernet().decrypt(token.encode("ascii"), ttl=ttl))
    except (InvalidToken, CredentialDecryptError, UnicodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _form_values(values: Any) -> dict[str, str]:
    if not hasattr(values, "get"):
        return {}
    return {
        name: str(values.get(name) or "")[:100]
        for name in FORM_FIELDS
        if isinstance(values.get(name) or "", str)
    }


# --------------------------------------------------------------------------
# The pending lookup of an idle sign-out
# --------------------------------------------------------------------------


def keep_pending(request: HttpRequest, user_pk: Any, values: Any) -> None:
    """Keep the search an idle sign-out interrupted, for ``user_pk`` only."""
    form = _form_values(values)
    if form.get("query"):
        request.session[PENDING_KEY] = _seal({"user": user_pk, "form": form})


def take_pending(request: HttpRequest) -> dict[str, str] | None:
    """The interrupted search of the signed-in user, once; None otherwise."""
    if PENDING_KEY not in request.session:
        return None
    data = _open(request.session.pop(PENDING_KEY), PENDING_SECONDS)
    if data is None or data.get("user") != request.user.pk:
        return None
    return _form_values(data.get("form"))


# --------------------------------------------------------------------------
# Lookup results, for the GET page of candidates
# --------------------------------------------------------------------------


# What matched, in the agent's words (caller_query.Method names).
MATCHED_LABELS = {
    "UNIQUE_ID": gettext_lazy("Unique ID"),
    "CALL_RETURN": gettext_lazy("Call Return Number"),
    "CLICK_TO_CALL": gettext_lazy("Click-to-Call Caller ID"),
    "DTMF": gettext_lazy("DTMF code"),
    "HISTORY_SEARCH_ID": gettext_lazy("History Search ID"),
    "DNID": gettext_lazy("DNID"),
}


@dataclass(frozen=True)
class CandidateRow:
    """A candidate with the account it was found in."""

    account_slug: str
    account_name: str
    candidate: Candidate

    @property
    def matched(self) -> list[str]:
        return [
            str(MATCHED_LABELS[name])
            for name in self.candidate.matched
            if name in MATCHED_LABELS
        ]


@dataclass
class KeptResult:
    """What the result page shows: candidates, or why there are none."""

    form: dict[str, str]
    rows: list[CandidateRow] = field(default_factory=list)
    not_found: str = ""
    problems: list[str] = field(default_factory=list)
    several_accounts: bool = False


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _row_data(row: CandidateRow) -> dict[str, Any]:
    candidate = asdict(row.candidate)
    for name in ("started_at", "last_activity"):
        when = candidate[name]
        candidate[name] = when.isoformat() if when else None
    candidate["matched"] = list(candidate["matched"])
    return {"slug": row.account_slug, "name": row.account_name, "c": candidate}


def _row(data: dict[str, Any]) -> CandidateRow:
    c = data["c"]
    candidate = Candidate(
        unique_id=str(c["unique_id"]),
        flow_name=str(c["flow_name"]),
        started_at=_when(c["started_at"]),
        last_activity=_when(c["last_activity"]),
        is_live=bool(c["is_live"]),
        available=bool(c["available"]),
        customer_name=str(c.get("customer_name", "")),
        matched=tuple(str(m) for m in c.get("matched", ())),
        step_number=int(c.get("step_number", 0)),
        step_title=str(c.get("step_title", "")),
    )
    return CandidateRow(str(data["slug"]), str(data["name"]), candidate)


def keep_result(request: HttpRequest, result: KeptResult) -> str:
    """Keep a lookup's result for its GET page; returns the page's ID."""
    result_id = secrets.token_urlsafe(12)
    sealed = _seal(
        {
            "user": request.user.pk,
            "form": result.form,
            "rows": [_row_data(row) for row in result.rows],
            "not_found": result.not_found,
            "problems": result.problems,
            "several": result.several_accounts,
        }
    )
    kept = request.session.get(RESULTS_KEY)
    kept = dict(kept) if isinstance(kept, dict) else {}
    kept[result_id] = sealed
    # Insertion order: the oldest go first.
    request.session[RESULTS_KEY] = dict(list(kept.items())[-MAX_RESULTS:])
    return result_id


def kept_result(request: HttpRequest, result_id: str) -> KeptResult | None:
    """The kept result of this user under ``result_id``; None when gone."""
    kept = request.session.get(RESULTS_KEY)
    if not isinstance(kept, dict):
        return None
    data = _open(kept.get(result_id), RESULT_SECONDS)
    if data is None or data.get("user") != request.user.pk:
        return None
    try:
        rows = [_row(row) for row in data.get("rows", [])]
    except (KeyError, TypeError, ValueError):
        return None
    return KeptResult(
        form=_form_values(data.get("form")),
        rows=rows,
        not_found=str(data.get("not_found", "")),
        problems=[str(p) for p in data.get("problems", [])],
        several_accounts=bool(data.get("several")),
    )

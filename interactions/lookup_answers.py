"""What a lookup's result page says, in the agent's words, account by account.

Every sentence names the account it is about ("No interaction matches …
in Northwind Telecom", "… in any of your accounts (Acme Insurance,
Northwind Telecom)"): with several accounts, "this account" left the agent
guessing which one was searched (issue 13). One account failing never
hides another's match: its failure is said next to the matches found.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from interactions.errors import agent_message
from interactions.forms import LookupForm
from interactions.lookup_state import CandidateRow, KeptResult
from interactions.services import AccountSearch


def _names(searches: list[AccountSearch]) -> str:
    return ", ".join(search.account.name for search in searches)


def _where(searches: list[AccountSearch], searched: list[AccountSearch]) -> str:
    if len(searched) == 1:
        return searched[0].account.name
    if len(searched) == len(searches):
        return gettext("any of your accounts (%(names)s)") % {"names": _names(searched)}
    return gettext("any of %(names)s") % {"names": _names(searched)}


_FAILED_BESIDE_MATCHES = gettext_lazy(
    "The search in %(account)s failed, so a match there may be missing: %(reason)s"
)
_FAILED_NOTHING_FOUND = gettext_lazy(
    "The search in %(account)s failed, so the interaction may have been "
    "missed there: %(reason)s"
)


def _problems(searches: list[AccountSearch], found: bool) -> list[str]:
    problems = []
    for search in searches:
        name = search.account.name
        if search.error is not None:
            sentence = _FAILED_BESIDE_MATCHES if found else _FAILED_NOTHING_FOUND
            problems.append(
                str(sentence) % {"account": name, "reason": agent_message(search.error)}
            )
        elif search.result is not None and search.result.errors:
            problems.append(
                gettext("Some searches in %(account)s could not be made: %(reason)s")
                % {"account": name, "reason": agent_message(search.result.errors[0])}
            )
    return problems


def _rows(searches: list[AccountSearch]) -> list[CandidateRow]:
    rows = [
        CandidateRow(search.account.slug, search.account.name, candidate)
        for search in searches
        if search.result is not None
        for candidate in search.result.candidates
    ]
    # Newest activity first, across accounts: the customer on the line is
    # most likely the latest.
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    rows.sort(key=lambda row: row.candidate.last_activity or epoch, reverse=True)
    return rows


def kept_result(form: LookupForm, searches: list[AccountSearch]) -> KeptResult:
    """The result page of a lookup that did not end on one interaction."""
    rows = _rows(searches)
    answered = [search for search in searches if search.result is not None]
    not_found = ""
    if not rows and answered:
        assert answered[0].result is not None  # noqa: S101
        not_found = answered[0].result.not_found_sentence(_where(searches, answered))
    account = form.cleaned_data.get("account")
    return KeptResult(
        form={
            "query": form.cleaned_data["query"],
            "kind": form.cleaned_data["kind"],
            "account": account.slug if account is not None else "",
        },
        rows=rows,
        not_found=not_found,
        problems=_problems(searches, found=bool(rows)),
        several_accounts=len(searches) > 1,
    )

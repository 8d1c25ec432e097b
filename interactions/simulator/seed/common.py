"""Building blocks shared by the seed modules.

The user-variable sets (which variables each set holds), the visit builders
that lay out page navigations in time without randomness, and the customer
shared by two Acme interactions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import accumulate, cycle, islice

from interactions.simulator.model import Answer, Visit
from interactions.simulator.seed.ids import SHARED_PHONE

# --- variable sets (CAP-INT: customerInfoSet holds exactly these) ---------

CUSTOMER_INFO_SET = (
    "First Name",
    "Last Name",
    "Customer ID",
    "Phone Number",
    "Target Telephony Queue",
    "Agent Skill",
    "Language",
    "Customer Profile",
)
ROUTING_DATA_SET = (
    "Target Telephony Queue",
    "Agent Skill",
    "Priority",
    "Callback Requested",
    "Callback Number",
)
CLAIM_DATA_SET = (
    "Policy Number",
    "Claim Type",
    "Incident Location",
    "Damage Areas",
    "Photo Count",
    "Claim Reference",
)
BILLING_DATA_SET = (
    "Account Number",
    "Disputed Bill",
    "Disputed Amount",
    "Dispute Reasons",
    "Requested Resolution",
    "Case Number",
)
DEVICE_INFO_SET = (
    "Router Model",
    "Firmware Version",
    "Wi-Fi Name",
    "Lights Status",
    "Line Test Result",
)

# --- visit builders -------------------------------------------------------

# Seconds between page navigations of the finished instances; cycled so the
# times look human without any randomness.
_GAPS = (35, 52, 41, 73, 28, 64, 47, 39, 58, 44, 31, 69)

Step = (
    tuple[str, Mapping[str, Answer]]
    | tuple[str, Mapping[str, Answer], Mapping[str, str]]
)


def visits_from(first_at: float, steps: Iterable[Step]) -> tuple[Visit, ...]:
    steps = list(steps)
    offsets = accumulate(islice(cycle(_GAPS), len(steps) - 1), initial=0)
    visits = []
    for offset, step in zip(offsets, steps, strict=True):
        variables = step[2] if len(step) == 3 else {}
        visits.append(Visit(step[0], first_at + offset, step[1], variables))
    return tuple(visits)


def ending_at(last_at: float, steps: list[Step]) -> tuple[Visit, ...]:
    """Visits laid out so that the last one is at ``last_at``."""
    span = sum(islice(cycle(_GAPS), len(steps) - 1))
    return visits_from(last_at - span, steps)


HOUR = 3600.0
DAY = 24 * HOUR

# The Acme customer of 040100713 and 0909015 (same phone, SHARED_PHONE).
ZOE = {
    "First Name": "Zoë",
    "Last Name": "Ångström",
    "Customer ID": "AC-88213",
    "Phone Number": SHARED_PHONE,
    "Language": "en-us",
    "Customer Profile": "gold",
}

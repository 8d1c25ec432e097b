"""Generated interactions: a new one for every unique ID of a documented pattern.

With ``--generated`` (``make_app(generated=True)``) the simulator answers,
for every account, besides its seed data:

- any unique ID ``gen-<1 to 18 digits>`` (``gen-1``, ``gen-000042``) with a
  generated interaction, in all five methods (full flow, summary, the
  variable sets ``customerInfoSet``, ``routingDataSet``, ``claimDataSet``,
  ``billingDataSet`` and ``deviceInfoSet``, photos); IDs differing only in
  leading zeros are different interactions;
- a unique-ID lookup (any kind) or a ``byCallerAttribute`` search for a
  phone number ``NPA-555-2XXX`` (10 digits, area code 200-999, written
  ``2125552001`` or ``+12125552001``) with the interaction
  ``gen-<the 10 digits>``, whose caller attributes hold that number.

Everything is derived from the unique ID alone (a hash seeds the choices):
the same ID gives the same flow name, pages, answers, variables and photo
in every run and every account; different IDs almost always differ. The
interaction is finished, its last page 1 to 20 hours before the simulator
started (inside the ``widerSearch=false`` window). About two in five have
a photo page (a small JPEG of 640 x 480 pixels, drawn on first use).

A benchmark can so ask for a new interaction every time, and nothing grows
without bound: the last 512 are kept.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from functools import lru_cache

from interactions.simulator.model import (
    CallerAttributes,
    Flow,
    Instance,
    Option,
    Page,
    Question,
    QuestionKind,
    element_id,
)
from interactions.simulator.photos import PhotoLibrary, PhotoSpec, Subject
from interactions.simulator.seed.common import (
    BILLING_DATA_SET,
    CLAIM_DATA_SET,
    CUSTOMER_INFO_SET,
    DEVICE_INFO_SET,
    HOUR,
    ROUTING_DATA_SET,
    Step,
    ending_at,
)

__all__ = [
    "GENERATED_ID",
    "GENERATED_PHONE",
    "Generated",
    "generated_interaction",
    "generated_unique_id_for",
]

GENERATED_ID = re.compile(r"gen-[0-9]{1,18}")
GENERATED_PHONE = re.compile(r"(?:\+?1)?([2-9][0-9]{2}5552[0-9]{3})")

_TOPICS: tuple[tuple[str, tuple[Subject, ...]], ...] = (
    ("Motor Claim", ("car_front", "car_side", "car_rear")),
    ("Broadband Router Set-up", ("router_front", "router_back", "router_lights")),
    ("Bill Dispute", ()),
    ("Address Change", ()),
    ("Card Replacement", ()),
    ("Appointment Booking", ()),
    ("Boiler Repair", ()),
    ("Parcel Not Delivered", ()),
)
_FIRST = ("Amara", "Bruno", "Chen", "Dalia", "Emil", "Fatima", "Goran", "Hana")
_LAST = ("Okafor", "Silva", "Wei", "Haddad", "Novak", "Rahman", "Petrov", "Sato")
_WORDS = (
    "kitchen",
    "blue",
    "morning",
    "twice",
    "window",
    "north",
    "cable",
    "receipt",
    "quiet",
    "Thursday",
)
_OPTIONS = tuple(
    Option(f"opt{i}", f"Choice {label}") for i, label in enumerate("ABCDE")
)
_VARIABLE_SETS = {
    "customerInfoSet": CUSTOMER_INFO_SET,
    "routingDataSet": ROUTING_DATA_SET,
    "claimDataSet": CLAIM_DATA_SET,
    "billingDataSet": BILLING_DATA_SET,
    "deviceInfoSet": DEVICE_INFO_SET,
}


@dataclass(frozen=True)
class Generated:
    """A generated interaction and the library holding its photo (if any)."""

    instance: Instance
    photos: PhotoLibrary


def generated_unique_id_for(value: str) -> str | None:
    """The generated unique ID a lookup value stands for, or None.

    A ``gen-`` ID stands for itself (as a history search ID); a phone
    number of the documented pattern for ``gen-<its 10 digits>``.
    """
    if GENERATED_ID.fullmatch(value):
        return value
    match = GENERATED_PHONE.fullmatch(value)
    return f"gen-{match.group(1)}" if match else None


@lru_cache(maxsize=512)
def generated_interaction(
    unique_id: str, account_id: str, time_zone: str
) -> Generated | None:
    """The interaction of a ``gen-`` unique ID in one account, or None."""
    if not GENERATED_ID.fullmatch(unique_id):
        return None
    digest = hashlib.sha256(unique_id.encode("ascii")).digest()
    # Reproducible test data, not a secret: a seeded PRNG is the point.
    rng = random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311
    number = int(unique_id[4:])
    topic, subjects = _TOPICS[rng.randrange(len(_TOPICS))]
    flow_name = f"{topic} {number % 97 + 1}"
    pages, steps, photo = _pages_and_steps(rng, unique_id, flow_name, subjects)
    flow = Flow(
        flow_id=element_id("generated-flow", flow_name),
        name=flow_name,
        pages=pages,
        variable_sets=_VARIABLE_SETS,
    )
    digits = unique_id[4:]
    phone = digits if len(digits) == 10 else f"212555{number % 10_000:04d}"
    attributes = CallerAttributes(
        dtmf=digits[-9:],
        call_return_number=phone,
        click_to_call_caller_id=phone,
        history_search_id=unique_id,
    )
    variables = {
        "First Name": rng.choice(_FIRST),
        "Last Name": rng.choice(_LAST),
        "Customer ID": f"GN-{number % 1_000_000:06d}",
        "Phone Number": phone,
        "Language": rng.choice(("en-us", "en-gb", "fr-fr")),
        "Customer Profile": rng.choice(("gold", "silver", "standard")),
        "Priority": rng.choice(("low", "normal", "high")),
    }
    for names in _VARIABLE_SETS.values():
        for name in names:
            variables.setdefault(name, f"{rng.choice(_WORDS)} {rng.randrange(1000)}")
    instance = Instance(
        unique_id=unique_id,
        account_id=account_id,
        flow=flow,
        attributes=attributes,
        visits=ending_at(-rng.uniform(1, 20) * HOUR, steps),
        time_zone=time_zone,
        variables=variables,
    )
    return Generated(instance, PhotoLibrary([photo] if photo else []))


def _pages_and_steps(
    rng: random.Random, unique_id: str, flow_name: str, subjects: tuple[Subject, ...]
) -> tuple[tuple[Page, ...], list[Step], PhotoSpec | None]:
    pages = [
        Page(
            "Welcome",
            flow_name,
            header_html=f"<p>Welcome to <b>{flow_name}</b>.</p>",
            position="first",
        )
    ]
    steps: list[Step] = [("Welcome", {})]
    for index in range(1, rng.randint(2, 10) + 1):
        kinds: tuple[QuestionKind, ...] = ("text", "single", "multiple")
        kind = rng.choice(kinds)
        ref = f"Question {index}"
        question = Question(
            ref,
            kind,
            label=f"Question {index} of {flow_name}?",
            options=_OPTIONS if kind != "text" else (),
            variable=ref,
        )
        pages.append(Page(f"Step {index}", f"Step {index}", questions=(question,)))
        if kind == "text":
            answer: str | tuple[str, ...] = " ".join(rng.sample(_WORDS, 3))
        elif kind == "single":
            answer = (rng.choice(_OPTIONS).value,)
        else:
            answer = tuple(o.value for o in _OPTIONS if rng.random() < 0.5)
        steps.append((f"Step {index}", {ref: answer}))
    photo: PhotoSpec | None = None
    chance = 0.75 if subjects else 0.3
    if rng.random() < chance:
        path = f"/mnt/sdcard/DCIM/Camera/IMG_{unique_id}.jpg"
        subject = rng.choice(subjects or ("car_front", "router_front"))
        photo = PhotoSpec(
            path=path,
            format="JPEG",
            size=(640, 480),
            subject=subject,
            caption=flow_name,
        )
        question = Question("Photo", "photo", label="Take a photo", mandatory=False)
        pages.append(Page("Photo", "Photo", questions=(question,)))
        steps.append(("Photo", {"Photo": (path,)}))
    pages.append(Page("Done", "Thank you", position="last"))
    steps.append(("Done", {}, {"Target Telephony Queue": "general"}))
    return tuple(pages), steps, photo

"""Seeded demo accounts and interactions of the X-Platform simulator.

Everything here is deterministic: no randomness, no wall clock. Page times
are stored as offsets in seconds from the simulator's start
(``Clock.started_at``), so one :class:`Dataset` can be built once and served
under any clock; under the tests' ``ManualClock`` every timestamp the
simulator serves is reproducible.

Accounts (``DEMO_ACCOUNTS``):

- ``12345678`` "Acme Insurance" (the account id of the vendor docs; no
  environment): motor claims with car-damage photos and one premium billing
  dispute.
- ``jan20`` "Northwind Telecom" (the account of the captured test suite,
  CAP-CFG; environment ``PROD``): broadband router set-ups with photos,
  including the live interaction, and a bill dispute.

Interactions (unique id: flow; caller attributes; photos):

==================  ========  =======================================================
unique id           account   notes
==================  ========  =======================================================
040100713           12345678  motor claim, ~2 h ago; DTMF 0407013, call return
                              2125550100 (shared), historySearchId blue-p4ff56al8,
                              DNID 550113; JPEG with EXIF orientation 6 + GPS, PNG
902c943b-...-cbe6   12345678  motor claim, 3 days ago (outside the 24 h window);
                              went back from "Photos" to "Damaged areas"; JPEG
040100709           12345678  motor claim, ~30 min ago; the 12 MP JPEG
0909015             12345678  premium billing dispute, ~1 h ago; call return
                              2125550100 (shared with 040100713)
959595              jan20     router set-up, ~5 h ago; GIF and PNG
7301846             jan20     router set-up, LIVE: 3 pages at the start, then one
                              page every 5 s until 11 pages (finished after 40 s)
4412087             jan20     bill dispute, 2 days ago; script and quotes in answers
==================  ========  =======================================================

Simulator assumptions (not documented by the vendor; xplatform-api.md 10):

- Instances are scoped per account: another account's unique id is not found.
- ``byCallerAttribute`` matches the value against every caller attribute of
  an instance (DTMF, DNID, call return number, click-to-call caller id,
  history search id), not against the unique id. When several instances
  match, the one with the most recent page wins. ``widerSearch=false`` (also
  the default when the parameter is absent) searches live instances and those
  whose last page is at most 24 hours old by the simulator clock;
  ``widerSearch=true`` searches all of them.
- The unique-ID lookup matches only the named attribute type, searches all
  instances (no time window) and lists every match, newest first.
- A page visited twice (back-navigation) appears twice, in navigation order,
  in the full flow and in the summary.
- The summary lists every visited page that has question elements, even when
  an optional answer is empty; collection tables are display-only and never
  appear in it.
- A photo can be fetched only once the page that uploaded it has been reached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import accumulate, cycle, islice
from typing import Literal
from zoneinfo import ZoneInfo

from interactions.simulator.photos import PhotoLibrary, PhotoSpec

__all__ = [
    "ACME_ACCOUNT_ID",
    "ACME_BILLING_UNIQUE_ID",
    "BACK_NAVIGATION_UNIQUE_ID",
    "BIG_PHOTO_PATH",
    "BIG_PHOTO_UNIQUE_ID",
    "CALLER_ATTRIBUTE_KINDS",
    "DEMO_ACCOUNTS",
    "EXIF_PHOTO_PATH",
    "GIF_PHOTO_PATH",
    "HISTORY_SEARCH_ID",
    "LEADING_ZERO_UNIQUE_ID",
    "LIVE_BACK_PHOTO_PATH",
    "LIVE_FRONT_PHOTO_PATH",
    "LIVE_INITIAL_PAGES",
    "LIVE_PAGE_INTERVAL",
    "LIVE_TOTAL_PAGES",
    "LIVE_UNIQUE_ID",
    "NORTHWIND_ACCOUNT_ID",
    "NORTHWIND_BILLING_UNIQUE_ID",
    "OLD_ONLY_CALLER_ID",
    "PNG_PHOTO_PATH",
    "REAR_PHOTO_PATH",
    "RECENT_WINDOW",
    "ROUTER_BACK_PHOTO_PATH",
    "ROUTER_UNIQUE_ID",
    "SHARED_PHONE",
    "SHARED_PHONE_UNIQUE_IDS",
    "UUID_UNIQUE_ID",
    "Answer",
    "CallerAttributeKind",
    "CallerAttributes",
    "Dataset",
    "DemoAccount",
    "Flow",
    "Instance",
    "Option",
    "Page",
    "Question",
    "Snapshot",
    "TimedVisit",
    "Visit",
    "build_dataset",
    "default_dataset",
    "element_id",
    "lower_camel",
]

# --- identifiers the tests and the demo rely on ---------------------------

ACME_ACCOUNT_ID = "12345678"  # the docs' example account (U-UID, J-FF)
NORTHWIND_ACCOUNT_ID = "jan20"  # the captured suite's account (CAP-CFG)

LEADING_ZERO_UNIQUE_ID = "040100713"  # doc example with leading zeros (J-FF)
UUID_UNIQUE_ID = "902c943b-1911-4689-aed3-099c2168cbe6"  # captured value (CAP-SUM)
BACK_NAVIGATION_UNIQUE_ID = UUID_UNIQUE_ID
BIG_PHOTO_UNIQUE_ID = "040100709"  # doc example (J-PH)
ACME_BILLING_UNIQUE_ID = "0909015"  # doc example (U-IDX)
ROUTER_UNIQUE_ID = "959595"  # doc example (U-IDX)
LIVE_UNIQUE_ID = "7301846"
NORTHWIND_BILLING_UNIQUE_ID = "4412087"

SHARED_PHONE = "2125550100"
# Newest first, as the unique-ID lookup lists them.
SHARED_PHONE_UNIQUE_IDS = (ACME_BILLING_UNIQUE_ID, LEADING_ZERO_UNIQUE_ID)
HISTORY_SEARCH_ID = "blue-p4ff56al8"  # the example of Z-UID
# A click-to-call caller id held only by the 3-day-old UUID instance, so
# widerSearch=false misses it and widerSearch=true finds it.
OLD_ONLY_CALLER_ID = "6465550177"

EXIF_PHOTO_PATH = "/mnt/sdcard/DCIM/Camera/IMG_20250601_101512.jpg"
PNG_PHOTO_PATH = "/mnt/sdcard/home/downloads/i1152998579.png"  # doc example (U-PH)
REAR_PHOTO_PATH = "/storage/emulated/0/DCIM/Camera/20250530_174455.jpg"
BIG_PHOTO_PATH = "/storage/emulated/0/DCIM/Camera/IMG_20250602_083000_HDR.jpg"
GIF_PHOTO_PATH = "/mnt/sdcard/Pictures/router_lights.gif"
ROUTER_BACK_PHOTO_PATH = "/mnt/sdcard/Pictures/router_back_959595.png"
LIVE_FRONT_PHOTO_PATH = "/mnt/sdcard/DCIM/Camera/IMG_7301846_front.jpg"
LIVE_BACK_PHOTO_PATH = "/mnt/sdcard/DCIM/Camera/IMG_7301846_back.jpg"

LIVE_PAGE_INTERVAL = 5.0  # seconds between two pages of the live interaction
LIVE_INITIAL_PAGES = 3
LIVE_TOTAL_PAGES = 11
RECENT_WINDOW = 24 * 3600.0  # widerSearch=false horizon, seconds

CallerAttributeKind = Literal[
    "dtmf", "dnid", "callReturn", "clickToCall", "historySearchId"
]
CALLER_ATTRIBUTE_KINDS: tuple[CallerAttributeKind, ...] = (
    "dtmf",
    "dnid",
    "callReturn",
    "clickToCall",
    "historySearchId",
)


# --- model ----------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    """An X-Platform tenant the simulator serves, and how the console reaches it."""

    account_id: str
    application_key: str
    environment_name: str | None
    name: str
    slug: str
    variable_sets: list[str]
    time_zone: str


@dataclass(frozen=True)
class Option:
    """One option of a single- or multiple-choice question."""

    value: str
    label: str


QuestionKind = Literal["text", "single", "multiple", "photo", "collection"]


@dataclass(frozen=True)
class Question:
    """A question element (section) of a page.

    ``collection`` is a display-only table (the captured "TableRows"
    section, CAP-FF); every other kind takes customer input. ``variable``
    names the user variable the answer is stored in.
    """

    ref: str
    kind: QuestionKind
    label: str = ""
    header_html: str = ""
    footer_html: str = ""
    options: tuple[Option, ...] = ()
    text_format: str = "TEXT"
    text_mask: str = ""
    max_characters: int = 150
    lines: int = 1
    mandatory: bool = True
    columns: tuple[tuple[str, str], ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    variable: str | None = None

    @property
    def takes_input(self) -> bool:
        """Whether the summary lists this element (U-SUM: input steps only)."""
        return self.kind != "collection"

    def option_labels(self, values: Iterable[str]) -> list[str]:
        """Labels of the given option values, in the question's order."""
        chosen = set(values)
        return [option.label for option in self.options if option.value in chosen]


PagePosition = Literal["first", "middle", "last"]


@dataclass(frozen=True)
class Page:
    """A page (step) of a flow definition."""

    ref: str
    title: str
    header_html: str = ""
    footer_html: str = ""
    questions: tuple[Question, ...] = ()
    position: PagePosition = "middle"

    @property
    def takes_input(self) -> bool:
        return any(question.takes_input for question in self.questions)


@dataclass(frozen=True)
class Flow:
    """An interaction (flow) definition built in the Designer."""

    flow_id: str
    name: str
    pages: tuple[Page, ...]
    variable_sets: Mapping[str, tuple[str, ...]]

    def page(self, ref: str) -> Page:
        for page in self.pages:
            if page.ref == ref:
                return page
        raise KeyError(ref)


# Text, or the selected option values, or the uploaded photo paths.
Answer = str | Sequence[str]


@dataclass(frozen=True)
class Visit:
    """One page navigation of an instance.

    ``at`` is in seconds from the simulator's start (negative: before it).
    ``answers`` maps a question's ref to its text, the selected option values
    or the uploaded photo paths. ``variables`` are assigned on this page.
    """

    page: str
    at: float
    answers: Mapping[str, Answer] = field(default_factory=dict)
    variables: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CallerAttributes:
    """The read-only variables an instance can be found by (xplatform-api.md 4)."""

    dtmf: str | None = None
    dnid: str | None = None
    call_return_number: str | None = None
    click_to_call_caller_id: str | None = None
    history_search_id: str | None = None

    def get(self, kind: CallerAttributeKind) -> str | None:
        return {
            "dtmf": self.dtmf,
            "dnid": self.dnid,
            "callReturn": self.call_return_number,
            "clickToCall": self.click_to_call_caller_id,
            "historySearchId": self.history_search_id,
        }[kind]

    def values(self) -> tuple[str, ...]:
        found = (self.get(kind) for kind in CALLER_ATTRIBUTE_KINDS)
        return tuple(value for value in found if value)


@dataclass(frozen=True)
class TimedVisit:
    """A visit with its page definition and absolute time."""

    visit: Visit
    page: Page
    time_ms: int
    time_zone_minutes: int


@dataclass(frozen=True)
class Snapshot:
    """What an instance looks like at one moment of the simulator clock."""

    instance: Instance
    visits: tuple[TimedVisit, ...]
    live: bool
    last_activity: float
    variables: Mapping[str, str]
    photo_paths: tuple[str, ...]


@dataclass(frozen=True)
class Instance:
    """One run of a flow by an end user, identified by its unique id."""

    unique_id: str
    account_id: str
    flow: Flow
    attributes: CallerAttributes
    visits: tuple[Visit, ...]
    time_zone: str
    variables: Mapping[str, str] = field(default_factory=dict)

    def snapshot(self, started_at: float, now: float) -> Snapshot | None:
        """The instance as of ``now``; None before its first page."""
        reached = [v for v in self.visits if started_at + v.at <= now]
        if not reached:
            return None
        zone = ZoneInfo(self.time_zone)
        timed = []
        for visit in reached:
            at = started_at + visit.at
            offset = datetime.fromtimestamp(at, UTC).astimezone(zone).utcoffset()
            minutes = int(offset.total_seconds() // 60) if offset else 0
            timed.append(
                TimedVisit(visit, self.flow.page(visit.page), round(at * 1000), minutes)
            )
        return Snapshot(
            instance=self,
            visits=tuple(timed),
            live=len(reached) < len(self.visits),
            last_activity=started_at + reached[-1].at,
            variables=self._variables(reached),
            photo_paths=self._photo_paths(reached),
        )

    def _variables(self, reached: list[Visit]) -> dict[str, str]:
        values = dict(self.variables)
        for visit in reached:
            page = self.flow.page(visit.page)
            for question in page.questions:
                answer = visit.answers.get(question.ref)
                if question.variable and answer is not None:
                    values[question.variable] = _variable_text(question, answer)
            values.update(visit.variables)
        return values

    def _photo_paths(self, reached: list[Visit]) -> tuple[str, ...]:
        paths: list[str] = []
        for visit in reached:
            for question in self.flow.page(visit.page).questions:
                answer = visit.answers.get(question.ref, ())
                if question.kind == "photo" and isinstance(answer, tuple):
                    paths.extend(p for p in answer if p not in paths)
        return tuple(paths)


def _variable_text(question: Question, answer: Answer) -> str:
    if question.kind == "photo":
        return str(len(answer)) if isinstance(answer, tuple) else "0"
    if isinstance(answer, str):
        if question.kind in ("single", "multiple"):
            return ", ".join(question.option_labels([answer]))
        return answer
    return ", ".join(question.option_labels(answer))


@dataclass(frozen=True)
class Dataset:
    """Accounts, instances and photos the simulator serves."""

    accounts: tuple[DemoAccount, ...]
    instances: tuple[Instance, ...]
    photos: PhotoLibrary

    def account(self, account_id: str) -> DemoAccount | None:
        for account in self.accounts:
            if account.account_id == account_id:
                return account
        return None

    def instances_of(self, account_id: str) -> tuple[Instance, ...]:
        return tuple(i for i in self.instances if i.account_id == account_id)

    def instance(self, account_id: str, unique_id: str) -> Instance | None:
        for instance in self.instances_of(account_id):
            if instance.unique_id == unique_id:
                return instance
        return None


def element_id(*parts: str) -> str:
    """A designer-style element id, ``<13-digit ms>-<39 hex>-<4 hex>`` (CAP-FF).

    Derived from a hash of ``parts``, so ids are stable across runs.
    """
    digest = hashlib.sha1("/".join(parts).encode("utf-8"), usedforsecurity=False)
    hexdigest = digest.hexdigest()
    millis = 1_428_325_000_000 + int(hexdigest[:8], 16) % 900_000_000
    return f"{millis}-{hexdigest[:39]}-{hexdigest[-4:]}"


def lower_camel(name: str) -> str:
    """The response key of a variable: lowerCamelCase of its name (5.4).

    ``"Customer ID"`` becomes ``customerId`` and ``"Wi-Fi Name"``
    ``wiFiName``.
    """
    words = [w for w in "".join(c if c.isalnum() else " " for c in name).split() if w]
    if not words:
        return ""
    return words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])


# --- accounts -------------------------------------------------------------

ACME = DemoAccount(
    account_id=ACME_ACCOUNT_ID,
    application_key="acme-public-api-key-5f2d8c1e9b7a4036",
    environment_name=None,
    name="Acme Insurance",
    slug="acme",
    variable_sets=[
        "customerInfoSet",
        "claimDataSet",
        "billingDataSet",
        "routingDataSet",
    ],
    time_zone="America/New_York",
)
NORTHWIND = DemoAccount(
    account_id=NORTHWIND_ACCOUNT_ID,
    application_key="northwind-public-api-key-a81c44e07d93",
    environment_name="PROD",
    name="Northwind Telecom",
    slug="northwind",
    variable_sets=[
        "customerInfoSet",
        "deviceInfoSet",
        "billingDataSet",
        "routingDataSet",
    ],
    time_zone="Europe/London",
)
DEMO_ACCOUNTS: list[DemoAccount] = [ACME, NORTHWIND]

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

# --- flows ----------------------------------------------------------------

_YES_NO = (Option("yes", "Yes"), Option("no", "No"))

CLAIM_FLOW = Flow(
    flow_id=element_id("flow", "motor-claim"),
    name="Motor Claim FNOL",
    pages=(
        Page(
            "Welcome",
            "Report a car accident",
            header_html=(
                "<p><b>Acme Insurance</b> &amp; you</p> <p>&#160;</p> "
                "<p>Let&#39;s get your claim started. "
                "It takes about 5&#160;minutes.</p>"
            ),
            position="first",
        ),
        Page(
            "Policy",
            "Your policy",
            questions=(
                Question(
                    "Policy Number",
                    "text",
                    label="Policy number",
                    header_html=(
                        "<p>You can find it on your insurance card&#160;"
                        "<b>(10&#160;characters)</b></p>"
                    ),
                    footer_html="<p>Example: <b>AC-1234567</b></p>",
                    text_mask="AA-#######",
                    max_characters=10,
                    variable="Policy Number",
                ),
                Question(
                    "Full Name", "text", label="Your full name", max_characters=80
                ),
            ),
        ),
        Page(
            "Incident",
            "What happened?",
            questions=(
                Question(
                    "Incident Type",
                    "single",
                    label="What happened to your car?",
                    options=(
                        Option("collision", "Collision with another vehicle"),
                        Option("single_vehicle", "Single-vehicle accident"),
                        Option("theft", "Theft or attempted theft"),
                        Option("vandalism", "Vandalism"),
                        Option("weather", "Storm, flood or hail"),
                    ),
                    variable="Claim Type",
                ),
                Question(
                    "Incident Location",
                    "text",
                    label="Where did it happen?",
                    header_html="<p>Street &amp; town, as precisely as you can.</p>",
                    max_characters=200,
                    variable="Incident Location",
                ),
            ),
        ),
        Page(
            "Coverage",
            "Your cover",
            header_html="<p>This is what your policy covers.</p>",
            questions=(
                Question(
                    "Coverage Table",
                    "collection",
                    columns=(
                        ("coverage", "Cover"),
                        ("limit", "Limit"),
                        ("excess", "Excess"),
                    ),
                    rows=(
                        ("Accidental damage", "Market value", "$500"),
                        ("Third-party liability", "$1,000,000", "$0"),
                        ("Windscreen", "Unlimited", "$75"),
                    ),
                ),
            ),
        ),
        Page(
            "Damage",
            "Damaged areas",
            questions=(
                Question(
                    "Damage Areas",
                    "multiple",
                    label="Which parts of the car are damaged?",
                    header_html="<p>Select <b>all</b> that apply.</p>",
                    options=(
                        Option("front_bumper", "Front bumper"),
                        Option("rear_bumper", "Rear bumper"),
                        Option("left_door", "Left door"),
                        Option("right_door", "Right door"),
                        Option("windscreen", "Windscreen"),
                        Option("bonnet", "Bonnet"),
                    ),
                    variable="Damage Areas",
                ),
            ),
        ),
        Page(
            "Photos",
            "Photos of the damage",
            questions=(
                Question(
                    "Damage Photos",
                    "photo",
                    label="Upload photos of the damage",
                    header_html=(
                        "<p>Take photos in daylight&#160;&#8211; one close-up, "
                        "one from 3&#160;m away.</p>"
                    ),
                    footer_html="<p>JPG, PNG or GIF, up to 10&#160;MB each.</p>",
                    mandatory=False,
                    variable="Photo Count",
                ),
            ),
        ),
        Page(
            "Description",
            "Describe the damage",
            questions=(
                Question(
                    "Damage Description",
                    "text",
                    label="In your own words, what happened?",
                    max_characters=1000,
                    lines=5,
                    mandatory=False,
                ),
            ),
        ),
        Page(
            "Contact",
            "How can we reach you?",
            questions=(
                Question(
                    "Contact Preference",
                    "single",
                    label="How should we contact you?",
                    options=(
                        Option("callback", "Call me back"),
                        Option("email", "Email"),
                        Option("sms", "Text message (SMS)"),
                    ),
                    variable="Callback Requested",
                ),
                Question(
                    "Callback Number",
                    "text",
                    label="Your phone number",
                    text_format="NUMBER",
                    max_characters=15,
                    mandatory=False,
                    variable="Callback Number",
                ),
            ),
        ),
        Page(
            "Submitted",
            "Claim submitted",
            header_html=(
                "<p>Thank you. Your claim has been submitted.</p> "
                "<p>An adjuster will call you within <b>1&#160;working day</b>.</p>"
            ),
            position="last",
        ),
    ),
    variable_sets={
        "customerInfoSet": CUSTOMER_INFO_SET,
        "routingDataSet": ROUTING_DATA_SET,
        "claimDataSet": CLAIM_DATA_SET,
    },
)


def _billing_flow(slug: str, brand: str, bills: tuple[tuple[str, ...], ...]) -> Flow:
    return Flow(
        flow_id=element_id("flow", slug, "billing-dispute"),
        name=f"{brand} Billing Dispute",
        pages=(
            Page(
                "Welcome",
                "Question a bill",
                header_html=(
                    f"<p><b>{brand}</b></p> <p>Sorry something looks wrong "
                    "with your bill &#8211; let&#39;s sort it out.</p>"
                ),
                position="first",
            ),
            Page(
                "Account",
                "Your account",
                questions=(
                    Question(
                        "Account Number",
                        "text",
                        label="Account number",
                        footer_html="<p>It is printed at the top of every bill.</p>",
                        variable="Account Number",
                    ),
                    Question("Account Holder", "text", label="Name on the account"),
                ),
            ),
            Page(
                "Bills",
                "Your recent bills",
                questions=(
                    Question(
                        "Recent Bills",
                        "collection",
                        columns=(
                            ("period", "Period"),
                            ("amount", "Amount"),
                            ("status", "Status"),
                        ),
                        rows=bills,
                    ),
                    Question(
                        "Disputed Bill",
                        "single",
                        label="Which bill do you want to question?",
                        options=tuple(Option(row[0], row[0]) for row in bills),
                        variable="Disputed Bill",
                    ),
                ),
            ),
            Page(
                "Reason",
                "What is wrong?",
                questions=(
                    Question(
                        "Dispute Reasons",
                        "multiple",
                        label="What is wrong with the bill?",
                        header_html="<p>Select <b>every</b> reason that applies.</p>",
                        options=(
                            Option("charged_twice", "Charged twice"),
                            Option("roaming", "Unexpected roaming charges"),
                            Option(
                                "price_increase", "Price increase I did not agree to"
                            ),
                            Option("cancelled", "Cancelled service still billed"),
                        ),
                        variable="Dispute Reasons",
                    ),
                ),
            ),
            Page(
                "Details",
                "Tell us more",
                questions=(
                    Question(
                        "Disputed Amount",
                        "text",
                        label="Amount you dispute",
                        text_format="NUMBER",
                        max_characters=10,
                        variable="Disputed Amount",
                    ),
                    Question(
                        "Dispute Details",
                        "text",
                        label="Anything else we should know?",
                        footer_html=(
                            "<p><i>Please don&#39;t include card numbers.</i></p>"
                        ),
                        max_characters=1000,
                        lines=5,
                        mandatory=False,
                    ),
                ),
            ),
            Page(
                "Resolution",
                "How should we fix it?",
                questions=(
                    Question(
                        "Requested Resolution",
                        "single",
                        label="What would you like us to do?",
                        options=(
                            Option("credit", "Credit my next bill"),
                            Option("refund", "Refund to my card"),
                            Option("callback", "Call me to discuss"),
                        ),
                        variable="Requested Resolution",
                    ),
                ),
            ),
            Page(
                "Done",
                "Dispute received",
                header_html=(
                    "<p>Thanks &#8211; we have opened a case.</p> "
                    "<p>You will hear from us within <b>5&#160;days</b>.</p>"
                ),
                position="last",
            ),
        ),
        variable_sets={
            "customerInfoSet": CUSTOMER_INFO_SET,
            "routingDataSet": ROUTING_DATA_SET,
            "billingDataSet": BILLING_DATA_SET,
        },
    )


ACME_BILLING_FLOW = _billing_flow(
    "acme",
    "Acme Insurance",
    (
        ("2025-03", "$96.20", "Paid"),
        ("2025-04", "$96.20", "Paid"),
        ("2025-05", "$214.60", "Paid"),
    ),
)
NORTHWIND_BILLING_FLOW = _billing_flow(
    "northwind",
    "Northwind Telecom",
    (
        ("March 2025", "£42.00", "Paid"),
        ("April 2025", "£42.00", "Paid"),
        ("May 2025", "£97.35", "Due"),
    ),
)

ROUTER_FLOW = Flow(
    flow_id=element_id("flow", "router-setup"),
    name="Broadband Router Set-up",
    pages=(
        Page(
            "Welcome",
            "Set up your router",
            header_html=(
                "<p><b>Northwind Broadband</b></p> <p>This guide takes about "
                "10&#160;minutes. Keep your router &amp; phone nearby.</p>"
            ),
            position="first",
        ),
        Page(
            "Model",
            "Your router",
            questions=(
                Question(
                    "Router Model",
                    "single",
                    label="Which router do you have?",
                    header_html="<p>The model is on the label underneath.</p>",
                    options=(
                        Option("hub3", "Northwind Hub 3"),
                        Option("hub4", "Northwind Hub 4"),
                        Option("hub5", "Northwind Hub 5"),
                        Option("other", "Another router"),
                    ),
                    variable="Router Model",
                ),
                Question(
                    "Firmware Version",
                    "text",
                    label="Firmware version (if you know it)",
                    mandatory=False,
                    max_characters=20,
                    variable="Firmware Version",
                ),
            ),
        ),
        Page(
            "Lights",
            "Check the lights",
            questions=(
                Question(
                    "Lights On",
                    "multiple",
                    label="Which lights are on?",
                    header_html="<p>Look at the <b>front</b> of the router.</p>",
                    options=(
                        Option("power", "Power"),
                        Option("broadband", "Broadband"),
                        Option("internet", "Internet"),
                        Option("wifi", "Wi-Fi"),
                    ),
                    variable="Lights Status",
                ),
            ),
        ),
        Page(
            "Lights Photo",
            "Photo of the lights",
            questions=(
                Question(
                    "Lights Photo",
                    "photo",
                    label="Take a photo of the front of the router",
                    footer_html="<p>Make sure all the lights are in the picture.</p>",
                    mandatory=False,
                ),
            ),
        ),
        Page(
            "Cables",
            "Check the cables",
            questions=(
                Question(
                    "DSL Cable",
                    "single",
                    label="Is the grey cable plugged into the port marked DSL?",
                    options=_YES_NO,
                ),
            ),
        ),
        Page(
            "WiFi",
            "Your Wi-Fi",
            questions=(
                Question(
                    "WiFi Name",
                    "text",
                    label="Wi-Fi network name",
                    header_html=(
                        "<p>It&#39;s on the card that came with the router.</p>"
                    ),
                    max_characters=32,
                    variable="Wi-Fi Name",
                ),
            ),
        ),
        Page(
            "Speed Test",
            "Line test",
            header_html="<p>We tested your line remotely.</p>",
            questions=(
                Question(
                    "Speed Results",
                    "collection",
                    columns=(
                        ("test", "Test"),
                        ("download", "Download"),
                        ("upload", "Upload"),
                    ),
                    rows=(
                        ("Line sync", "48.2 Mbit/s", "9.6 Mbit/s"),
                        ("Router to exchange", "46.9 Mbit/s", "9.1 Mbit/s"),
                    ),
                ),
            ),
        ),
        Page(
            "Back Photo",
            "Back of the router",
            questions=(
                Question(
                    "Back Photo",
                    "photo",
                    label="Take a photo of the cables at the back",
                    mandatory=False,
                ),
            ),
        ),
        Page(
            "Result",
            "Is it working?",
            questions=(
                Question(
                    "Working Now",
                    "single",
                    label="Is your internet working now?",
                    options=(
                        Option("yes", "Yes"),
                        Option("partly", "Partly (slow or dropping)"),
                        Option("no", "No"),
                    ),
                ),
            ),
        ),
        Page(
            "Callback",
            "Need more help?",
            questions=(
                Question(
                    "Help Option",
                    "single",
                    label="How can we help further?",
                    options=(
                        Option("callback", "Call me back"),
                        Option("chat", "Chat with an expert"),
                        Option("no_thanks", "No thanks"),
                    ),
                    variable="Callback Requested",
                ),
                Question(
                    "Best Time",
                    "text",
                    label="Best time to call",
                    mandatory=False,
                    max_characters=40,
                ),
            ),
        ),
        Page(
            "Done",
            "All done",
            header_html="<p>Thanks for setting up your router with us.</p>",
            position="last",
        ),
    ),
    variable_sets={
        "customerInfoSet": CUSTOMER_INFO_SET,
        "routingDataSet": ROUTING_DATA_SET,
        "deviceInfoSet": DEVICE_INFO_SET,
    },
)

# --- instances ------------------------------------------------------------

# Seconds between page navigations of the finished instances; cycled so the
# times look human without any randomness.
_GAPS = (35, 52, 41, 73, 28, 64, 47, 39, 58, 44, 31, 69)

Step = (
    tuple[str, Mapping[str, Answer]]
    | tuple[str, Mapping[str, Answer], Mapping[str, str]]
)


def _visits(first_at: float, steps: Iterable[Step]) -> tuple[Visit, ...]:
    steps = list(steps)
    offsets = accumulate(islice(cycle(_GAPS), len(steps) - 1), initial=0)
    visits = []
    for offset, step in zip(offsets, steps, strict=True):
        variables = step[2] if len(step) == 3 else {}
        visits.append(Visit(step[0], first_at + offset, step[1], variables))
    return tuple(visits)


def _ending_at(last_at: float, steps: list[Step]) -> tuple[Visit, ...]:
    """Visits laid out so that the last one is at ``last_at``."""
    span = sum(islice(cycle(_GAPS), len(steps) - 1))
    return _visits(last_at - span, steps)


_HOUR = 3600.0
_DAY = 24 * _HOUR

_ZOE = {
    "First Name": "Zoë",
    "Last Name": "Ångström",
    "Customer ID": "AC-88213",
    "Phone Number": SHARED_PHONE,
    "Language": "en-us",
    "Customer Profile": "gold",
}


def _instances() -> tuple[Instance, ...]:
    claim_submitted = {
        "Target Telephony Queue": "claims-motor",
        "Agent Skill": "motor-claims-tier1",
        "Priority": "normal",
    }
    return (
        Instance(
            unique_id=LEADING_ZERO_UNIQUE_ID,
            account_id=ACME_ACCOUNT_ID,
            flow=CLAIM_FLOW,
            attributes=CallerAttributes(
                dtmf="0407013",
                dnid="550113",
                call_return_number=SHARED_PHONE,
                history_search_id=HISTORY_SEARCH_ID,
            ),
            time_zone="America/New_York",
            variables=_ZOE,
            visits=_ending_at(
                -2 * _HOUR,
                [
                    ("Welcome", {}),
                    (
                        "Policy",
                        {"Policy Number": "AC-4418207", "Full Name": "Zoë Ångström"},
                    ),
                    (
                        "Incident",
                        {
                            "Incident Type": ("collision",),
                            "Incident Location": (
                                "Junction of Main St & 5th Ave, Springfield"
                            ),
                        },
                    ),
                    ("Coverage", {}),
                    ("Damage", {"Damage Areas": ("front_bumper", "bonnet")}),
                    ("Photos", {"Damage Photos": (EXIF_PHOTO_PATH, PNG_PHOTO_PATH)}),
                    (
                        "Description",
                        {
                            "Damage Description": (
                                'The other driver said "I didn\'t see the red light" '
                                "and hit my front bumper. The bonnet won't close & "
                                "the dent is < 10 cm."
                            )
                        },
                    ),
                    (
                        "Contact",
                        {
                            "Contact Preference": ("callback",),
                            "Callback Number": SHARED_PHONE,
                        },
                    ),
                    (
                        "Submitted",
                        {},
                        {"Claim Reference": "CLM-2025-040713", **claim_submitted},
                    ),
                ],
            ),
        ),
        Instance(
            unique_id=UUID_UNIQUE_ID,
            account_id=ACME_ACCOUNT_ID,
            flow=CLAIM_FLOW,
            attributes=CallerAttributes(
                dtmf="4567",
                click_to_call_caller_id=OLD_ONLY_CALLER_ID,
                history_search_id="red-x9kq22bd7",
            ),
            time_zone="Asia/Tokyo",
            variables={
                "First Name": "Marcus",
                "Last Name": "O'Neill",
                "Customer ID": "AC-90417",
                "Phone Number": OLD_ONLY_CALLER_ID,
                "Language": "en-us",
                "Customer Profile": "standard",
            },
            visits=_ending_at(
                -3 * _DAY,
                [
                    ("Welcome", {}),
                    (
                        "Policy",
                        {"Policy Number": "AC-9904417", "Full Name": "Marcus O'Neill"},
                    ),
                    (
                        "Incident",
                        {
                            "Incident Type": ("weather",),
                            "Incident Location": (
                                "東京 (Tokyo), Minato-ku car park, level 3"
                            ),
                        },
                    ),
                    ("Coverage", {}),
                    ("Damage", {"Damage Areas": ("rear_bumper",)}),
                    # The customer went back from here without uploading.
                    ("Photos", {"Damage Photos": ()}),
                    ("Damage", {"Damage Areas": ("rear_bumper", "left_door")}),
                    ("Photos", {"Damage Photos": (REAR_PHOTO_PATH,)}),
                    (
                        "Description",
                        {
                            "Damage Description": (
                                'Hail storm \u2013 dents "everywhere" on the boot '
                                "& the left door."
                            )
                        },
                    ),
                    (
                        "Contact",
                        {"Contact Preference": ("email",), "Callback Number": ""},
                    ),
                    (
                        "Submitted",
                        {},
                        {"Claim Reference": "CLM-2025-902C94", **claim_submitted},
                    ),
                ],
            ),
        ),
        Instance(
            unique_id=BIG_PHOTO_UNIQUE_ID,
            account_id=ACME_ACCOUNT_ID,
            flow=CLAIM_FLOW,
            attributes=CallerAttributes(
                dtmf="0407009",
                dnid="550109",
                history_search_id="amber-c7tt40zn1",
            ),
            time_zone="America/Chicago",
            variables={
                "First Name": "Priya",
                "Last Name": "Natarajan",
                "Customer ID": "AC-71230",
                "Phone Number": "3125550188",
                "Language": "en-us",
                "Customer Profile": "standard",
            },
            visits=_ending_at(
                -0.5 * _HOUR,
                [
                    ("Welcome", {}),
                    (
                        "Policy",
                        {"Policy Number": "AC-7123009", "Full Name": "Priya Natarajan"},
                    ),
                    (
                        "Incident",
                        {
                            "Incident Type": ("vandalism",),
                            "Incident Location": "Outside 221 W Randolph St, Chicago",
                        },
                    ),
                    ("Coverage", {}),
                    ("Damage", {"Damage Areas": ("front_bumper", "windscreen")}),
                    ("Photos", {"Damage Photos": (BIG_PHOTO_PATH,)}),
                    (
                        "Description",
                        {
                            "Damage Description": (
                                "Someone kicked the bumper <b>overnight</b>."
                            )
                        },
                    ),
                    (
                        "Contact",
                        {
                            "Contact Preference": ("sms",),
                            "Callback Number": "3125550188",
                        },
                    ),
                    (
                        "Submitted",
                        {},
                        {"Claim Reference": "CLM-2025-040709", **claim_submitted},
                    ),
                ],
            ),
        ),
        Instance(
            unique_id=ACME_BILLING_UNIQUE_ID,
            account_id=ACME_ACCOUNT_ID,
            flow=ACME_BILLING_FLOW,
            attributes=CallerAttributes(
                dtmf="0909",
                call_return_number=SHARED_PHONE,
                history_search_id="acme-bill-0909015",
            ),
            time_zone="America/New_York",
            variables=_ZOE,
            visits=_ending_at(
                -1 * _HOUR,
                [
                    ("Welcome", {}),
                    (
                        "Account",
                        {
                            "Account Number": "AC-88213",
                            "Account Holder": "Zoë Ångström",
                        },
                    ),
                    ("Bills", {"Disputed Bill": ("2025-05",)}),
                    ("Reason", {"Dispute Reasons": ("charged_twice",)}),
                    (
                        "Details",
                        {
                            "Disputed Amount": "118.40",
                            "Dispute Details": (
                                "I was charged twice for May \u2013 see "
                                '"Payment ref 7781" '
                                '& "7782".'
                            ),
                        },
                    ),
                    ("Resolution", {"Requested Resolution": ("refund",)}),
                    (
                        "Done",
                        {},
                        {
                            "Case Number": "BD-0909015",
                            "Target Telephony Queue": "billing",
                            "Agent Skill": "billing-disputes",
                            "Priority": "normal",
                        },
                    ),
                ],
            ),
        ),
        Instance(
            unique_id=ROUTER_UNIQUE_ID,
            account_id=NORTHWIND_ACCOUNT_ID,
            flow=ROUTER_FLOW,
            attributes=CallerAttributes(
                dnid="4321",
                call_return_number="4155550100",
                click_to_call_caller_id="4155550199",
                history_search_id="nw-router-959595",
            ),
            time_zone="Europe/London",
            variables={
                "First Name": "Olivia",
                "Last Name": "Bennett",
                "Customer ID": "NW-559012",
                "Phone Number": "4155550199",
                "Language": "en-gb",
                "Customer Profile": "broadband",
            },
            visits=_ending_at(
                -5 * _HOUR,
                [
                    ("Welcome", {}),
                    ("Model", {"Router Model": ("hub4",), "Firmware Version": "4.2.1"}),
                    ("Lights", {"Lights On": ("power", "broadband")}),
                    ("Lights Photo", {"Lights Photo": (GIF_PHOTO_PATH,)}),
                    ("Cables", {"DSL Cable": ("no",)}),
                    ("WiFi", {"WiFi Name": "Northwind-5G-7F3A"}),
                    ("Speed Test", {}, {"Line Test Result": "sync OK, 48.2 Mbit/s"}),
                    ("Back Photo", {"Back Photo": (ROUTER_BACK_PHOTO_PATH,)}),
                    ("Result", {"Working Now": ("yes",)}),
                    ("Callback", {"Help Option": ("no_thanks",), "Best Time": ""}),
                    (
                        "Done",
                        {},
                        {"Target Telephony Queue": "broadband", "Priority": "low"},
                    ),
                ],
            ),
        ),
        Instance(
            unique_id=LIVE_UNIQUE_ID,
            account_id=NORTHWIND_ACCOUNT_ID,
            flow=ROUTER_FLOW,
            attributes=CallerAttributes(
                dtmf="7301",
                dnid="4322",
                click_to_call_caller_id="4155550123",
                history_search_id="nw-live-7301846",
            ),
            time_zone="Europe/London",
            variables={
                "First Name": "Kenji",
                "Last Name": "Watanabe",
                "Customer ID": "NW-730184",
                "Phone Number": "4155550123",
                "Language": "en-gb",
                "Customer Profile": "broadband",
            },
            visits=_live_visits(),
        ),
        Instance(
            unique_id=NORTHWIND_BILLING_UNIQUE_ID,
            account_id=NORTHWIND_ACCOUNT_ID,
            flow=NORTHWIND_BILLING_FLOW,
            attributes=CallerAttributes(
                dtmf="4412",
                dnid="4398",
                call_return_number="6175550142",
                history_search_id="nw-bill-4412087",
            ),
            time_zone="Europe/Madrid",
            variables={
                "First Name": "José",
                "Last Name": "Álvarez",
                "Customer ID": "NW-441208",
                "Phone Number": "6175550142",
                "Language": "es-es",
                "Customer Profile": "mobile",
            },
            visits=_ending_at(
                -2 * _DAY,
                [
                    ("Welcome", {}),
                    (
                        "Account",
                        {
                            "Account Number": "NW-441208",
                            "Account Holder": "José Álvarez",
                        },
                    ),
                    ("Bills", {"Disputed Bill": ("May 2025",)}),
                    ("Reason", {"Dispute Reasons": ("roaming", "price_increase")}),
                    (
                        "Details",
                        {
                            "Disputed Amount": "55.35",
                            "Dispute Details": (
                                "<script>alert(1)</script> The shop said "
                                'roaming was "free" '
                                "in 東京 & the EU."
                            ),
                        },
                    ),
                    ("Resolution", {"Requested Resolution": ("callback",)}),
                    (
                        "Done",
                        {},
                        {
                            "Case Number": "BD-4412087",
                            "Target Telephony Queue": "billing",
                            "Priority": "high",
                        },
                    ),
                ],
            ),
        ),
    )


def _live_visits() -> tuple[Visit, ...]:
    """The live router set-up: pages before the start, then one every 5 s."""
    steps: list[Step] = [
        ("Welcome", {}),
        ("Model", {"Router Model": ("hub5",), "Firmware Version": ""}),
        ("Lights", {"Lights On": ("power",)}),
        ("Lights Photo", {"Lights Photo": (LIVE_FRONT_PHOTO_PATH,)}),
        ("Cables", {"DSL Cable": ("yes",)}),
        ("WiFi", {"WiFi Name": "Kenji-東京-WiFi"}),
        ("Speed Test", {}, {"Line Test Result": "sync OK, 12.0 Mbit/s (slow)"}),
        ("Back Photo", {"Back Photo": (LIVE_BACK_PHOTO_PATH,)}),
        ("Result", {"Working Now": ("partly",)}),
        ("Callback", {"Help Option": ("callback",), "Best Time": "after 6 pm"}),
        (
            "Done",
            {},
            {
                "Target Telephony Queue": "broadband-tier2",
                "Agent Skill": "router-setup",
                "Priority": "high",
            },
        ),
    ]
    if len(steps) != LIVE_TOTAL_PAGES:
        raise RuntimeError("LIVE_TOTAL_PAGES does not match the live steps")
    visits = []
    for index, step in enumerate(steps):
        if index < LIVE_INITIAL_PAGES:
            at = -15.0 * (LIVE_INITIAL_PAGES - index)
        else:
            at = LIVE_PAGE_INTERVAL * (index - LIVE_INITIAL_PAGES + 1)
        variables = step[2] if len(step) == 3 else {}
        visits.append(Visit(step[0], at, step[1], variables))
    return tuple(visits)


def _photo_specs() -> tuple[PhotoSpec, ...]:
    return (
        PhotoSpec(
            path=EXIF_PHOTO_PATH,
            format="JPEG",
            size=(1600, 1200),
            subject="car_front",
            caption="Front bumper & bonnet",
            orientation=6,
            gps=(40.7484, -73.9857),
        ),
        PhotoSpec(
            path=PNG_PHOTO_PATH,
            format="PNG",
            size=(800, 600),
            subject="car_side",
            caption="Scratch, rear door",
        ),
        PhotoSpec(
            path=REAR_PHOTO_PATH,
            format="JPEG",
            size=(1024, 768),
            subject="car_rear",
            caption="Hail damage, boot",
            taken="2025:05:30 17:44:55",
        ),
        PhotoSpec(
            path=BIG_PHOTO_PATH,
            format="JPEG",
            size=(4000, 3000),
            subject="car_front",
            caption="Bumper, 12 MP",
            taken="2025:06:02 08:30:00",
        ),
        PhotoSpec(
            path=GIF_PHOTO_PATH,
            format="GIF",
            size=(640, 480),
            subject="router_lights",
            caption="Router lights",
        ),
        PhotoSpec(
            path=ROUTER_BACK_PHOTO_PATH,
            format="PNG",
            size=(800, 600),
            subject="router_back",
            caption="Router, back panel",
        ),
        PhotoSpec(
            path=LIVE_FRONT_PHOTO_PATH,
            format="JPEG",
            size=(1024, 768),
            subject="router_front",
            caption="Router, front",
            taken="2025:06:02 13:00:05",
        ),
        PhotoSpec(
            path=LIVE_BACK_PHOTO_PATH,
            format="JPEG",
            size=(1024, 768),
            subject="router_back",
            caption="Router, cables",
            taken="2025:06:02 13:00:25",
        ),
    )


def build_dataset() -> Dataset:
    """A fresh dataset (photos are drawn lazily, on first request)."""
    return Dataset(
        accounts=tuple(DEMO_ACCOUNTS),
        instances=_instances(),
        photos=PhotoLibrary(_photo_specs()),
    )


@lru_cache(maxsize=1)
def default_dataset() -> Dataset:
    """One shared dataset per process, so photos are drawn only once."""
    return build_dataset()

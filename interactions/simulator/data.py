"""Seeded demo accounts and interactions of the X-Platform simulator.

This module assembles the dataset from :mod:`interactions.simulator.seed`
(one module per flow, with the shared identifiers in ``seed.ids``) and
re-exports the names the tests and ``seed_demo`` use; the model classes
live in :mod:`interactions.simulator.model`.

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
040100744           12345678  motor claim in Hebrew (pages "language": "he"),
                              ~3 h ago; call return 2125550144
959595              jan20     router set-up, ~5 h ago; GIF and PNG
7301846             jan20     router set-up, LIVE: 3 pages at the start, then one
                              page every 5 s until 11 pages (finished after 40 s)
4412087             jan20     bill dispute, 2 days ago; script and quotes in answers
==================  ========  =======================================================

Simulator assumptions (not documented by the vendor; docs/xplatform-api.md
section 10):

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

from functools import lru_cache

from interactions.simulator.model import (
    CALLER_ATTRIBUTE_KINDS,
    RECENT_WINDOW,
    Answer,
    CallerAttributeKind,
    CallerAttributes,
    Dataset,
    DemoAccount,
    Flow,
    Instance,
    Option,
    Page,
    Question,
    Snapshot,
    TimedVisit,
    Visit,
    element_id,
    lower_camel,
)
from interactions.simulator.photos import PhotoLibrary
from interactions.simulator.seed import billing, claim, claim_he, router
from interactions.simulator.seed.accounts import DEMO_ACCOUNTS
from interactions.simulator.seed.ids import (
    ACME_ACCOUNT_ID,
    ACME_BILLING_UNIQUE_ID,
    BACK_NAVIGATION_UNIQUE_ID,
    BIG_PHOTO_PATH,
    BIG_PHOTO_UNIQUE_ID,
    EXIF_PHOTO_PATH,
    GIF_PHOTO_PATH,
    HEBREW_ANSWER,
    HEBREW_PHONE,
    HEBREW_UNIQUE_ID,
    HISTORY_SEARCH_ID,
    LEADING_ZERO_UNIQUE_ID,
    LIVE_BACK_PHOTO_PATH,
    LIVE_FRONT_PHOTO_PATH,
    LIVE_INITIAL_PAGES,
    LIVE_PAGE_INTERVAL,
    LIVE_TOTAL_PAGES,
    LIVE_UNIQUE_ID,
    NORTHWIND_ACCOUNT_ID,
    NORTHWIND_BILLING_UNIQUE_ID,
    OLD_ONLY_CALLER_ID,
    PNG_PHOTO_PATH,
    REAR_PHOTO_PATH,
    ROUTER_BACK_PHOTO_PATH,
    ROUTER_UNIQUE_ID,
    SHARED_PHONE,
    SHARED_PHONE_UNIQUE_IDS,
    UUID_UNIQUE_ID,
)

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
    "HEBREW_ANSWER",
    "HEBREW_PHONE",
    "HEBREW_UNIQUE_ID",
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


def build_dataset() -> Dataset:
    """A fresh dataset (photos are drawn lazily, on first request).

    The order of the instances and photos is that of the table above.
    """
    return Dataset(
        accounts=tuple(DEMO_ACCOUNTS),
        instances=(
            *claim.instances(),
            *billing.acme_instances(),
            *claim_he.instances(),
            *router.instances(),
            *billing.northwind_instances(),
        ),
        photos=PhotoLibrary((*claim.photo_specs(), *router.photo_specs())),
    )


@lru_cache(maxsize=1)
def default_dataset() -> Dataset:
    """One shared dataset per process, so photos are drawn only once."""
    return build_dataset()

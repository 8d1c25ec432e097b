"""The real client against the real simulator over loopback HTTP.

Every method and URL form, every documented error and every simulator fault
must end in the right result or the right named error (docs/security.md R-HTTP-06).
The ``simulator`` fixture comes from ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import cast

import pytest

from interactions.simulator.data import (
    BIG_PHOTO_PATH,
    BIG_PHOTO_UNIQUE_ID,
    DEMO_ACCOUNTS,
    EXIF_PHOTO_PATH,
    HISTORY_SEARCH_ID,
    LEADING_ZERO_UNIQUE_ID,
    LIVE_INITIAL_PAGES,
    LIVE_PAGE_INTERVAL,
    LIVE_UNIQUE_ID,
    NORTHWIND_BILLING_UNIQUE_ID,
    OLD_ONLY_CALLER_ID,
    PNG_PHOTO_PATH,
    ROUTER_UNIQUE_ID,
    SHARED_PHONE,
    SHARED_PHONE_UNIQUE_IDS,
    UUID_UNIQUE_ID,
)
from interactions.xplatform.client import (
    ConnectionOutcome,
    XPlatformClient,
    clear_clients,
)
from interactions.xplatform.config import AccountConfig, CallerAttribute, CallPolicy
from interactions.xplatform.errors import (
    XPlatformAuthError,
    XPlatformBadRequest,
    XPlatformNotFound,
    XPlatformResponseError,
    XPlatformTimeout,
    XPlatformTooLarge,
    XPlatformUnavailable,
)
from interactions.xplatform.validators import InvalidValue

ACCOUNTS = {account.account_id: account for account in DEMO_ACCOUNTS}
ACME = "12345678"
NORTHWIND = "jan20"
DNID = "550113"  # DNID of 040100713 (simulator data)
# Generous limits: on a loaded machine the simulator may take more than a
# second to render a 12-megapixel photo, and no test here is about time.
POLICY = CallPolicy(
    connect_timeout=5.0,
    read_timeout=10.0,
    deadline=20.0,
    allowed_hosts=("127.0.0.1",),
    backoff_factor=0.05,
    backoff_jitter=0.01,
    backoff_max=0.1,
)
NO_RETRY = CallPolicy(**{**POLICY.__dict__, "retries": 0})
# The few tests about timeouts use short ones, against faults that always
# pass them (a 5 s hang, a trickle that never ends).
FAST = CallPolicy(**{**POLICY.__dict__, "read_timeout": 0.5, "deadline": 1.5})
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    clear_clients()
    yield
    clear_clients()


def client_for(
    simulator, account_id: str = ACME, policy: CallPolicy = POLICY, **overrides
) -> XPlatformClient:
    demo = ACCOUNTS[account_id]
    fields = {
        "base_url": simulator.base_url,
        "account_id": demo.account_id,
        "application_key": demo.application_key,
        "environment_name": demo.environment_name,
        **overrides,
    }
    return XPlatformClient(AccountConfig(**fields), policy=policy)


# --- Get Interaction Unique ID (5.1, decision a and b) ----------------------------


@pytest.mark.parametrize(
    ("attribute", "value", "sent", "expected"),
    [
        (CallerAttribute.DTMF, "0407013", "0407013", (LEADING_ZERO_UNIQUE_ID,)),
        (
            CallerAttribute.HISTORY_SEARCH_ID,
            HISTORY_SEARCH_ID,
            HISTORY_SEARCH_ID,
            (LEADING_ZERO_UNIQUE_ID,),
        ),
        (
            CallerAttribute.CALL_RETURN,
            "(212) 555-0100",
            SHARED_PHONE,
            SHARED_PHONE_UNIQUE_IDS,
        ),
        (
            CallerAttribute.CLICK_TO_CALL,
            OLD_ONLY_CALLER_ID,
            OLD_ONLY_CALLER_ID,
            (UUID_UNIQUE_ID,),
        ),
    ],
)
@pytest.mark.parametrize("text_plain", [False, True])
def test_unique_id_lookup_every_attribute(
    simulator, attribute, value, sent, expected, text_plain
):
    simulator.faults.unique_id_text_plain = text_plain
    assert client_for(simulator).unique_ids(attribute, value).ids == expected
    (hit,) = simulator.hits
    assert hit.path.endswith(f"/uniqueId/{attribute.value}/{sent}")


def test_unique_id_lookup_without_match_is_empty(simulator):
    result = client_for(simulator).unique_ids(CallerAttribute.DTMF, "999999")
    assert result.ids == ()
    assert len(simulator.hits) == 1


def test_unique_ids_are_scoped_to_the_account(simulator):
    result = client_for(simulator, NORTHWIND).unique_ids(
        CallerAttribute.DTMF, "0407013"
    )
    assert result.ids == ()


# --- Get Full Interaction Flow (5.2, decisions e and f) ------------------------------


def test_full_flow_by_unique_id(simulator):
    flow = client_for(simulator).full_flow(LEADING_ZERO_UNIQUE_ID)
    assert len(flow.pages) > 3
    assert all(isinstance(page.timestamp, datetime) for page in flow.pages)
    times = [cast(datetime, page.timestamp) for page in flow.pages]  # checked above
    assert all(moment.tzinfo is not None for moment in times)
    assert times == sorted(times)
    assert flow.image_paths == (EXIF_PHOTO_PATH, PNG_PHOTO_PATH)
    assert flow.rejected_image_paths == ()
    first_left, last_right = flow.pages[0].nav_left, flow.pages[-1].nav_right
    assert first_left is not None
    assert first_left.action_type == "BACK_TO_COVER_APP"
    assert last_right is not None
    assert last_right.action_type == "FINISH"
    sections = [section for page in flow.pages for section in page.sections]
    assert any(section.table is not None and section.table.rows for section in sections)
    options = [c for s in sections for c in s.choices if c.kind == "choiceOption"]
    assert {c.selected for c in options} == {True, False}
    assert simulator.hits[0].path.endswith(
        f"/interactiondata/{LEADING_ZERO_UNIQUE_ID}/fullFlow"
    )


@pytest.mark.parametrize(
    ("wider_search", "query"),
    [(False, "widerSearch=false"), (True, "widerSearch=true"), (None, "")],
)
def test_full_flow_by_caller_attribute_every_form(simulator, wider_search, query):
    client = client_for(simulator)
    by_attribute = client.full_flow_by_attribute(DNID, wider_search)
    assert by_attribute == client.full_flow(LEADING_ZERO_UNIQUE_ID)
    hit = simulator.hits[0]
    assert hit.path.endswith(f"/interactiondata/{DNID}/fullFlow/byCallerAttribute")
    assert hit.query == query


def test_wider_search_reaches_older_interactions(simulator):
    client = client_for(simulator)
    with pytest.raises(XPlatformNotFound):
        client.full_flow_by_attribute(OLD_ONLY_CALLER_ID, wider_search=False)
    assert client.full_flow_by_attribute(OLD_ONLY_CALLER_ID, wider_search=True).pages


def test_full_flow_of_another_account_is_not_found(simulator):
    with pytest.raises(XPlatformNotFound):
        client_for(simulator, NORTHWIND).full_flow(LEADING_ZERO_UNIQUE_ID)


def test_live_interaction_grows_with_the_clock(simulator):
    client = client_for(simulator, NORTHWIND)
    assert len(client.full_flow(LIVE_UNIQUE_ID).pages) == LIVE_INITIAL_PAGES
    simulator.clock.advance(2 * LIVE_PAGE_INTERVAL)
    assert len(client.full_flow(LIVE_UNIQUE_ID).pages) == LIVE_INITIAL_PAGES + 2


def test_script_in_answers_stays_text(simulator):
    flow = client_for(simulator, NORTHWIND).full_flow(NORTHWIND_BILLING_UNIQUE_ID)
    values = [c.value for p in flow.pages for s in p.sections for c in s.choices]
    assert any("<script>" in value for value in values)


# --- Get Interaction Summary (5.3, decisions b and c) --------------------------------


def test_summary_by_unique_id(simulator):
    summary = client_for(simulator).summary(LEADING_ZERO_UNIQUE_ID)
    assert summary.unique_id == LEADING_ZERO_UNIQUE_ID
    assert summary.flow_name
    assert summary.pages
    assert all(page.time is not None for page in summary.pages)
    assert all(page.tz_offset_minutes is not None for page in summary.pages)
    answers = [q.answer for page in summary.pages for q in page.questions]
    assert "Front bumper, Bonnet" in answers
    assert simulator.hits[0].path.endswith(
        f"/interactiondata/{LEADING_ZERO_UNIQUE_ID}/summary"
    )


def test_summary_header_matches_full_flow_plain_text(simulator):
    client = client_for(simulator)
    flow_headers = {
        s.id: s.header_text
        for p in client.full_flow(LEADING_ZERO_UNIQUE_ID).pages
        for s in p.sections
    }
    for page in client.summary(LEADING_ZERO_UNIQUE_ID).pages:
        for question in page.questions:
            assert question.header == flow_headers[question.id]


@pytest.mark.parametrize(
    ("wider_search", "query"), [(False, "widerSearch=false"), (None, "")]
)
def test_summary_by_dnid_gives_the_unique_id(simulator, wider_search, query):
    summary = client_for(simulator).summary_by_attribute(DNID, wider_search)
    assert summary.unique_id == LEADING_ZERO_UNIQUE_ID
    hit = simulator.hits[0]
    assert hit.path.endswith(f"/interactiondata/{DNID}/summary/byCallerAttribute")
    assert hit.query == query


# --- Get User Variable Set (5.4, decision h) -----------------------------------------


def test_variable_set_by_unique_id(simulator):
    result = client_for(simulator).variable_set(
        LEADING_ZERO_UNIQUE_ID, "customerInfoSet"
    )
    assert result.set_id == "customerInfoSet"
    assert result.channel == "voice"
    assert [v.name for v in result.values] == [
        "firstName",
        "lastName",
        "customerId",
        "phoneNumber",
        "targetTelephonyQueue",
        "agentSkill",
        "language",
        "customerProfile",
    ]
    assert simulator.hits[0].path.endswith(
        f"/interactiondata/{LEADING_ZERO_UNIQUE_ID}/variableSet/customerInfoSet"
    )


@pytest.mark.parametrize(
    ("wider_search", "query"),
    [(True, "widerSearch=true"), (False, "widerSearch=false")],
)
def test_variable_set_by_caller_attribute(simulator, wider_search, query):
    client = client_for(simulator)
    result = client.variable_set_by_attribute(
        HISTORY_SEARCH_ID, "routingDataSet", wider_search
    )
    assert result == client.variable_set(LEADING_ZERO_UNIQUE_ID, "routingDataSet")
    hit = simulator.hits[0]
    assert hit.path.endswith(
        f"/interactiondata/{HISTORY_SEARCH_ID}/variableSet/routingDataSet/byCallerAttribute"
    )
    assert hit.query == query


def test_unknown_variable_set_is_not_found(simulator):
    with pytest.raises(XPlatformNotFound):
        client_for(simulator).variable_set(LEADING_ZERO_UNIQUE_ID, "noSuchSet")


# --- Get Interaction Photo (5.5, decision g) ------------------------------------------


@pytest.mark.parametrize("legacy", [False, True])
def test_photo_in_both_path_encodings(simulator, legacy):
    photo = client_for(simulator, legacy_photo_path=legacy).photo(
        LEADING_ZERO_UNIQUE_ID, PNG_PHOTO_PATH
    )
    assert photo.content.startswith(PNG_MAGIC)
    hit = simulator.hits[0]
    expected_name = "i1152998579@@@@@png" if legacy else "i1152998579.png"
    assert hit.path.endswith(
        "/photo/040100713/%252Fmnt%252Fsdcard%252Fhome%252Fdownloads%252F"
        + expected_name
    )
    assert hit.params["maxSize"] == ["1600"]


def test_photo_max_size_comes_from_the_account(simulator):
    small = client_for(simulator, photo_max_size=60).photo(
        BIG_PHOTO_UNIQUE_ID, BIG_PHOTO_PATH
    )
    big = client_for(simulator).photo(BIG_PHOTO_UNIQUE_ID, BIG_PHOTO_PATH)
    assert len(small.content) < len(big.content)
    assert small.content_type == "image/jpg;charset=UTF-8"
    assert [hit.params["maxSize"] for hit in simulator.hits] == [["60"], ["1600"]]


def test_photo_of_another_instance_is_not_found(simulator):
    with pytest.raises(XPlatformNotFound, match="photo was not found"):
        client_for(simulator).photo(BIG_PHOTO_UNIQUE_ID, PNG_PHOTO_PATH)


def test_every_flow_photo_can_be_fetched(simulator):
    client = client_for(simulator, NORTHWIND)
    flow = client.full_flow(ROUTER_UNIQUE_ID)
    assert flow.image_paths
    for path in flow.image_paths:
        assert client.photo(ROUTER_UNIQUE_ID, path).content


# --- documented errors --------------------------------------------------------


def test_wrong_key_is_an_auth_error_with_the_documented_body(simulator):
    client = client_for(simulator, application_key="wrong-key-0123456789")
    with pytest.raises(XPlatformAuthError) as info:
        client.full_flow(LEADING_ZERO_UNIQUE_ID)
    assert info.value.status == 401
    assert info.value.code == "0x7000000"
    assert info.value.upstream_message == (
        "Request is unauthorized, missing or wrong credentials"
    )
    assert info.value.reason == "wrong Application-Key"
    assert len(simulator.hits) == 1


def test_wrong_environment_is_an_auth_error(simulator):
    with pytest.raises(XPlatformAuthError):
        client_for(simulator, NORTHWIND, environment_name="TEST").full_flow(
            ROUTER_UNIQUE_ID
        )


def test_environment_name_sent_only_when_configured(simulator):
    client_for(simulator, NORTHWIND).unique_ids(CallerAttribute.DTMF, "7301")
    client_for(simulator, ACME).unique_ids(CallerAttribute.DTMF, "0407013")
    northwind, acme = simulator.hits
    assert northwind.headers["Environment-Name"] == "PROD"
    assert northwind.headers["Tenant-Id"] == NORTHWIND
    assert "Environment-Name" not in acme.headers
    assert acme.headers["Application-Key"] == ACCOUNTS[ACME].application_key


def test_unsupported_version_is_a_bad_request(simulator):
    with pytest.raises(XPlatformBadRequest) as info:
        client_for(simulator, version="7").summary(LEADING_ZERO_UNIQUE_ID)
    assert info.value.detail == "missing or invalid parameter version"


def test_invalid_values_never_reach_the_simulator(simulator):
    client = client_for(simulator)
    for call in (
        lambda: client.full_flow("../admin"),
        lambda: client.photo(LEADING_ZERO_UNIQUE_ID, "../../etc/passwd"),
        lambda: client.unique_ids(CallerAttribute.DTMF, "12#"),
        lambda: client.variable_set_by_attribute("a/b", "customerInfoSet"),
    ):
        with pytest.raises(InvalidValue):
            call()
    assert simulator.hits == []


# --- connection check ---------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "outcome"),
    [
        ({}, ConnectionOutcome.OK),
        (
            {"application_key": "wrong-key-0123456789"},
            ConnectionOutcome.BAD_CREDENTIALS,
        ),
        ({"version": "7"}, ConnectionOutcome.WRONG_VERSION),
        ({"version": "v2"}, ConnectionOutcome.OK),
    ],
)
def test_connection_check(simulator, overrides, outcome):
    assert client_for(simulator, **overrides).check_connection().outcome is outcome


def test_connection_check_reset_is_unreachable(simulator):
    simulator.faults.reset("uniqueId")
    assert (
        client_for(simulator).check_connection().outcome
        is ConnectionOutcome.UNREACHABLE
    )


# --- simulator faults ---------------------------------------------------------


def test_fail_503_twice_then_success(simulator):
    simulator.faults.fail("summary", status=503, times=2)
    assert client_for(simulator).summary(LEADING_ZERO_UNIQUE_ID).pages
    assert len(simulator.hits) == 3


def test_permanent_503_gives_up_after_three_hits(simulator):
    simulator.faults.status("fullFlow", 503)
    with pytest.raises(XPlatformUnavailable) as info:
        client_for(simulator).full_flow(LEADING_ZERO_UNIQUE_ID)
    assert info.value.status == 503
    assert len(simulator.hits) == 3


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, XPlatformUnavailable),
        (429, XPlatformUnavailable),
        (401, XPlatformAuthError),
        (403, XPlatformAuthError),
        (400, XPlatformBadRequest),
        (404, XPlatformNotFound),
        (405, XPlatformResponseError),
    ],
)
def test_fail_status_maps_to_named_error_in_one_hit(simulator, status, error):
    simulator.faults.fail("variableSet", status=status)
    with pytest.raises(error) as info:
        client_for(simulator).variable_set(LEADING_ZERO_UNIQUE_ID, "customerInfoSet")
    assert info.value.status == status
    assert len(simulator.hits) == 1


def test_fail_404_on_unique_id_lookup_is_empty(simulator):
    simulator.faults.fail("uniqueId", status=404)
    assert client_for(simulator).unique_ids(CallerAttribute.DTMF, "0407013").ids == ()


def test_retry_after_past_the_deadline_is_not_waited_for(simulator):
    simulator.faults.fail("summary", status=503, times=None, retry_after=30)
    with pytest.raises(XPlatformUnavailable):
        client_for(simulator).summary(LEADING_ZERO_UNIQUE_ID)
    assert len(simulator.hits) == 1


def test_hang_is_a_timeout_after_one_hit(simulator):
    simulator.faults.hang("fullFlow", seconds=5)
    with pytest.raises(XPlatformTimeout, match=r"did not answer within 0\.5 s"):
        client_for(simulator, policy=FAST).full_flow(LEADING_ZERO_UNIQUE_ID)
    assert len(simulator.hits) == 1


def test_latency_below_the_read_timeout_is_fine(simulator):
    simulator.faults.latency(0.2)
    assert client_for(simulator).summary(LEADING_ZERO_UNIQUE_ID).pages


def test_trickle_hits_the_deadline(simulator):
    simulator.faults.trickle("fullFlow", interval=0.05)
    with pytest.raises(XPlatformTimeout, match=r"took longer than 1\.5 s"):
        client_for(simulator, policy=FAST).full_flow(LEADING_ZERO_UNIQUE_ID)
    assert len(simulator.hits) == 1


@pytest.mark.parametrize("status", [200, 503])
def test_html_page_is_a_response_error_or_unavailable(simulator, status):
    simulator.faults.html("summary", status=status)
    expected = XPlatformResponseError if status == 200 else XPlatformUnavailable
    with pytest.raises(expected):
        client_for(simulator).summary(LEADING_ZERO_UNIQUE_ID)


def test_html_with_200_on_unique_id_lookup_is_a_response_error(simulator):
    simulator.faults.html("uniqueId")
    with pytest.raises(XPlatformResponseError):
        client_for(simulator).unique_ids(CallerAttribute.DTMF, "0407013")


@pytest.mark.parametrize("method", ["fullFlow", "summary", "variableSet", "uniqueId"])
def test_invalid_json_is_a_response_error(simulator, method):
    simulator.faults.invalid_json(method)
    client = client_for(simulator)
    calls: dict[str, Callable[[], object]] = {
        "fullFlow": lambda: client.full_flow(LEADING_ZERO_UNIQUE_ID),
        "summary": lambda: client.summary(LEADING_ZERO_UNIQUE_ID),
        "variableSet": lambda: client.variable_set(
            LEADING_ZERO_UNIQUE_ID, "customerInfoSet"
        ),
        "uniqueId": lambda: client.unique_ids(CallerAttribute.DTMF, "0407013"),
    }
    with pytest.raises(XPlatformResponseError):
        calls[method]()


@pytest.mark.parametrize(
    "switch",
    [
        lambda f: f.oversized("fullFlow"),
        lambda f: f.oversized(
            "fullFlow", bytes=64 * 1024, declared_length=10 * 1024**3
        ),
        lambda f: f.endless("fullFlow"),
        lambda f: f.gzip_bomb("fullFlow"),
    ],
)
def test_size_faults_are_too_large(simulator, switch):
    switch(simulator.faults)
    with pytest.raises(XPlatformTooLarge):
        client_for(simulator).full_flow(LEADING_ZERO_UNIQUE_ID)
    assert len(simulator.hits) == 1


def test_oversized_photo_passes_the_image_cap(simulator):
    simulator.faults.oversized("photo", bytes=POLICY.max_image_bytes + 1024)
    with pytest.raises(XPlatformTooLarge):
        client_for(simulator).photo(LEADING_ZERO_UNIQUE_ID, PNG_PHOTO_PATH)


def test_photo_below_the_image_cap_but_above_the_json_cap_is_fine(simulator):
    simulator.faults.oversized("photo", bytes=POLICY.max_json_bytes + 1024)
    photo = client_for(simulator).photo(LEADING_ZERO_UNIQUE_ID, PNG_PHOTO_PATH)
    assert len(photo.content) > POLICY.max_json_bytes


def test_redirect_is_a_response_error(simulator):
    simulator.faults.redirect("summary")
    with pytest.raises(XPlatformResponseError, match="redirect") as info:
        client_for(simulator).summary(LEADING_ZERO_UNIQUE_ID)
    assert info.value.status == 302
    assert len(simulator.hits) == 1


@pytest.mark.parametrize("after_bytes", [None, 10])
def test_reset_is_unavailable_and_not_retried(simulator, after_bytes):
    simulator.faults.reset("fullFlow", after_bytes=after_bytes)
    with pytest.raises(XPlatformUnavailable, match="interrupted"):
        client_for(simulator).full_flow(LEADING_ZERO_UNIQUE_ID)
    assert len(simulator.hits) == 1


@pytest.mark.parametrize(
    "switch",
    [
        lambda f: f.bomb_image(),
        lambda f: f.corrupt_image(),
        lambda f: f.foreign_image("svg"),
        lambda f: f.foreign_image("polyglot"),
    ],
)
def test_image_faults_return_raw_bytes_for_the_image_module(simulator, switch):
    # The client never decodes: images.py decodes, re-encodes or shows a
    # placeholder (R-IMG-01 to R-IMG-03).
    switch(simulator.faults)
    photo = client_for(simulator).photo(LEADING_ZERO_UNIQUE_ID, PNG_PHOTO_PATH)
    assert photo.content
    assert len(simulator.hits) == 1


def test_breaker_opens_on_a_failing_simulator(simulator):
    simulator.faults.status("summary", 503)
    client = client_for(simulator, policy=NO_RETRY)
    for _ in range(5):
        with pytest.raises(XPlatformUnavailable):
            client.summary(LEADING_ZERO_UNIQUE_ID)
    simulator.faults.clear()
    with pytest.raises(XPlatformUnavailable, match="calls it again in about 30 s"):
        client.summary(LEADING_ZERO_UNIQUE_ID)
    assert len(simulator.hits) == 5

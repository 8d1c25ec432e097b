"""CSV export of the filtered history: content, headers, injection, memory."""

from __future__ import annotations

import csv
import io
import tracemalloc

import pytest
from django.urls import reverse

from interactions.models import InteractionAccess
from interactions.supervisor_views import CSV_HEADER
from tests.review.conftest import access_row

EXPORT = reverse("interactions:review-export")


def _read(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_export_is_a_streamed_csv_attachment_never_cached(
    sim_accounts, supervisor_client
):
    response = supervisor_client.get(EXPORT)
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="xpc-history-'
    )
    assert "no-store" in response["Cache-Control"]
    assert _read(response)[0] == CSV_HEADER


def test_export_rows_hold_every_column(sim_accounts, supervisor_client):
    row = access_row(
        sim_accounts["acme"], interaction_id="0909015", action="search",
        outcome="upstream_error", error_kind="timeout", search_kind="phone",
        query_masked="1 ••• ••• 0100", flow_name="Billing", has_photos=False,
        duration_ms=321, source="page",
    )  # fmt: skip
    lines = _read(supervisor_client.get(EXPORT))
    assert lines[1] == [
        row.created_at.isoformat(),
        "agnes",
        "Agent",
        "sim-acme",
        "search",
        "page",
        "1 ••• ••• 0100",
        "phone",
        "0909015",
        "Billing",
        "no",
        "upstream_error",
        "timeout",
        "321",
    ]


def test_export_follows_the_filters(sim_accounts, supervisor_client):
    access_row(sim_accounts["acme"], interaction_id="1000001", outcome="denied")
    access_row(sim_accounts["acme"], interaction_id="1000002", outcome="found")
    access_row(sim_accounts["northwind"], interaction_id="1000003", outcome="denied")
    lines = _read(
        supervisor_client.get(EXPORT, {"outcome": "denied", "account": "sim-acme"})
    )
    assert [line[8] for line in lines[1:]] == ["1000001"]


def test_cells_that_would_run_as_formulas_are_quoted(sim_accounts, supervisor_client):
    access_row(
        sim_accounts["acme"],
        interaction_id="1000001",
        flow_name='=HYPERLINK("http://evil")',
        query_masked="+1 ••• ••• 0100",
        username="@admin",
        search_kind="-1+1",
    )
    line = _read(supervisor_client.get(EXPORT, {"outcome": "found"}))[1]
    assert line[9] == '\'=HYPERLINK("http://evil")'
    assert line[6] == "'+1 ••• ••• 0100"
    assert line[1] == "'@admin"
    assert line[7] == "'-1+1"


def test_export_is_recorded_once_per_account_it_covers(sim_accounts, supervisor_client):
    _read(supervisor_client.get(EXPORT, {"outcome": "denied"}))
    exports = InteractionAccess.objects.filter(action="export").order_by("pk")
    assert sorted(e.account_slug for e in exports) == ["sim-acme", "sim-northwind"]
    assert {e.username for e in exports} == {"sam"}
    assert {e.query_masked for e in exports} == {"outcome=denied"}


def test_export_of_one_account_is_recorded_once(sim_accounts, supervisor_client):
    _read(supervisor_client.get(EXPORT, {"account": "sim-northwind"}))
    export = InteractionAccess.objects.get(action="export")
    assert export.account == sim_accounts["northwind"]


def test_export_leaves_out_rows_written_after_it_started(
    sim_accounts, supervisor_client
):
    access_row(sim_accounts["acme"], interaction_id="1000001")
    lines = _read(supervisor_client.get(EXPORT))
    # Only the row that existed before: not the export's own access-log rows.
    assert [line[4] for line in lines[1:]] == ["view"]


def test_export_with_invalid_filters_is_refused_and_not_recorded(
    sim_accounts, supervisor_client
):
    response = supervisor_client.get(
        EXPORT, {"date_from": "2026-05-10", "date_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert not InteractionAccess.objects.filter(action="export").exists()


def test_hundred_thousand_rows_stream_in_little_memory(sim_accounts, supervisor_client):
    acme = sim_accounts["acme"]
    InteractionAccess.objects.bulk_create(
        (
            InteractionAccess(
                username=f"agent{n % 40}", role="Agent", account=acme,
                account_slug="sim-acme", action="view", outcome="found",
                interaction_id=f"{n:09d}", flow_name="Motor Claim FNOL",
                query_masked="+1 ••• ••• 0100", has_photos=True, duration_ms=n % 900,
            )
            for n in range(100_000)
        ),
        batch_size=5000,
    )  # fmt: skip
    tracemalloc.start()
    try:
        response = supervisor_client.get(EXPORT)
        lines = 0
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"CSV export: {lines - 1} rows, {size / 2**20:.1f} MiB, "  # noqa: T201
          f"peak traced memory {peak / 2**20:.2f} MiB")  # fmt: skip
    assert lines == 100_000 + 1  # the header and every row
    # The file itself is over 10 MiB; loading the rows at once takes about
    # 100 MiB as tuples and 120 MiB as model instances (measured).
    assert size > 10 * 2**20
    assert peak < 20 * 2**20


@pytest.mark.parametrize("value", ["", "plain", "0909015"])
def test_harmless_cells_are_left_as_they_are(sim_accounts, supervisor_client, value):
    access_row(sim_accounts["acme"], flow_name=value)
    assert _read(supervisor_client.get(EXPORT))[1][9] == value

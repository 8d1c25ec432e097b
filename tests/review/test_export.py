"""CSV export of the filtered history: content, headers, injection, memory."""

from __future__ import annotations

import csv
import io
import tracemalloc
from typing import cast

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from interactions.models import InteractionAccess, XPlatformAccount
from interactions.review.export import CSV_HEADER, EXPORT_CHUNK_SIZE
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


def _add_view_rows(account: XPlatformAccount, first: int, last: int) -> None:
    InteractionAccess.objects.bulk_create(
        (
            InteractionAccess(
                username=f"agent{n % 40}", role="Agent", account=account,
                account_slug=account.slug, action="view", outcome="found",
                interaction_id=f"{n:09d}", flow_name="Motor Claim FNOL",
                query_masked="+1 ••• ••• 0100", has_photos=True, duration_ms=n % 900,
            )
            for n in range(first, last)
        ),
        batch_size=10_000,
    )  # fmt: skip


def _export_traced(client: Client) -> tuple[int, int, int]:
    """Lines, bytes and peak traced memory of one export of the view rows."""
    tracemalloc.start()
    try:
        # The test client's stub type does not know the streaming response.
        response = cast(StreamingHttpResponse, client.get(EXPORT, {"action": "view"}))
        lines = 0
        size = 0
        for chunk in response:  # the streaming content, chunk by chunk
            size += len(chunk)
            lines += chunk.count(b"\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return lines, size, peak


def test_export_memory_does_not_grow_with_the_row_count(
    sim_accounts, supervisor_client
):
    """Ten times the rows, the same peak: the export streams in chunks.

    Loading the rows at once takes about 1 KiB per row (100 MiB for 100 000
    rows as tuples, 120 MiB as model instances, measured), so 18 000 more
    rows would add about 18 MiB; streamed, the peak stays at one chunk.
    """
    acme = sim_accounts["acme"]
    few, many = EXPORT_CHUNK_SIZE, 10 * EXPORT_CHUNK_SIZE
    _add_view_rows(acme, 0, few)
    small_lines, small_size, small_peak = _export_traced(supervisor_client)
    _add_view_rows(acme, few, many)
    large_lines, large_size, large_peak = _export_traced(supervisor_client)
    print(f"CSV export: {few} rows {small_peak / 2**20:.2f} MiB peak, "  # noqa: T201
          f"{many} rows ({large_size / 2**20:.1f} MiB) "
          f"{large_peak / 2**20:.2f} MiB peak")  # fmt: skip
    assert (small_lines, large_lines) == (few + 1, many + 1)  # header and rows
    assert large_size > 9 * small_size
    # Measured: 2 000 rows 1.9 MiB, 20 000 and 40 000 rows both 3.2 MiB.
    assert large_peak - small_peak < (many - few) * 256


@pytest.mark.parametrize("value", ["", "plain", "0909015"])
def test_harmless_cells_are_left_as_they_are(sim_accounts, supervisor_client, value):
    access_row(sim_accounts["acme"], flow_name=value)
    assert _read(supervisor_client.get(EXPORT))[1][9] == value

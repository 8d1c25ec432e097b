"""Data migrations do what they say on rows written by the older code."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("interactions", "0005_access_source_and_help_text")
AFTER = ("interactions", "0006_mask_numbers_in_typed_text")


def _migrate(target: tuple[str, str]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


@pytest.fixture
def _back_to_latest():
    """Leave the schema as every other test expects it."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_back_to_latest")
def test_numbers_stored_whole_by_older_code_are_masked():
    old = _migrate(BEFORE)
    Access = old.get_model("interactions", "InteractionAccess")
    typed = {
        "Phone: 212-555-0100": "Phone: •••-•••-0100",
        "tel:+12125550100": "tel:+1••••••0100",
        "+1 ••• ••• 0100": "+1 ••• ••• 0100",  # already masked: unchanged
        "902c943b-1911-4689-aed3-099c2168cbe6": "902c943b-1911-4689-aed3-099c2168cbe6",
    }
    for query in typed:
        Access.objects.create(
            username="agnes",
            role="Agent",
            action="search",
            outcome="found",
            query_masked=query,
        )
    new = _migrate(AFTER)
    rows = new.get_model("interactions", "InteractionAccess").objects.order_by("pk")
    assert [row.query_masked for row in rows] == list(typed.values())

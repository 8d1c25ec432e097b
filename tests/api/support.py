"""Helpers of the API tests."""

from __future__ import annotations

from typing import Any

from django.test import Client

from interactions.models import InteractionAccess


def rows() -> list[InteractionAccess]:
    return list(InteractionAccess.objects.order_by("pk"))


def lookup(client: Client, query: str, kind: str = "auto", account: str = "sim-acme"):
    return client.post(
        "/api/v1/lookup",
        {"account": account, "query": query, "kind": kind},
        content_type="application/json",
    )


def detail_url(unique_id: str, slug: str = "sim-acme") -> str:
    return f"/api/v1/accounts/{slug}/interactions/{unique_id}"


def assert_error(response, status: int, code: str) -> dict[str, Any]:
    """The one error shape, with the expected status and code."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    error: dict[str, Any] = body["error"]
    return error

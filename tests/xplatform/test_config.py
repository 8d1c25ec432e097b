"""``AccountConfig`` and ``CallPolicy`` of ``config.py``."""

from __future__ import annotations

import pytest

from interactions.xplatform.config import AccountConfig, CallPolicy

pytestmark = pytest.mark.usefixtures("fresh_registry")


# --- AccountConfig ----------------------------------------------------------------


def test_account_config_refuses_keys_that_break_headers():
    with pytest.raises(ValueError, match="application key") as info:
        AccountConfig(
            base_url="https://gointeract.io",
            account_id="a",
            application_key="a\r\nX: y",
        )
    assert "X: y" not in str(info.value)


# --- CallPolicy and settings ------------------------------------------------------


def test_call_policy_defaults_match_settings():
    assert CallPolicy.from_settings() == CallPolicy(
        allowed_hosts=CallPolicy.from_settings().allowed_hosts
    )

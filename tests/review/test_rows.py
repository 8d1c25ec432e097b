"""History rows and the links a supervisor can follow from them."""

from __future__ import annotations

from interactions.models import XPlatformAccount
from interactions.review.rows import history_rows
from tests.review.conftest import access_row


def test_history_rows_link_only_valid_unique_ids(home: XPlatformAccount) -> None:
    good = access_row(home, interaction_id="040100713")
    bad = access_row(home, interaction_id="../x")
    views = history_rows([good, bad], with_log_links=True)
    assert views[0].detail_url == f"/a/{home.slug}/i/040100713/"
    assert views[0].log_url == f"/review/a/{home.slug}/i/040100713/"
    assert views[1].detail_url == views[1].log_url == ""


def test_history_rows_leave_out_log_links_when_not_asked(
    home: XPlatformAccount,
) -> None:
    row = access_row(home, interaction_id="040100713")
    (view,) = history_rows([row], with_log_links=False)
    assert view.detail_url == f"/a/{home.slug}/i/040100713/"
    assert view.log_url == ""

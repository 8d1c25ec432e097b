"""The three roles and the permissions each one grants.

Roles are Django groups created by a data migration; code checks
permissions (`user.has_perm`), never group names (docs/security.md, R-AC-01).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

AGENT = "agent"
SUPERVISOR = "supervisor"
ADMIN = "admin"
ROLES = (AGENT, SUPERVISOR, ADMIN)

VIEW_INTERACTION = "interactions.view_interaction"
VIEW_TEAM_HISTORY = "interactions.view_team_history"
VIEW_ACCESS_LOG = "interactions.view_access_log"
MANAGE_PLATFORM_ACCOUNT = "interactions.manage_platform_account"


# Every label role_label gives, highest first.
ROLE_LABELS = (
    gettext_noop("Admin"),
    gettext_noop("Supervisor"),
    gettext_noop("Agent"),
    gettext_noop("No role"),
)


def role_label(user: User | AnonymousUser) -> str:
    """The highest role a user's permissions amount to, for display only.

    In English, as the access log stores it; pages show it through gettext
    (the words are marked for the catalogues here)."""

    if user.has_perm(MANAGE_PLATFORM_ACCOUNT):
        return gettext_noop("Admin")
    if user.has_perm(VIEW_TEAM_HISTORY):
        return gettext_noop("Supervisor")
    if user.has_perm(VIEW_INTERACTION):
        return gettext_noop("Agent")
    return gettext_noop("No role")

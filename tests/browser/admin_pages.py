"""The admin page states the theme test audits with axe-core, and the rows
they show (issue 14: every admin page state, light and dark, English and
Hebrew, 1280 and 420 px).

Kept apart from the browser tests (no Playwright here) so that
``tests/web/test_admin_coverage.py`` can check, with the test client, that
every changelist of the admin site's registry and every link of the admin
index is one of the pages named here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from interactions import roles
from interactions.admin_audit import log_entries_for
from interactions.identity.models import ApiToken, SsoGroupMapping, SsoIdentity
from interactions.models import AccountAssignment, InteractionAccess, XPlatformAccount

# A page state: its name in a failure report, and its path.
State = tuple[str, str]


@dataclass(frozen=True)
class AdminRows:
    """One row of each kind an admin page lists, on the admin's account."""

    admin: Any
    agent: Any
    account: XPlatformAccount
    assignment: AccountAssignment
    mapping: SsoGroupMapping
    identity: SsoIdentity
    token: ApiToken
    revoked_token: ApiToken
    device: TOTPDevice
    attempt: AccessAttempt
    failure: AccessFailureLog
    access: InteractionAccess


def admin_rows(admin_user: Any, account: XPlatformAccount, agent: Any) -> AdminRows:
    """The rows: ``agent`` on ``account`` signed in once with single sign-on,
    holds an API token (and a revoked one) and an authenticator app, was
    locked out once and opened an interaction; a group mapping grants
    ``account``."""
    mapping = SsoGroupMapping.objects.create(
        claim_value="contact-centre-agents",
        description="Contact centre agents (Keycloak)",
        role=roles.AGENT,
    )
    mapping.accounts.add(account)
    identity = SsoIdentity.objects.create(
        user=agent,
        issuer="https://id.example.com/realms/console",
        subject="5f0c9a1e-agent",
        claim_values=["contact-centre-agents"],
    )
    token, _ = ApiToken.objects.issue(
        user=agent, name="CTI Genesys prod", days=90, created_by=admin_user
    )
    revoked, _ = ApiToken.objects.issue(
        user=agent, name="CTI Genesys test", days=30, created_by=admin_user
    )
    revoked.revoke(by=admin_user)
    device = TOTPDevice.objects.create(
        user=agent, name="Authenticator app", confirmed=True
    )
    lockout = {
        "username": agent.username,
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0",
        "http_accept": "text/html",
        "path_info": reverse("login"),
    }
    attempt = AccessAttempt.objects.create(
        **lockout, get_data="", post_data="", failures_since_start=10
    )
    failure = AccessFailureLog.objects.create(**lockout, locked_out=True)
    AccessFailureLog.objects.filter(pk=failure.pk).update(
        attempt_time=timezone.now() - timedelta(minutes=3)
    )
    access = InteractionAccess.objects.create(
        user=agent,
        username=agent.username,
        role="Agent",
        account=account,
        account_slug=account.slug,
        action=InteractionAccess.Action.VIEW,
        outcome=InteractionAccess.Outcome.FOUND,
        interaction_id="040100714",
        flow_name="Claims intake",
        has_photos=True,
        duration_ms=134,
        client_ip="198.51.100.20",
    )
    return AdminRows(
        admin=admin_user,
        agent=agent,
        account=account,
        assignment=AccountAssignment.objects.get(user=agent, account=account),
        mapping=mapping,
        identity=identity,
        token=token,
        revoked_token=revoked,
        device=device,
        attempt=attempt,
        failure=failure,
        access=access,
    )


def _admin(name: str, *args: Any) -> str:
    return reverse(f"admin:{name}", args=args)


def account_pages(rows: AdminRows) -> list[State]:
    """Accounts, assignments, users, roles, the access and audit logs, as a
    tenant admin (the admin role, not a superuser) sees them, with the
    confirmation of each delete she may make there."""
    entry = log_entries_for(rows.admin, LogEntry.objects.all()).latest("pk")
    account = rows.account.pk
    role = Group.objects.get(name=roles.AGENT).pk
    return [
        ("index", _admin("index")),
        ("console app", _admin("app_list", "interactions")),
        ("accounts", _admin("interactions_xplatformaccount_changelist")),
        ("account", _admin("interactions_xplatformaccount_change", account)),
        ("new account", _admin("interactions_xplatformaccount_add")),
        ("account history", _admin("interactions_xplatformaccount_history", account)),
        (
            "delete account, not allowed",
            _admin("interactions_xplatformaccount_delete", account),
        ),
        ("assignments", _admin("interactions_accountassignment_changelist")),
        (
            "assignment",
            _admin("interactions_accountassignment_change", rows.assignment.pk),
        ),
        ("new assignment", _admin("interactions_accountassignment_add")),
        (
            "delete assignment",
            _admin("interactions_accountassignment_delete", rows.assignment.pk),
        ),
        ("access log", _admin("interactions_interactionaccess_changelist")),
        (
            "access log entry",
            _admin("interactions_interactionaccess_change", rows.access.pk),
        ),
        ("auth app", _admin("app_list", "auth")),
        ("users", _admin("auth_user_changelist")),
        ("user", _admin("auth_user_change", rows.agent.pk)),
        ("own user", _admin("auth_user_change", rows.admin.pk)),
        ("new user", _admin("auth_user_add")),
        # The form the "+" beside a user picker opens in a window of its own.
        ("new user, window", _admin("auth_user_add") + "?_to_field=id&_popup=1"),
        ("user's password", _admin("auth_user_password_change", rows.agent.pk)),
        ("own password", _admin("password_change")),
        ("own password changed", _admin("password_change_done")),
        ("roles", _admin("auth_group_changelist")),
        ("role", _admin("auth_group_change", role)),
        ("audit app", _admin("app_list", "auditlog")),
        ("audit log", _admin("auditlog_logentry_changelist")),
        ("audit entry", _admin("auditlog_logentry_change", entry.pk)),
    ]


def identity_pages(rows: AdminRows) -> list[State]:
    """Single sign-on mappings and identities, API tokens, second factors
    and sign-in lockouts, as a tenant admin sees them, with the
    confirmation of each delete she may make there."""
    return [
        ("identity app", _admin("app_list", "identity")),
        ("sso mappings", _admin("identity_ssogroupmapping_changelist")),
        ("sso mapping", _admin("identity_ssogroupmapping_change", rows.mapping.pk)),
        ("new sso mapping", _admin("identity_ssogroupmapping_add")),
        (
            "delete sso mapping",
            _admin("identity_ssogroupmapping_delete", rows.mapping.pk),
        ),
        ("sso identities", _admin("identity_ssoidentity_changelist")),
        ("sso identity", _admin("identity_ssoidentity_change", rows.identity.pk)),
        ("api tokens", _admin("identity_apitoken_changelist")),
        ("api token", _admin("identity_apitoken_change", rows.token.pk)),
        ("revoked token", _admin("identity_apitoken_change", rows.revoked_token.pk)),
        ("new api token", _admin("identity_apitoken_add")),
        ("second factor app", _admin("app_list", "otp_totp")),
        ("second factors", _admin("otp_totp_totpdevice_changelist")),
        ("second factor", _admin("otp_totp_totpdevice_change", rows.device.pk)),
        ("reset second factor", _admin("otp_totp_totpdevice_delete", rows.device.pk)),
        ("lockout app", _admin("app_list", "axes")),
        ("lockouts", _admin("axes_accessattempt_changelist")),
        ("lockout", _admin("axes_accessattempt_change", rows.attempt.pk)),
        ("unlock", _admin("axes_accessattempt_delete", rows.attempt.pk)),
        ("failed sign-ins", _admin("axes_accessfailurelog_changelist")),
        ("failed sign-in", _admin("axes_accessfailurelog_change", rows.failure.pk)),
    ]


@dataclass(frozen=True)
class BulkDelete:
    """The "delete selected" action asked for on a changelist's row (the
    first, or the one naming ``row``) and the page it answers: a
    confirmation, or the refusal when a related row may not go."""

    state: str
    changelist: str
    row: str | None = None
    refused: bool = False


ACCOUNT_BULK_DELETES = [
    # The tenant admin's own assignment goes with the account, and she may
    # not remove it (R-AC-06): Django says which rows stop the delete.
    BulkDelete(
        "delete selected accounts, not allowed",
        "interactions_xplatformaccount_changelist",
        refused=True,
    ),
    BulkDelete(
        "delete selected assignments",
        "interactions_accountassignment_changelist",
        row="agnes",
    ),
]
IDENTITY_BULK_DELETES = [
    BulkDelete("delete selected sso mappings", "identity_ssogroupmapping_changelist"),
    BulkDelete(
        "reset selected second factors", "otp_totp_totpdevice_changelist", row="agnes"
    ),
    BulkDelete("unlock selected", "axes_accessattempt_changelist"),
]


def superuser_pages(rows: AdminRows, superuser: Any) -> list[State]:
    """What a superuser sees that a tenant admin does not: roles and users
    with their permission pickers and superuser flag, every account and
    role in a mapping, and the deletes only a superuser may make."""
    role = Group.objects.get(name=roles.AGENT).pk
    return [
        ("superuser index", _admin("index")),
        ("superuser role", _admin("auth_group_change", role)),
        ("superuser new role", _admin("auth_group_add")),
        ("superuser delete role", _admin("auth_group_delete", role)),
        ("superuser user", _admin("auth_user_change", rows.admin.pk)),
        ("superuser own user", _admin("auth_user_change", superuser.pk)),
        ("superuser new user", _admin("auth_user_add")),
        ("superuser delete user", _admin("auth_user_delete", rows.agent.pk)),
        (
            "superuser delete account",
            _admin("interactions_xplatformaccount_delete", rows.account.pk),
        ),
        (
            "superuser sso mapping",
            _admin("identity_ssogroupmapping_change", rows.mapping.pk),
        ),
        (
            "superuser delete sso identity",
            _admin("identity_ssoidentity_delete", rows.identity.pk),
        ),
    ]

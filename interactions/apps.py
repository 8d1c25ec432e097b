from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class InteractionsConfig(AppConfig):
    name = "interactions"
    verbose_name = gettext_lazy("X-Platform console")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.conf import settings
        from django.contrib.auth import get_user_model

        from interactions import (
            checks,  # noqa: F401  (registers system checks)
            metrics,
            permission_cache,
        )
        from interactions.models import AccountAssignment, XPlatformAccount

        # The key itself is never written to the audit log; a change to it
        # shows up as a new application_key_changed_at (R-SEC-04).
        auditlog.register(XPlatformAccount, exclude_fields=["application_key"])
        auditlog.register(AccountAssignment)
        # Role, staff and active changes are audited too; password hashes
        # and login times are not (R-AC-06).
        auditlog.register(
            get_user_model(),
            exclude_fields=["password", "last_login"],
            m2m_fields={"groups", "user_permissions"},
        )
        # Role changes make the cached permissions stale at once.
        permission_cache.connect_signals()
        # Upstream call latency and breaker states (docs/deployment.md).
        metrics.install()
        if settings.SENTRY_DSN:
            from interactions.error_reporting import init_sentry

            init_sentry(settings.SENTRY_DSN, environment=settings.SENTRY_ENVIRONMENT)

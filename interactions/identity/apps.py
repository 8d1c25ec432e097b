from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class IdentityConfig(AppConfig):
    name = "interactions.identity"
    label = "identity"
    verbose_name = gettext_lazy("Sign-in and API access")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from interactions.identity.lockout import log_lockout

        user_locked_out.connect(log_lockout, dispatch_uid="xpc-log-lockout")

from __future__ import annotations

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "interactions.identity"
    label = "identity"
    verbose_name = "Sign-in and API access"

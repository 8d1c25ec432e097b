"""Each person's display preferences, kept on the server so they follow them
to another browser or desktop: for now the colour theme (issue 14).

The theme is rendered by the server as ``data-theme`` on ``<html>`` (the
console's page frame, ``templates/jinja2/frame.html``; the admin through
``static/js/admin-theme.js``), so a page never flashes in the wrong
colours and no inline script is needed under the Content Security Policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.http import HttpRequest


class Theme(models.TextChoices):
    # Auto follows the operating system's light or dark setting
    # (prefers-color-scheme); Light and Dark hold whatever it says.
    AUTO = "auto", gettext_lazy("Auto")
    LIGHT = "light", gettext_lazy("Light")
    DARK = "dark", gettext_lazy("Dark")


class UserPreference(models.Model):
    """One row per person who chose something; no row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    theme = models.CharField(
        gettext_lazy("theme"), max_length=8, choices=Theme.choices, default=Theme.AUTO
    )

    class Meta:
        app_label = "interactions"
        verbose_name = gettext_lazy("user preference")
        verbose_name_plural = gettext_lazy("user preferences")

    def __str__(self) -> str:
        return f"{self.user} ({self.theme})"


def theme_key(user: User | AnonymousUser) -> str:
    """The shared cache's copy of a person's theme. Read with their
    permissions, in the same round trip (``permission_cache.prime``), which
    leaves it on the user as ``_xpc_theme`` ("" when it was not kept)."""
    return f"xpc:theme:{user.pk}"


def theme_of(user: User | AnonymousUser) -> str:
    """The theme ``user`` chose, Auto for anyone signed out or undecided."""
    if not user.is_authenticated:
        return Theme.AUTO
    kept = getattr(user, "_xpc_theme", None)
    if kept:
        return str(kept)
    try:
        theme = (
            UserPreference.objects.filter(user=user)
            .values_list("theme", flat=True)
            .first()
        )
    except DatabaseError:
        # A display preference never turns a page (a 404, the sign-in page
        # during an outage) into a server error: the default does.
        return Theme.AUTO
    theme = theme or Theme.AUTO
    if kept is not None:
        # Looked for in the cache and not there: kept for the next requests,
        # unless a choice made meanwhile is there already (add, not set).
        cache.add(theme_key(user), theme, settings.XPC_PERMISSION_CACHE_SECONDS)
    return theme


def theme_set(*, user: User, theme: str) -> None:
    """Remember ``theme`` (a ``Theme`` value) for ``user`` and only them."""
    UserPreference.objects.update_or_create(user=user, defaults={"theme": theme})
    seconds = settings.XPC_PERMISSION_CACHE_SECONDS
    if not seconds:
        return
    # Now, and again once committed: a reader that read the old row
    # meanwhile and kept it is overwritten.
    key = theme_key(user)
    cache.set(key, theme, seconds)
    transaction.on_commit(lambda: cache.set(key, theme, seconds))


def theme_context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``theme`` and the choices of the toggle."""
    return {"theme": theme_of(request.user), "theme_choices": Theme.choices}

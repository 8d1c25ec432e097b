"""The identity app's tables (single sign-on role mapping, API tokens)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from interactions import roles
from interactions.models import XPlatformAccount


class SsoIdentity(models.Model):
    """Links a console user to one person at one OpenID provider.

    A person is their issuer and their ``sub``, the one claim the provider
    promises never to reassign. Users are never matched by e-mail: an IdP user
    whose address equals a local superuser's would otherwise take that account
    over (docs/security.md, "Single sign-on").
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sso_identities",
        verbose_name=_("user"),
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject (sub)"), max_length=255)
    claim_values = models.JSONField(
        _("group claim values at the last sign-in"),
        default=list,
        blank=True,
        help_text=_(
            "What the provider sent in the groups claim, to help write mappings."
        ),
    )
    created_at = models.DateTimeField(_("first sign-in"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), auto_now=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="unique_sso_subject_per_issuer"
            )
        ]
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user} ← {self.subject}"


class SsoGroupMapping(models.Model):
    """One value of the groups claim and what it grants in the console.

    At every sign-in a single sign-on user gets the highest role and all the
    accounts of the mappings whose value the provider sent; nothing else
    (interactions.identity.sso.apply_claims).
    """

    ROLE_CHOICES = [
        (roles.AGENT, _("agent")),
        (roles.SUPERVISOR, _("supervisor")),
        (roles.ADMIN, _("admin")),
    ]

    claim_value = models.CharField(
        _("claim value"),
        max_length=255,
        help_text=_(
            "A value of the groups claim exactly as the provider sends it: a group "
            "name (Keycloak) or a group object ID (Entra ID)."
        ),
    )
    description = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("For people: the group's display name, who owns it."),
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=ROLE_CHOICES,
        blank=True,
        help_text=_("Leave empty for a mapping that only grants accounts."),
    )
    accounts = models.ManyToManyField(
        XPlatformAccount,
        blank=True,
        related_name="sso_group_mappings",
        verbose_name=_("accounts"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("single sign-on group mapping")
        verbose_name_plural = _("single sign-on group mappings")
        ordering = ["claim_value"]

    def __str__(self) -> str:
        return self.claim_value

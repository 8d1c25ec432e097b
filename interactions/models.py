"""The console's own tables: X-Platform accounts and who may use them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# The validators are imported by name: migrations find them here.
from interactions.account_values import (
    IDENTIFIER,
    validate_base_url,
    validate_time_zone,
    validate_variable_names,
    validate_variable_sets,
)
from interactions.fields import CredentialDecryptError, EncryptedTextField, Secret
from interactions.variable_labels import (
    normalise_labels,
    parse_labels,
    validate_variable_labels,
)
from interactions.xplatform.hosts import BaseUrlError, normalise_base_url

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from interactions.xplatform.config import AccountConfig


def _names(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class XPlatformAccountQuerySet(QuerySet["XPlatformAccount"]):
    def for_user(self, user: User | AnonymousUser) -> XPlatformAccountQuerySet:
        """Active accounts the user is assigned to (every account for superusers)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.filter(is_active=True)
        return self.filter(is_active=True, assignments__user=user)


class XPlatformAccount(models.Model):
    """One X-Platform tenant the console reads interaction history from."""

    name = models.CharField(_("display name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=50,
        unique=True,
        help_text=_("Short name used in links and commands, e.g. acme."),
    )
    base_url = models.CharField(
        _("base URL"),
        max_length=200,
        validators=[validate_base_url],
        help_text=_(
            "Scheme and host of the X-Platform server, e.g. "
            "https://gointeract.io. Must be allowed by XPC_UPSTREAM_ALLOWED_HOSTS."
        ),
    )
    api_version = models.CharField(
        _("API version"),
        max_length=8,
        default="2",
        validators=[RegexValidator(r"^v?[0-9]{1,3}$", _("Enter a version such as 2."))],
        # Sent as typed, never normalised (docs/xplatform-api.md, decision d).
        help_text=_("Sent in the URL exactly as entered, for example 2."),
    )
    account_id = models.CharField(
        _("account ID"),
        max_length=64,
        validators=[RegexValidator(IDENTIFIER, _("Letters, digits, - and _ only."))],
        help_text=_("The tenant: sent as Tenant-Id and in the URL path."),
    )
    application_key = EncryptedTextField(
        _("application key"),
        help_text=_(
            "Public API Service application key. Stored encrypted; never shown again."
        ),
    )
    application_key_changed_at = models.DateTimeField(null=True, editable=False)
    application_key_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    environment_name = models.CharField(
        _("environment name"),
        max_length=64,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Za-z0-9_.-]*$", _("Letters, digits, ., - and _."))
        ],
        help_text=_(
            "Sent as Environment-Name only when set (multi-environment accounts)."
        ),
    )
    variable_sets = models.CharField(
        _("variable sets"),
        max_length=500,
        blank=True,
        validators=[validate_variable_sets],
        help_text=_(
            "Comma-separated user variable set IDs agents should see, "
            "e.g. customerInfoSet,routingDataSet."
        ),
    )
    # Who the customer is, for the top of the interaction page: the values of
    # these variables, looked up by name in the variable sets above.
    customer_name_variables = models.CharField(
        _("customer name variables"),
        max_length=300,
        blank=True,
        default="firstName,lastName",
        validators=[validate_variable_names],
        help_text=_(
            "Comma-separated variable names whose values, joined with spaces, "
            "name the customer at the top of the interaction page, e.g. "
            "firstName,lastName. Looked up in the variable sets above."
        ),
    )
    customer_id_variables = models.CharField(
        _("customer ID variables"),
        max_length=300,
        blank=True,
        default="customerId",
        validators=[validate_variable_names],
        help_text=_(
            "Comma-separated variable names that may hold the customer's ID, "
            "in order of preference, e.g. customerId,accountNumber: the first "
            "one set is shown. Looked up in the variable sets above."
        ),
    )
    # Readable names for variables, per account: one text of "name = Label"
    # lines rather than a table, so the labels are edited, audited and
    # tenant-scoped with the rest of the account's "what agents see".
    variable_labels = models.TextField(
        _("variable labels"),
        blank=True,
        default="",
        validators=[validate_variable_labels],
        help_text=_(
            'One "variableName = Readable label" a line, e.g. '
            '"callbackRequested = Callback requested". Variables without a '
            "label are shown with one read from their name."
        ),
    )
    photo_max_size = models.PositiveIntegerField(
        _("photo max size (px)"),
        default=1600,
        validators=[MinValueValidator(64), MaxValueValidator(4096)],
        help_text=_("maxSize requested for the full view of a photo."),
    )
    legacy_photo_path_encoding = models.BooleanField(
        _("legacy photo path encoding"),
        default=False,
        help_text=_('For v7 servers: send the file name\'s last "." as "@@@@@".'),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("The account's time zone, shown beside the agent's local time."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = XPlatformAccountQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("X-Platform account")
        verbose_name_plural = _("X-Platform accounts")
        permissions = [
            ("view_interaction", "Can look up and view interactions"),
            ("view_team_history", "Can review the team's lookup history"),
            ("view_access_log", "Can read the access log of an interaction"),
            ("manage_platform_account", "Can manage X-Platform accounts"),
        ]

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<XPlatformAccount {self.slug}>"

    def save(self, *args: object, **kwargs: object) -> None:
        # Validated on every save, not only in forms: commands and the shell
        # must not be able to store a base URL the console refuses to call.
        self.base_url = normalise_base_url(
            self.base_url, settings.XPC_UPSTREAM_ALLOWED_HOSTS
        )
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        if self.base_url:
            try:
                self.base_url = normalise_base_url(
                    self.base_url, settings.XPC_UPSTREAM_ALLOWED_HOSTS
                )
            except BaseUrlError as exc:
                raise ValidationError({"base_url": str(exc)}) from None
        self.variable_sets = ",".join(self.variable_set_ids())
        self.customer_name_variables = ",".join(self.customer_name_names())
        self.customer_id_variables = ",".join(self.customer_id_names())
        self.variable_labels = normalise_labels(self.variable_labels)

    def variable_set_ids(self) -> list[str]:
        return _names(self.variable_sets)

    def customer_name_names(self) -> list[str]:
        return _names(self.customer_name_variables)

    def customer_id_names(self) -> list[str]:
        return _names(self.customer_id_variables)

    def variable_label_map(self) -> dict[str, str]:
        """The admins' labels by case-folded variable name."""
        return parse_labels(self.variable_labels)

    def credentials_state(self) -> str:
        """Plain words for the admin: set, missing, or unavailable."""
        key = self.application_key
        if not key:
            return gettext_noop("not set")
        if isinstance(key, Secret):
            try:
                key.reveal()
            except CredentialDecryptError:
                return gettext_noop(
                    "unavailable (cannot be decrypted with the configured keys)"
                )
        return gettext_noop("set")

    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def client_config(self) -> AccountConfig:
        """The client's view of this account; decrypts the key (fails closed)."""
        key = self.application_key
        if isinstance(key, Secret):
            plaintext = key.reveal()
        elif key:
            plaintext = str(key)
        else:
            raise CredentialDecryptError("No application key is stored.")
        from interactions.xplatform.config import AccountConfig

        return AccountConfig(
            base_url=normalise_base_url(
                self.base_url, settings.XPC_UPSTREAM_ALLOWED_HOSTS
            ),
            version=self.api_version,
            account_id=self.account_id,
            application_key=plaintext,
            environment_name=self.environment_name or None,
            legacy_photo_path=self.legacy_photo_path_encoding,
            photo_max_size=self.photo_max_size,
            slug=self.slug,
        )

    def get_admin_url(self) -> str:
        return reverse("admin:interactions_xplatformaccount_change", args=[self.pk])


class AccountAssignment(models.Model):
    """Links a user to an account they may use (docs/security.md, R-AC-02)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="account_assignments",
    )
    account = models.ForeignKey(
        XPlatformAccount,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "account"], name="unique_assignment_per_account"
            )
        ]
        ordering = ["account__name", "user__username"]
        verbose_name = _("account assignment")
        verbose_name_plural = _("account assignments")

    def __str__(self) -> str:
        return f"{self.user} → {self.account}"

    def get_additional_data(self) -> dict[str, Any]:
        """Stored with each audit entry, so the audit log can be shown per
        account even after the assignment is gone (R-AC-06)."""
        return {"account": self.account_id, "user": self.user_id}


class AppendOnlyError(Exception):
    """The access log is append-only: rows are never changed or deleted in the app."""


class InteractionAccessQuerySet(QuerySet["InteractionAccess"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("The access log cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The access log cannot be deleted from the application.")

    def for_supervisor(self, user: User | AnonymousUser) -> InteractionAccessQuerySet:
        """Rows of the accounts the user may review."""
        return self.filter(account__in=XPlatformAccount.objects.for_user(user))

    def purge_before(self, cutoff: object, *, batch_size: int = 1000) -> int:
        """Delete rows older than cutoff in batches; only for retention (R-PII-03)."""
        deleted = 0
        while True:
            ids = list(
                self.filter(created_at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return deleted
            count, _ = QuerySet.delete(self.model._default_manager.filter(pk__in=ids))
            deleted += count


class InteractionAccess(models.Model):
    """One lookup, page view or photo view: who, when, what, outcome (R-PII-01).

    Holds references only (a masked query, the unique ID, the flow name),
    never the customer's answers. Rows are written once and never changed.
    """

    class Action(models.TextChoices):
        SEARCH = "search", _("search")
        VIEW = "view", _("page view")
        REFRESH = "refresh", _("live refresh")
        PHOTO = "photo", _("photo")
        LIST = "list", _("list")
        EXPORT = "export", _("export")

    class Outcome(models.TextChoices):
        FOUND = "found", _("found")
        CANDIDATES = "candidates", _("several matches")
        NOT_FOUND = "not_found", _("not found")
        DENIED = "denied", _("denied")
        INVALID = "invalid", _("invalid input")
        UPSTREAM_ERROR = "upstream_error", _("upstream error")

    class Source(models.TextChoices):
        """Where an access came from."""

        PAGE = "page", _("console page")
        API = "api", _("JSON API")
        THUMB = "thumb", _("thumbnail")
        FULL = "full", _("full-size photo")
        SNAPSHOT = "snapshot", _("stored snapshot")
        REVIEW = "review", _("supervisor review")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="interaction_accesses",
    )
    username = models.CharField(_("user name"), max_length=150)
    role = models.CharField(_("role"), max_length=20)
    account = models.ForeignKey(
        XPlatformAccount,
        verbose_name=_("account"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="accesses",
    )
    account_slug = models.CharField(_("account slug"), max_length=50, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    error_kind = models.CharField(_("error kind"), max_length=30, blank=True)
    search_kind = models.CharField(_("search kind"), max_length=20, blank=True)
    query_masked = models.CharField(_("query (masked)"), max_length=120, blank=True)
    interaction_id = models.CharField(
        _("interaction ID"), max_length=64, blank=True, db_index=True
    )
    flow_name = models.CharField(_("flow name"), max_length=200, blank=True)
    has_photos = models.BooleanField(_("has photos"), null=True)
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=Source.choices,
        default=Source.PAGE,
    )
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), default=0)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    objects = InteractionAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("interaction access")
        verbose_name_plural = _("interaction accesses")
        indexes = [
            models.Index(fields=["account", "-created_at"], name="access_account_time"),
            models.Index(fields=["user", "-created_at"], name="access_user_time"),
            models.Index(fields=["outcome", "-created_at"], name="access_outcome_time"),
            # The supervisor history filters by agent name (kept after a user
            # is deleted, unlike the foreign key).
            models.Index(
                fields=["username", "-created_at"], name="access_username_time"
            ),
        ]

    def __str__(self) -> str:
        # The admin's title for the row: the action and outcome in words.
        target = self.interaction_id or self.query_masked or "—"
        action, outcome = self.get_action_display(), self.get_outcome_display()
        return f"{self.username} · {action} · {target} · {outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The access log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The access log cannot be deleted from the application.")


class InteractionSnapshotQuerySet(QuerySet["InteractionSnapshot"]):
    def for_supervisor(self, user: User | AnonymousUser) -> InteractionSnapshotQuerySet:
        """Snapshots of the accounts the user may review."""
        return self.filter(account__in=XPlatformAccount.objects.for_user(user))

    def purge_before(self, cutoff: object, *, batch_size: int = 200) -> tuple[int, int]:
        """Delete snapshots older than cutoff and their photos, in batches.

        Each batch is its own short transaction, so the command can run from
        cron while the console serves traffic (R-PII-03). Returns the numbers
        of snapshots and photos deleted.
        """
        snapshots = photos = 0
        while True:
            ids = list(
                self.filter(created_at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return snapshots, photos
            with transaction.atomic():
                # Photos first, as one DELETE; then the snapshots, reading
                # only their primary keys (not the JSON) on the way.
                deleted_photos, _ = SnapshotPhoto.objects.filter(
                    snapshot_id__in=ids
                ).delete()
                deleted, _ = (
                    InteractionSnapshot.objects.filter(pk__in=ids).only("pk").delete()
                )
            photos += deleted_photos
            snapshots += deleted


class InteractionSnapshot(models.Model):
    """What an interaction page showed, stored for review (product brief).

    One row per interaction and distinct content: the same page seen again
    adds no row. ``data`` holds the page as plain JSON (header facts,
    answers, timeline, variable sets, photo references); thumbnails live in
    SnapshotPhoto. Expires after XPC_SNAPSHOT_RETENTION_DAYS.
    """

    account = models.ForeignKey(
        XPlatformAccount, on_delete=models.CASCADE, related_name="snapshots"
    )
    interaction_id = models.CharField(max_length=64)
    content_hash = models.CharField(
        max_length=64,
        help_text="SHA-256 of the canonical JSON, volatile parts left out.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    first_viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    flow_name = models.CharField(max_length=200, blank=True)
    has_photos = models.BooleanField(default=False)
    data = models.JSONField()

    objects = InteractionSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("interaction snapshot")
        verbose_name_plural = _("interaction snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "interaction_id", "content_hash"],
                name="unique_snapshot_content",
            )
        ]
        indexes = [
            models.Index(
                fields=["account", "interaction_id", "-created_at"],
                name="snapshot_interaction_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.interaction_id} as of {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("interactions:review-snapshot", args=[self.pk])

    def photo_entry(self, key: str) -> dict[str, Any] | None:
        """The photo of this snapshot with that key, as the page listed it."""
        photos = self.data.get("photos", []) if isinstance(self.data, dict) else []
        return next((p for p in photos if p.get("key") == key), None)


class SnapshotPhoto(models.Model):
    """A thumbnail shown on the page, kept with its snapshot."""

    SAFE_CONTENT_TYPES = ("image/jpeg", "image/png")

    snapshot = models.ForeignKey(
        InteractionSnapshot, on_delete=models.CASCADE, related_name="photos"
    )
    key = models.CharField(max_length=20)
    label = models.CharField(max_length=300, blank=True)
    step_number = models.PositiveIntegerField(default=0)
    time = models.DateTimeField(null=True, blank=True)
    thumbnail = models.BinaryField()
    content_type = models.CharField(max_length=50, default="image/jpeg")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["step_number", "key"]
        verbose_name = _("snapshot photo")
        verbose_name_plural = _("snapshot photos")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "key"], name="unique_snapshot_photo"
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}/{self.key}"

    @property
    def safe_content_type(self) -> str:
        """The stored type when it is one the console makes, else JPEG."""
        if self.content_type in self.SAFE_CONTENT_TYPES:
            return self.content_type
        return "image/jpeg"


# Display preferences live in their own module (size); imported here so that
# Django and its migrations see the model with the app's others.
from interactions.preferences import UserPreference as UserPreference  # noqa: E402

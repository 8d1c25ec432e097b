"""Carry DRF's plain-text tokens over as hashed API tokens, then empty DRF's table.

``rest_framework.authtoken`` is no longer installed, so its table is read
with plain SQL when it exists (an existing deployment) and skipped when it
does not (a new one). Nothing here depends on the authtoken app, so the
order of releases does not matter: whenever this runs, the old keys still
work afterwards, for a transition of 30 days, under the name "migrated
token". The old rows are then deleted, since they hold the keys in plain
text; the empty table is left for the operator to drop (README, "API
tokens"). Going backwards keeps the copies: a hash cannot be turned back
into a key.

The prefix of a migrated token is drawn at random: the old key's own first
characters are part of its secret and are never shown.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from datetime import UTC, timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

OLD_TABLE = "authtoken_token"
TRANSITION = timedelta(days=30)
NAME = "migrated token"


def _prefix() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(8))


def _moment(value):
    """The old row's creation time: SQLite gives naive UTC text, PostgreSQL a
    datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return timezone.now()
    return timezone.make_aware(value, UTC) if timezone.is_naive(value) else value


def copy_old_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('key')}, {quote('user_id')}, {quote('created')} "
            f"FROM {quote(OLD_TABLE)}"
        )
        rows = cursor.fetchall()
    ApiToken = apps.get_model("identity", "ApiToken")
    expires = timezone.now() + TRANSITION
    taken = set(ApiToken.objects.values_list("prefix", flat=True))
    for key, user_id, created in rows:
        digest = hashlib.sha256(str(key).encode("utf-8")).hexdigest()
        if ApiToken.objects.filter(digest=digest).exists():
            continue
        prefix = _prefix()
        while prefix in taken:
            prefix = _prefix()
        taken.add(prefix)
        ApiToken.objects.create(
            user_id=user_id,
            name=NAME,
            prefix=prefix,
            digest=digest,
            created_at=_moment(created),
            expires_at=expires,
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quote(OLD_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0003_api_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(copy_old_tokens, migrations.RunPython.noop, elidable=False)
    ]

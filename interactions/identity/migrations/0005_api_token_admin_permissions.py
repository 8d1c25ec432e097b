"""Let the admin role see, make and revoke API tokens (R-AC-01, R-AC-07).

Revoking is a change; tokens are never deleted from the admin, so their
record stays. The permission names are written out here, as in
interactions 0002_roles, so this migration keeps its meaning.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN = ["view_apitoken", "add_apitoken", "change_apitoken"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the role needs them now.
    config = apps.get_app_config("identity")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="identity", codename__in=ADMIN
    )
    for group in Group.objects.filter(name="admin"):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="identity", codename__in=ADMIN
    )
    for group in Group.objects.filter(name="admin"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0004_migrate_authtoken_keys"),
        ("interactions", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

"""The admin role may edit single sign-on group mappings and see identities.

The permission names are written out here (not imported) so this migration
keeps meaning the same thing when the code changes later.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_EXTRA = [
    "view_ssogroupmapping",
    "add_ssogroupmapping",
    "change_ssogroupmapping",
    "delete_ssogroupmapping",
    "view_ssoidentity",
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the role needs them now.
    app_config = apps.get_app_config("identity")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="identity", codename__in=ADMIN_EXTRA
        )
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="admin"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="identity", codename__in=ADMIN_EXTRA
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0001_sso_identity_and_group_mapping"),
        ("interactions", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

"""Create the agent, supervisor and admin groups with explicit permissions.

The permission lists are written out here (not imported) so this migration
keeps meaning the same thing when the code changes later.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

AGENT = ["interactions.view_interaction"]
SUPERVISOR = AGENT + [
    "interactions.view_team_history",
    "interactions.view_access_log",
]
ADMIN = SUPERVISOR + [
    "interactions.manage_platform_account",
    "interactions.view_xplatformaccount",
    "interactions.add_xplatformaccount",
    "interactions.change_xplatformaccount",
    "interactions.delete_xplatformaccount",
    "interactions.add_accountassignment",
    "interactions.change_accountassignment",
    "interactions.delete_accountassignment",
    "interactions.view_accountassignment",
    "auth.add_user",
    "auth.change_user",
    "auth.view_user",
    "auth.view_group",
    "auditlog.view_logentry",
]
ROLES = {"agent": AGENT, "supervisor": SUPERVISOR, "admin": ADMIN}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("interactions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("auditlog", "__latest__"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

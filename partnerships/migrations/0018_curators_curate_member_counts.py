"""Curators keep the member counts over time, as they keep the partnerships they belong to."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [f"{action}_membercount" for action in ("view", "add", "change", "delete")]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("partnerships")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="Curators").permissions.add(
        *Permission.objects.filter(content_type__app_label="partnerships", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get(name="Curators").permissions.remove(
        *apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="partnerships", codename__in=CODENAMES
        )
    )


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0017_member_counts_over_time")]

    operations = [migrations.RunPython(grant, revoke)]

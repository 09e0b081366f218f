"""Curators keep the official figures, as they keep the partnerships."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ["view", "add", "change", "delete"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("figures")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="Curators").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="figures",
            codename__in=[f"{action}_officialfigure" for action in ACTIONS],
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get(name="Curators").permissions.remove(
        *apps.get_model("auth", "Permission").objects.filter(content_type__app_label="figures")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0001_official_figures"),
        ("partnerships", "0008_curators_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

"""Curators curate alliances and calls too; programme countries are a fixed list they read."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = {
    "alliance": ["view", "add", "change", "delete"],
    "alliancemember": ["view", "add", "change", "delete"],
    "fundingcall": ["view", "add", "change", "delete"],
    "programmecountry": ["view"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("alliances")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators = Group.objects.get(name="Curators")
    curators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="alliances",
            codename__in=[f"{a}_{m}" for m, actions in CONTENT.items() for a in actions],
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get(name="Curators").permissions.remove(
        *apps.get_model("auth", "Permission").objects.filter(content_type__app_label="alliances")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0001_alliances_calls_programme_countries"),
        ("partnerships", "0008_curators_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

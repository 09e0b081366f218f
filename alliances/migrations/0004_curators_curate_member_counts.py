"""Curators keep the member counts sources report, as they keep the members themselves."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ["view", "add", "change", "delete"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("alliances")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="Curators").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="alliances",
            codename__in=[f"{action}_membercount" for action in ACTIONS],
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get(name="Curators").permissions.remove(
        *apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="alliances", codename__endswith="_membercount"
        )
    )


class Migration(migrations.Migration):
    dependencies = [("alliances", "0003_calls_on_record_derived_status_named_members")]

    operations = [migrations.RunPython(grant, revoke)]

"""The "Curators" group: full control of content, nothing on accounts or permissions.

Ecosystems and countries are fixed sets: curators edit the ecosystems' texts and look countries
up, but add or delete neither.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATORS = "Curators"
CONTENT = {
    "partnerships": {
        "organisation": ["view", "add", "change", "delete"],
        "region": ["view", "add", "change", "delete"],
        "partnership": ["view", "add", "change", "delete"],
        "membership": ["view", "add", "change", "delete"],
        "document": ["view", "add", "change", "delete"],
        "documentfile": ["view", "add", "change", "delete"],
        "country": ["view"],
    },
    "ecosystems": {"ecosystem": ["view", "change"]},
}


def create_group(apps, schema_editor):
    # Permissions are normally created after migrations run; a fresh database needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=CURATORS)
    wanted = [
        (app, f"{action}_{model}")
        for app, models in CONTENT.items()
        for model, actions in models.items()
        for action in actions
    ]
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in wanted
        ]
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=CURATORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("ecosystems", "0003_change_history"),
        ("partnerships", "0007_change_history"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]

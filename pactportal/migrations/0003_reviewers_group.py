"""The "Reviewers" group, who approve or return what curators submit for review, and the
curators' right to read the review requests (a reviewer's comment on their own among them).

A reviewer publishes by approving, so a reviewer is also a curator with the right to change
the record's model; the group adds only the right to decide review requests.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWERS = "Reviewers"


def review_rights(apps, codenames):
    app_config = apps.get_app_config("core")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="core", codename__in=codenames
    )


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    reviewers, _created = Group.objects.get_or_create(name=REVIEWERS)
    reviewers.permissions.set(review_rights(apps, ["view_reviewrequest", "change_reviewrequest"]))
    Group.objects.get(name="Curators").permissions.add(*review_rights(apps, ["view_reviewrequest"]))


def remove(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=REVIEWERS).delete()
    Group.objects.get(name="Curators").permissions.remove(
        *review_rights(apps, ["view_reviewrequest"])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pactportal", "0002_seed_information_pages"),
        ("core", "0003_review_requests_and_preview_links"),
    ]

    operations = [migrations.RunPython(create, remove)]

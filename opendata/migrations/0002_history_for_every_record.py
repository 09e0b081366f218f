"""A first historical row for every published-content record that has none.

The 14 ecosystems are created by a data migration, which records no history; anything else
written without it would be missing from the change feed too. The feed starts from these rows,
so a client replaying it from the start meets every record.
"""

from django.db import migrations
from django.utils import timezone

# (app, model, its links whose history is kept)
FEED_MODELS = [
    ("ecosystems", "Ecosystem", []),
    ("partnerships", "Organisation", []),
    ("partnerships", "Partnership", ["linked_ecosystems", "countries", "regions"]),
    ("partnerships", "Document", []),
    ("alliances", "Alliance", []),
]


def record_missing_history(apps, schema_editor):
    now = timezone.now()
    for app_label, name, links in FEED_MODELS:
        model = apps.get_model(app_label, name)
        history = apps.get_model(app_label, f"Historical{name}")
        recorded = history.objects.values("id")
        copied = [
            f.attname
            for f in history._meta.concrete_fields
            if not f.name.startswith("history_") and f.name != "id"
        ]
        for record in model.objects.exclude(pk__in=recorded).order_by("pk").iterator():
            row = history.objects.create(
                id=record.pk,
                history_date=now,
                history_type="+",
                history_change_reason="Recorded for the change feed",
                **{attname: getattr(record, attname) for attname in copied},
            )
            for link in links:
                through = apps.get_model(app_label, f"Historical{name}_{link}")
                target = getattr(model, link).field.m2m_reverse_field_name()
                source = getattr(model, link).field.m2m_field_name()
                through.objects.bulk_create(
                    through(history=row, **{source: record, target: linked})
                    for linked in getattr(record, link).all()
                )


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0001_webhooks"),
        ("ecosystems", "0005_stored_search_vector"),
        ("partnerships", "0017_membership_roles_and_sources"),
        ("alliances", "0004_curators_curate_member_counts"),
    ]

    operations = [migrations.RunPython(record_missing_history, migrations.RunPython.noop)]

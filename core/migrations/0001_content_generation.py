from django.db import migrations


def create_sequence(apps, schema_editor):
    # The content generation's record of truth (core/cache/generation.py). PostgreSQL only:
    # the SQLite quick start keeps the generation in its one process's cache.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS core_content_generation")


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS core_content_generation")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_sequence, drop_sequence, elidable=False)]

# pg_trgm, for "Did you mean …?" when a search finds nothing (core.models.closest_words).
# PostgreSQL only: the SQLite quick start suggests nothing. pg_trgm is a trusted extension,
# so the portal's database owner may create it.

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from core.migration_operations import OnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_content_generation"),
    ]

    operations = [OnPostgreSQL(TrigramExtension())]

# Trigram indexes for "Did you mean …?" over organisations' names and acronyms
# (core.models.closest_words). PostgreSQL only, after pg_trgm (core/0002); the SQLite quick
# start compares names without them.

import django.contrib.postgres.indexes
from django.db import migrations, models

from core.migration_operations import OnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_trigram_similarity"),
        ("partnerships", "0019_document_text"),
    ]

    operations = [
        OnPostgreSQL(
            migrations.AddIndex(
                model_name="organisation",
                index=django.contrib.postgres.indexes.GinIndex(
                    condition=models.Q(("status", "published")),
                    fields=["name"],
                    name="organisation_name_trgm_idx",
                    opclasses=["gin_trgm_ops"],
                ),
            )
        ),
        OnPostgreSQL(
            migrations.AddIndex(
                model_name="organisation",
                index=django.contrib.postgres.indexes.GinIndex(
                    condition=models.Q(("status", "published")),
                    fields=["acronym"],
                    name="organisation_acronym_trgm_idx",
                    opclasses=["gin_trgm_ops"],
                ),
            )
        ),
    ]

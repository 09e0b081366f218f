# Full-text search indexes: GIN expression indexes over the same weighted vectors the
# search queries use. PostgreSQL only; the SQLite quick start searches without them.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

from core.migration_operations import OnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("ecosystems", "0002_create_the_14_ecosystems"),
        ("partnerships", "0005_validate_partial_dates_only_when_set"),
    ]

    operations = [
        OnPostgreSQL(
            migrations.AddIndex(
                model_name="document",
                index=django.contrib.postgres.indexes.GinIndex(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            "title", config="english", weight="A"
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "description", config="english", weight="B"
                        ),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    name="document_search_idx",
                ),
            )
        ),
        OnPostgreSQL(
            migrations.AddIndex(
                model_name="organisation",
                index=django.contrib.postgres.indexes.GinIndex(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            "name", config="english", weight="A"
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "acronym", config="english", weight="A"
                        ),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    name="organisation_search_idx",
                ),
            )
        ),
        OnPostgreSQL(
            migrations.AddIndex(
                model_name="partnership",
                index=django.contrib.postgres.indexes.GinIndex(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.CombinedSearchVector(
                            django.contrib.postgres.search.CombinedSearchVector(
                                django.contrib.postgres.search.SearchVector(
                                    "name", config="english", weight="A"
                                ),
                                "||",
                                django.contrib.postgres.search.SearchVector(
                                    "acronym", config="english", weight="A"
                                ),
                                django.contrib.postgres.search.SearchConfig("english"),
                            ),
                            "||",
                            django.contrib.postgres.search.SearchVector(
                                "summary", config="english", weight="B"
                            ),
                            django.contrib.postgres.search.SearchConfig("english"),
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "description", config="english", weight="C"
                        ),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    name="partnership_search_idx",
                ),
            )
        ),
    ]

# Search vectors stored in a generated column with a GIN index, instead of GIN expression
# indexes: ranking reads the stored vector rather than parsing every matching text again.
# PostgreSQL only; the SQLite quick start searches without them. Each expression is the one
# its queryset's vector() builds, which tests/partnerships/test_search_vectors.py checks.

from django.db import migrations

from pactportal.migration_operations import OnPostgreSQL

VECTORS = {
    "partnerships_organisation": (
        """(setweight(to_tsvector('english'::regconfig, COALESCE("name", '')), 'A')"""
        """ || setweight(to_tsvector('english'::regconfig, COALESCE("acronym", '')), 'A'))"""
    ),
    "partnerships_partnership": (
        """(((setweight(to_tsvector('english'::regconfig, COALESCE("name", '')), 'A')"""
        """ || setweight(to_tsvector('english'::regconfig, COALESCE("acronym", '')), 'A'))"""
        """ || setweight(to_tsvector('english'::regconfig, COALESCE("summary", '')), 'B'))"""
        """ || setweight(to_tsvector('english'::regconfig, COALESCE("description", '')), 'C'))"""
    ),
    "partnerships_document": (
        """(setweight(to_tsvector('english'::regconfig, COALESCE("title", '')), 'A')"""
        """ || setweight(to_tsvector('english'::regconfig, COALESCE("description", '')), 'B'))"""
    ),
}


def stored_vector(table: str, expression: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        [
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED",
            f"CREATE INDEX {table}_search_vector ON {table} USING gin (search_vector)",
        ],
        [f"ALTER TABLE {table} DROP COLUMN search_vector"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0009_listing_and_filter_indexes"),
    ]

    operations = [
        OnPostgreSQL(migrations.RemoveIndex(model_name="document", name="document_search_idx")),
        OnPostgreSQL(
            migrations.RemoveIndex(model_name="organisation", name="organisation_search_idx")
        ),
        OnPostgreSQL(
            migrations.RemoveIndex(model_name="partnership", name="partnership_search_idx")
        ),
        *(OnPostgreSQL(stored_vector(table, sql)) for table, sql in VECTORS.items()),
    ]

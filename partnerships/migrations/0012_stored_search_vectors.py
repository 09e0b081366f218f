# Search vectors stored in a generated column with a GIN index, instead of GIN expression
# indexes: ranking reads the stored vector rather than parsing every matching text again.
# PostgreSQL only; the SQLite quick start searches without them. Each expression is the one
# its queryset's vector() builds, which tests/partnerships/test_search_vectors.py checks.

from django.db import migrations

from core.migration_operations import OnPostgreSQL

VECTORS = {
    "partnerships_organisation": (
        """(setweight(to_tsvector('english'::regconfig, COALESCE("name", '')), 'A')"""
        """ || setweight(to_tsvector('english'::regconfig, COALESCE("acronym", '')), 'A'))"""
    ),
    "partnerships_partnership": (
        """(((((((setweight(to_tsvector('english'::regconfig, COALESCE("name", '')), 'A')"""
        """ || setweight(to_tsvector('english'::regconfig, COALESCE("acronym", '')), 'A'))"""
        """ || setweight(to_tsvector('english'::regconfig, COALESCE("summary_en", '')), 'B'))"""
        """ || setweight(to_tsvector('french'::regconfig, COALESCE("summary_fr", '')), 'B'))"""
        """ || setweight(to_tsvector('german'::regconfig, COALESCE("summary_de", '')), 'B'))"""
        """ || setweight(to_tsvector('english'::regconfig, COALESCE("description_en", '')), 'C'))"""
        """ || setweight(to_tsvector('french'::regconfig, COALESCE("description_fr", '')), 'C'))"""
        """ || setweight(to_tsvector('german'::regconfig, COALESCE("description_de", '')), 'C'))"""
    ),
    "partnerships_document": (
        """(((((setweight(to_tsvector('english'::regconfig, COALESCE("title_en", '')), 'A')"""
        """ || setweight(to_tsvector('french'::regconfig, COALESCE("title_fr", '')), 'A'))"""
        """ || setweight(to_tsvector('german'::regconfig, COALESCE("title_de", '')), 'A'))"""
        """ || setweight(to_tsvector('english'::regconfig, COALESCE("description_en", '')), 'B'))"""
        """ || setweight(to_tsvector('french'::regconfig, COALESCE("description_fr", '')), 'B'))"""
        """ || setweight(to_tsvector('german'::regconfig, COALESCE("description_de", '')), 'B'))"""
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
        ("partnerships", "0011_listing_and_filter_indexes"),
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

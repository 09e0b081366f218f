# The ecosystems' search vector stored in a generated column, as partnerships/0012 does for
# the larger tables: search then reads it instead of building and parsing nine texts a row.
# Fourteen rows need no index. PostgreSQL only; the expression is the one the queryset's
# vector() builds, which tests/partnerships/test_search_vectors.py checks.

from django.db import migrations

from core.migration_operations import OnPostgreSQL

VECTOR = (
    """((((((((setweight(to_tsvector('english'::regconfig, COALESCE("name_en", '')), 'A')"""
    """ || setweight(to_tsvector('french'::regconfig, COALESCE("name_fr", '')), 'A'))"""
    """ || setweight(to_tsvector('german'::regconfig, COALESCE("name_de", '')), 'A'))"""
    """ || setweight(to_tsvector('english'::regconfig, COALESCE("includes_en", '')), 'B'))"""
    """ || setweight(to_tsvector('french'::regconfig, COALESCE("includes_fr", '')), 'B'))"""
    """ || setweight(to_tsvector('german'::regconfig, COALESCE("includes_de", '')), 'B'))"""
    """ || setweight(to_tsvector('english'::regconfig, COALESCE("description_en", '')), 'C'))"""
    """ || setweight(to_tsvector('french'::regconfig, COALESCE("description_fr", '')), 'C'))"""
    """ || setweight(to_tsvector('german'::regconfig, COALESCE("description_de", '')), 'C'))"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("ecosystems", "0004_translated_texts"),
    ]

    operations = [
        OnPostgreSQL(
            migrations.RunSQL(
                "ALTER TABLE ecosystems_ecosystem ADD COLUMN search_vector tsvector "
                f"GENERATED ALWAYS AS ({VECTOR}) STORED",
                "ALTER TABLE ecosystems_ecosystem DROP COLUMN search_vector",
            )
        ),
    ]

# The alliances' search vector kept in a column, as partnerships/0012 keeps the larger tables':
# search then reads it instead of parsing six texts a row for every alliance a common word
# matches (at the benchmark's scale, "skills" matched 2,374 alliances: 65 ms a search). Their
# vector holds their ecosystem's name, from another table, which a generated column cannot
# read: triggers keep it instead, on the alliance's own writes and on its ecosystem's renaming.
# PostgreSQL only; the expression is the one the queryset's vector() builds, which
# tests/partnerships/test_search_vectors.py checks.

from django.db import migrations

from core.migration_operations import OnPostgreSQL

FORWARDS = [
    "ALTER TABLE alliances_alliance ADD COLUMN search_vector tsvector",
    """
    CREATE FUNCTION alliances_alliance_search_vector() RETURNS trigger AS $$
    DECLARE
        ecosystem ecosystems_ecosystem%ROWTYPE;
    BEGIN
        SELECT * INTO ecosystem FROM ecosystems_ecosystem WHERE id = NEW.ecosystem_id;
        NEW.search_vector :=
            setweight(to_tsvector('english'::regconfig, COALESCE(NEW.acronym, '')), 'A')
            || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.name, '')), 'A')
            || setweight(to_tsvector('english'::regconfig, COALESCE(ecosystem.name_en, '')), 'B')
            || setweight(to_tsvector('french'::regconfig, COALESCE(ecosystem.name_fr, '')), 'B')
            || setweight(to_tsvector('german'::regconfig, COALESCE(ecosystem.name_de, '')), 'B')
            || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.description, '')), 'B');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER alliances_alliance_search_vector
    BEFORE INSERT OR UPDATE ON alliances_alliance
    FOR EACH ROW EXECUTE FUNCTION alliances_alliance_search_vector()
    """,
    # An ecosystem renamed: its alliances are written again, and so given the new name.
    """
    CREATE FUNCTION alliances_ecosystem_renamed() RETURNS trigger AS $$
    BEGIN
        UPDATE alliances_alliance SET ecosystem_id = ecosystem_id WHERE ecosystem_id = NEW.id;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER alliances_ecosystem_renamed
    AFTER UPDATE OF name_en, name_fr, name_de ON ecosystems_ecosystem
    FOR EACH ROW
    WHEN (
        OLD.name_en IS DISTINCT FROM NEW.name_en
        OR OLD.name_fr IS DISTINCT FROM NEW.name_fr
        OR OLD.name_de IS DISTINCT FROM NEW.name_de
    )
    EXECUTE FUNCTION alliances_ecosystem_renamed()
    """,
    # The rows already there.
    "UPDATE alliances_alliance SET ecosystem_id = ecosystem_id",
    "CREATE INDEX alliances_alliance_search_vector ON alliances_alliance USING gin (search_vector)",
]
BACKWARDS = [
    "DROP TRIGGER alliances_ecosystem_renamed ON ecosystems_ecosystem",
    "DROP FUNCTION alliances_ecosystem_renamed()",
    "DROP TRIGGER alliances_alliance_search_vector ON alliances_alliance",
    "DROP FUNCTION alliances_alliance_search_vector()",
    "ALTER TABLE alliances_alliance DROP COLUMN search_vector",
]


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0005_publication_schedule"),
        ("ecosystems", "0005_stored_search_vector"),
    ]

    operations = [OnPostgreSQL(migrations.RunSQL(FORWARDS, BACKWARDS))]

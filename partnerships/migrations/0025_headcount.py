import django.db.models.deletion
from django.db import migrations, models

# Headcount counts, for each partnership, its memberships whose organisation is published,
# whatever the partnership's own status. A membership's triggers move one; an organisation
# entering or leaving "published" moves each of its partnerships by its memberships there. A
# deleted partnership's memberships go first (Django deletes them before it), each moving its
# own count; an organisation cannot be deleted while it has memberships (they protect it).
POSTGRESQL = [
    """
    CREATE FUNCTION partnerships_headcount_move(p bigint, delta integer)
    RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        -- Apart: the row a removal would insert (a negative count) fails the CHECK even
        -- where it conflicts.
        IF delta > 0 THEN
            INSERT INTO partnerships_headcount (partnership_id, members)
            VALUES (p, delta)
            ON CONFLICT (partnership_id)
            DO UPDATE SET members = partnerships_headcount.members + EXCLUDED.members;
        ELSIF delta < 0 THEN
            UPDATE partnerships_headcount SET members = members + delta
            WHERE partnership_id = p;
            DELETE FROM partnerships_headcount WHERE partnership_id = p AND members <= 0;
        END IF;
    END $$
    """,
    """
    CREATE FUNCTION partnerships_headcount_of_membership() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') AND EXISTS (
            SELECT 1 FROM partnerships_organisation
            WHERE id = OLD.organisation_id AND status = 'published'
        ) THEN
            PERFORM partnerships_headcount_move(OLD.partnership_id, -1);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
            SELECT 1 FROM partnerships_organisation
            WHERE id = NEW.organisation_id AND status = 'published'
        ) THEN
            PERFORM partnerships_headcount_move(NEW.partnership_id, 1);
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER partnerships_membership_headcount
    AFTER INSERT OR DELETE OR UPDATE OF partnership_id, organisation_id
    ON partnerships_membership FOR EACH ROW
    EXECUTE FUNCTION partnerships_headcount_of_membership()
    """,
    """
    CREATE FUNCTION partnerships_headcount_of_organisation() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE m record;
    BEGIN
        FOR m IN SELECT partnership_id, COUNT(*)::integer AS n FROM partnerships_membership
                 WHERE organisation_id = NEW.id GROUP BY partnership_id LOOP
            PERFORM partnerships_headcount_move(
                m.partnership_id, CASE WHEN NEW.status = 'published' THEN m.n ELSE -m.n END
            );
        END LOOP;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER partnerships_organisation_headcount
    AFTER UPDATE OF status ON partnerships_organisation FOR EACH ROW
    WHEN ((OLD.status = 'published') IS DISTINCT FROM (NEW.status = 'published'))
    EXECUTE FUNCTION partnerships_headcount_of_organisation()
    """,
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS partnerships_organisation_headcount ON partnerships_organisation",
    "DROP TRIGGER IF EXISTS partnerships_membership_headcount ON partnerships_membership",
    "DROP FUNCTION IF EXISTS partnerships_headcount_of_organisation()",
    "DROP FUNCTION IF EXISTS partnerships_headcount_of_membership()",
    "DROP FUNCTION IF EXISTS partnerships_headcount_move(bigint, integer)",
]

# SQLite has no functions: each trigger adds (the first statement) or removes (the second
# and third) one membership's count itself. A later migration that rebuilds the membership
# or organisation table on SQLite drops these triggers with it, and must put them back, as
# 0017 does for the presences'.
SQLITE_ADD = """
    INSERT INTO partnerships_headcount (partnership_id, members)
    SELECT {partnership}, 1 FROM partnerships_organisation
    WHERE id = {organisation} AND status = 'published'
    ON CONFLICT (partnership_id) DO UPDATE SET members = members + 1;
"""
SQLITE_REMOVE = """
    UPDATE partnerships_headcount SET members = members - 1
    WHERE partnership_id = {partnership} AND EXISTS (
        SELECT 1 FROM partnerships_organisation
        WHERE id = {organisation} AND status = 'published'
    );
    DELETE FROM partnerships_headcount WHERE members <= 0;
"""
SQLITE = [
    "CREATE TRIGGER partnerships_membership_headcount_insert AFTER INSERT "
    "ON partnerships_membership BEGIN "
    + SQLITE_ADD.format(partnership="NEW.partnership_id", organisation="NEW.organisation_id")
    + " END",
    "CREATE TRIGGER partnerships_membership_headcount_delete AFTER DELETE "
    "ON partnerships_membership BEGIN "
    + SQLITE_REMOVE.format(partnership="OLD.partnership_id", organisation="OLD.organisation_id")
    + " END",
    "CREATE TRIGGER partnerships_membership_headcount_update "
    "AFTER UPDATE OF partnership_id, organisation_id ON partnerships_membership BEGIN "
    + SQLITE_REMOVE.format(partnership="OLD.partnership_id", organisation="OLD.organisation_id")
    + SQLITE_ADD.format(partnership="NEW.partnership_id", organisation="NEW.organisation_id")
    + " END",
    # "WHERE true" lets SQLite parse the upsert after a grouped SELECT.
    "CREATE TRIGGER partnerships_organisation_headcount_published "
    "AFTER UPDATE OF status ON partnerships_organisation "
    "WHEN OLD.status IS NOT 'published' AND NEW.status = 'published' BEGIN "
    "INSERT INTO partnerships_headcount (partnership_id, members) "
    "SELECT partnership_id, n FROM (SELECT partnership_id, COUNT(*) AS n "
    "FROM partnerships_membership WHERE organisation_id = NEW.id GROUP BY partnership_id) "
    "WHERE true "
    "ON CONFLICT (partnership_id) DO UPDATE SET members = members + excluded.members; END",
    "CREATE TRIGGER partnerships_organisation_headcount_withdrawn "
    "AFTER UPDATE OF status ON partnerships_organisation "
    "WHEN OLD.status = 'published' AND NEW.status IS NOT 'published' BEGIN "
    "UPDATE partnerships_headcount SET members = members - ("
    "SELECT COUNT(*) FROM partnerships_membership "
    "WHERE organisation_id = NEW.id "
    "AND partnership_id = partnerships_headcount.partnership_id) "
    "WHERE partnership_id IN ("
    "SELECT partnership_id FROM partnerships_membership WHERE organisation_id = NEW.id); "
    "DELETE FROM partnerships_headcount WHERE members <= 0; END",
]

SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "partnerships_membership_headcount_insert",
        "partnerships_membership_headcount_delete",
        "partnerships_membership_headcount_update",
        "partnerships_organisation_headcount_published",
        "partnerships_organisation_headcount_withdrawn",
    )
]

# The counts of the memberships already there.
FILL = """
    INSERT INTO partnerships_headcount (partnership_id, members)
    SELECT m.partnership_id, COUNT(*)
    FROM partnerships_membership m
    JOIN partnerships_organisation o ON o.id = m.organisation_id
    WHERE o.status = 'published'
    GROUP BY m.partnership_id
"""


def keep_headcounts(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in [*statements, FILL]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL_REVERSE if postgresql else SQLITE_REVERSE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0024_engagement_of_published_organisations"),
    ]

    operations = [
        migrations.CreateModel(
            name="Headcount",
            fields=[
                (
                    "partnership",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="headcount",
                        serialize=False,
                        to="partnerships.partnership",
                    ),
                ),
                (
                    "members",
                    models.PositiveIntegerField(verbose_name="published member organisations"),
                ),
            ],
            options={
                "verbose_name": "headcount",
                "verbose_name_plural": "headcounts",
            },
        ),
        migrations.RunPython(keep_headcounts, drop_triggers),
    ]

import django.db.models.deletion
from django.db import migrations, models

# Engagement counts, for each organisation, the memberships it holds in published partnerships.
# A membership counts while its partnership is published: the membership's triggers move
# one, and a partnership entering or leaving "published" moves all of its members at once.
# A deleted partnership's memberships go first (Django deletes them before it), each moving
# its own count while the partnership is still published.
POSTGRESQL = [
    """
    CREATE FUNCTION partnerships_engagement_move(o bigint, delta integer)
    RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        -- Apart: the row a removal would insert (a negative count) fails the CHECK even
        -- where it conflicts.
        IF delta > 0 THEN
            INSERT INTO partnerships_engagement (organisation_id, partnerships)
            VALUES (o, delta)
            ON CONFLICT (organisation_id)
            DO UPDATE SET partnerships = partnerships_engagement.partnerships
                                         + EXCLUDED.partnerships;
        ELSIF delta < 0 THEN
            UPDATE partnerships_engagement SET partnerships = partnerships + delta
            WHERE organisation_id = o;
            DELETE FROM partnerships_engagement
            WHERE organisation_id = o AND partnerships <= 0;
        END IF;
    END $$
    """,
    """
    CREATE FUNCTION partnerships_engagement_of_membership() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') AND EXISTS (
            SELECT 1 FROM partnerships_partnership
            WHERE id = OLD.partnership_id AND status = 'published'
        ) THEN
            PERFORM partnerships_engagement_move(OLD.organisation_id, -1);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
            SELECT 1 FROM partnerships_partnership
            WHERE id = NEW.partnership_id AND status = 'published'
        ) THEN
            PERFORM partnerships_engagement_move(NEW.organisation_id, 1);
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER partnerships_membership_engagement
    AFTER INSERT OR DELETE OR UPDATE OF partnership_id, organisation_id
    ON partnerships_membership FOR EACH ROW
    EXECUTE FUNCTION partnerships_engagement_of_membership()
    """,
    """
    CREATE FUNCTION partnerships_engagement_of_partnership() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE m record;
    BEGIN
        FOR m IN SELECT organisation_id, COUNT(*)::integer AS n FROM partnerships_membership
                 WHERE partnership_id = NEW.id GROUP BY organisation_id LOOP
            PERFORM partnerships_engagement_move(
                m.organisation_id, CASE WHEN NEW.status = 'published' THEN m.n ELSE -m.n END
            );
        END LOOP;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER partnerships_partnership_engagement
    AFTER UPDATE OF status ON partnerships_partnership FOR EACH ROW
    WHEN ((OLD.status = 'published') IS DISTINCT FROM (NEW.status = 'published'))
    EXECUTE FUNCTION partnerships_engagement_of_partnership()
    """,
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS partnerships_partnership_engagement ON partnerships_partnership",
    "DROP TRIGGER IF EXISTS partnerships_membership_engagement ON partnerships_membership",
    "DROP FUNCTION IF EXISTS partnerships_engagement_of_partnership()",
    "DROP FUNCTION IF EXISTS partnerships_engagement_of_membership()",
    "DROP FUNCTION IF EXISTS partnerships_engagement_move(bigint, integer)",
]

# SQLite has no functions: each trigger adds (the first statement) or removes (the second
# and third) one membership's count itself. A later migration that rebuilds the membership
# or partnership table on SQLite drops these triggers with it, and must put them back, as
# 0017 does for the presences'.
SQLITE_ADD = """
    INSERT INTO partnerships_engagement (organisation_id, partnerships)
    SELECT {organisation}, 1 FROM partnerships_partnership
    WHERE id = {partnership} AND status = 'published'
    ON CONFLICT (organisation_id) DO UPDATE SET partnerships = partnerships + 1;
"""
SQLITE_REMOVE = """
    UPDATE partnerships_engagement SET partnerships = partnerships - 1
    WHERE organisation_id = {organisation} AND EXISTS (
        SELECT 1 FROM partnerships_partnership
        WHERE id = {partnership} AND status = 'published'
    );
    DELETE FROM partnerships_engagement WHERE partnerships <= 0;
"""
SQLITE = [
    "CREATE TRIGGER partnerships_membership_engagement_insert AFTER INSERT "
    "ON partnerships_membership BEGIN "
    + SQLITE_ADD.format(partnership="NEW.partnership_id", organisation="NEW.organisation_id")
    + " END",
    "CREATE TRIGGER partnerships_membership_engagement_delete AFTER DELETE "
    "ON partnerships_membership BEGIN "
    + SQLITE_REMOVE.format(partnership="OLD.partnership_id", organisation="OLD.organisation_id")
    + " END",
    "CREATE TRIGGER partnerships_membership_engagement_update "
    "AFTER UPDATE OF partnership_id, organisation_id ON partnerships_membership BEGIN "
    + SQLITE_REMOVE.format(partnership="OLD.partnership_id", organisation="OLD.organisation_id")
    + SQLITE_ADD.format(partnership="NEW.partnership_id", organisation="NEW.organisation_id")
    + " END",
    # "WHERE true" lets SQLite parse the upsert after a grouped SELECT.
    "CREATE TRIGGER partnerships_partnership_engagement_published "
    "AFTER UPDATE OF status ON partnerships_partnership "
    "WHEN OLD.status IS NOT 'published' AND NEW.status = 'published' BEGIN "
    "INSERT INTO partnerships_engagement (organisation_id, partnerships) "
    "SELECT organisation_id, n FROM (SELECT organisation_id, COUNT(*) AS n "
    "FROM partnerships_membership WHERE partnership_id = NEW.id GROUP BY organisation_id) "
    "WHERE true "
    "ON CONFLICT (organisation_id) DO UPDATE SET partnerships = partnerships + excluded.partnerships;"
    " END",
    "CREATE TRIGGER partnerships_partnership_engagement_withdrawn "
    "AFTER UPDATE OF status ON partnerships_partnership "
    "WHEN OLD.status = 'published' AND NEW.status IS NOT 'published' BEGIN "
    "UPDATE partnerships_engagement SET partnerships = partnerships - ("
    "SELECT COUNT(*) FROM partnerships_membership "
    "WHERE partnership_id = NEW.id "
    "AND organisation_id = partnerships_engagement.organisation_id) "
    "WHERE organisation_id IN ("
    "SELECT organisation_id FROM partnerships_membership WHERE partnership_id = NEW.id); "
    "DELETE FROM partnerships_engagement WHERE partnerships <= 0; END",
]

SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "partnerships_membership_engagement_insert",
        "partnerships_membership_engagement_delete",
        "partnerships_membership_engagement_update",
        "partnerships_partnership_engagement_published",
        "partnerships_partnership_engagement_withdrawn",
    )
]

# The counts of the memberships already there.
FILL = """
    INSERT INTO partnerships_engagement (organisation_id, partnerships)
    SELECT m.organisation_id, COUNT(*)
    FROM partnerships_membership m
    JOIN partnerships_partnership p ON p.id = m.partnership_id
    WHERE p.status = 'published'
    GROUP BY m.organisation_id
"""


def keep_engagements(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in [*statements, FILL]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL_REVERSE if postgresql else SQLITE_REVERSE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0022_publication_schedule"),
    ]

    operations = [
        migrations.CreateModel(
            name="Engagement",
            fields=[
                (
                    "organisation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="engagement",
                        serialize=False,
                        to="partnerships.organisation",
                    ),
                ),
                (
                    "partnerships",
                    models.PositiveIntegerField(
                        verbose_name="published partnerships it is a member of"
                    ),
                ),
            ],
            options={
                "verbose_name": "engagement",
                "verbose_name_plural": "engagements",
            },
        ),
        migrations.RunPython(keep_engagements, drop_triggers),
    ]

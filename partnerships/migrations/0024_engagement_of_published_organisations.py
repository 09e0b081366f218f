import importlib

from django.db import migrations

# Engagement now keeps a row only for a published organisation, so the home page counts the
# published members of published partnerships from this table alone (at factor 100, 54,000
# rows in 8 ms) instead of joining it with every organisation (45 to 70 ms). A membership
# counts while its partnership and its organisation are both published; an organisation
# entering "published" gets its row counted from its memberships, one leaving loses it.
EARLIER = importlib.import_module("partnerships.migrations.0023_engagement")

# An organisation whose status crosses "published": its row goes, and comes back counted
# from its memberships of published partnerships if it is now published. The same
# statements in both dialects.
RECOUNTED = """
    DELETE FROM partnerships_engagement WHERE organisation_id = NEW.id;
    INSERT INTO partnerships_engagement (organisation_id, partnerships)
    SELECT NEW.id, COUNT(*) FROM partnerships_membership ms
    JOIN partnerships_partnership p ON p.id = ms.partnership_id
    WHERE NEW.status = 'published' AND ms.organisation_id = NEW.id
    AND p.status = 'published'
    HAVING COUNT(*) > 0;
"""

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION partnerships_engagement_of_membership() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- A removal needs no check of the organisation: one not published has no row.
        IF TG_OP IN ('DELETE', 'UPDATE') AND EXISTS (
            SELECT 1 FROM partnerships_partnership
            WHERE id = OLD.partnership_id AND status = 'published'
        ) THEN
            PERFORM partnerships_engagement_move(OLD.organisation_id, -1);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
            SELECT 1 FROM partnerships_partnership
            WHERE id = NEW.partnership_id AND status = 'published'
        ) AND EXISTS (
            SELECT 1 FROM partnerships_organisation
            WHERE id = NEW.organisation_id AND status = 'published'
        ) THEN
            PERFORM partnerships_engagement_move(NEW.organisation_id, 1);
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION partnerships_engagement_of_partnership() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE m record;
    BEGIN
        FOR m IN SELECT ms.organisation_id, COUNT(*)::integer AS n
                 FROM partnerships_membership ms
                 JOIN partnerships_organisation o ON o.id = ms.organisation_id
                 WHERE ms.partnership_id = NEW.id AND o.status = 'published'
                 GROUP BY ms.organisation_id LOOP
            PERFORM partnerships_engagement_move(
                m.organisation_id, CASE WHEN NEW.status = 'published' THEN m.n ELSE -m.n END
            );
        END LOOP;
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE FUNCTION partnerships_engagement_of_organisation() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        {RECOUNTED}
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER partnerships_organisation_engagement
    AFTER UPDATE OF status ON partnerships_organisation FOR EACH ROW
    WHEN ((OLD.status = 'published') IS DISTINCT FROM (NEW.status = 'published'))
    EXECUTE FUNCTION partnerships_engagement_of_organisation()
    """,
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS partnerships_organisation_engagement ON partnerships_organisation",
    "DROP FUNCTION IF EXISTS partnerships_engagement_of_organisation()",
    *[
        statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
        for statement in EARLIER.POSTGRESQL
        if "CREATE FUNCTION partnerships_engagement_of_" in statement
    ],
]

# SQLite's triggers, as 0023's with the organisation's status asked where a count grows. A
# later migration that rebuilds the membership, partnership or organisation table on SQLite
# drops them with it, and must put them back.
SQLITE_ADD = """
    INSERT INTO partnerships_engagement (organisation_id, partnerships)
    SELECT {organisation}, 1 FROM partnerships_partnership
    WHERE id = {partnership} AND status = 'published' AND EXISTS (
        SELECT 1 FROM partnerships_organisation
        WHERE id = {organisation} AND status = 'published'
    )
    ON CONFLICT (organisation_id) DO UPDATE SET partnerships = partnerships + 1;
"""
SQLITE = [
    "CREATE TRIGGER partnerships_membership_engagement_insert AFTER INSERT "
    "ON partnerships_membership BEGIN "
    + SQLITE_ADD.format(partnership="NEW.partnership_id", organisation="NEW.organisation_id")
    + " END",
    # A removal needs no check of the organisation: one not published has no row.
    EARLIER.SQLITE[1],
    "CREATE TRIGGER partnerships_membership_engagement_update "
    "AFTER UPDATE OF partnership_id, organisation_id ON partnerships_membership BEGIN "
    + EARLIER.SQLITE_REMOVE.format(
        partnership="OLD.partnership_id", organisation="OLD.organisation_id"
    )
    + SQLITE_ADD.format(partnership="NEW.partnership_id", organisation="NEW.organisation_id")
    + " END",
    # "WHERE true" lets SQLite parse the upsert after a grouped SELECT.
    "CREATE TRIGGER partnerships_partnership_engagement_published "
    "AFTER UPDATE OF status ON partnerships_partnership "
    "WHEN OLD.status IS NOT 'published' AND NEW.status = 'published' BEGIN "
    "INSERT INTO partnerships_engagement (organisation_id, partnerships) "
    "SELECT organisation_id, n FROM (SELECT ms.organisation_id, COUNT(*) AS n "
    "FROM partnerships_membership ms JOIN partnerships_organisation o "
    "ON o.id = ms.organisation_id "
    "WHERE ms.partnership_id = NEW.id AND o.status = 'published' "
    "GROUP BY ms.organisation_id) "
    "WHERE true "
    "ON CONFLICT (organisation_id) DO UPDATE SET partnerships = partnerships + excluded.partnerships;"
    " END",
    EARLIER.SQLITE[4],
    "CREATE TRIGGER partnerships_organisation_engagement "
    "AFTER UPDATE OF status ON partnerships_organisation "
    "WHEN (OLD.status = 'published') IS NOT (NEW.status = 'published') BEGIN " + RECOUNTED + " END",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS partnerships_organisation_engagement",
    *EARLIER.SQLITE_REVERSE,
]

UNPUBLISHED = """
    DELETE FROM partnerships_engagement WHERE organisation_id IN (
        SELECT id FROM partnerships_organisation WHERE status <> 'published'
    )
"""


def keep_published(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = POSTGRESQL
    else:
        statements = [*EARLIER.SQLITE_REVERSE, *SQLITE]
    for statement in [*statements, UNPUBLISHED]:
        schema_editor.execute(statement)


def keep_all(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = POSTGRESQL_REVERSE
    else:
        statements = [*SQLITE_REVERSE, *EARLIER.SQLITE]
    for statement in [*statements, "DELETE FROM partnerships_engagement", EARLIER.FILL]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0023_engagement"),
    ]

    operations = [
        migrations.RunPython(keep_published, keep_all),
    ]

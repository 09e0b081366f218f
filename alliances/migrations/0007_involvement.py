import django.db.models.deletion
from django.db import migrations, models

# Involvement counts, for each organisation and ecosystem, its memberships in the ecosystem's
# published large-scale partnerships and its places in the ecosystem's published alliances.
# A member's triggers move one; a partnership or alliance that starts or stops counting, or
# changes ecosystem, moves each of its members. A deleted partnership's or alliance's members
# go first (Django deletes them before it), each moving its own count; an organisation cannot
# be deleted while it is a member (its memberships protect it). An organisation is a member
# of a partnership or alliance once at most (their unique constraints), so each member moves
# a count by one.

# Each kind of group: its name here, its members' table and their column naming it, its own
# table, the columns that decide whether it counts, and that condition for its row ``{row}``.
GROUPS = [
    (
        "partnership",
        "partnerships_membership",
        "partnership_id",
        "partnerships_partnership",
        "status, kind, ecosystem_id",
        "{row}.status = 'published' AND {row}.kind = 'large-scale' "
        "AND {row}.ecosystem_id IS NOT NULL",
    ),
    (
        "alliance",
        "alliances_alliancemember",
        "alliance_id",
        "alliances_alliance",
        "status, ecosystem_id",
        "{row}.status = 'published' AND {row}.ecosystem_id IS NOT NULL",
    ),
]

POSTGRESQL_MOVE = """
    CREATE FUNCTION alliances_involvement_move(o bigint, e bigint, delta integer)
    RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        -- Apart: the row a removal would insert (a negative count) fails the CHECK even
        -- where it conflicts.
        IF delta > 0 THEN
            INSERT INTO alliances_involvement (organisation_id, ecosystem_id, memberships)
            VALUES (o, e, delta)
            ON CONFLICT (organisation_id, ecosystem_id)
            DO UPDATE SET memberships = alliances_involvement.memberships
                                        + EXCLUDED.memberships;
        ELSIF delta < 0 THEN
            UPDATE alliances_involvement SET memberships = memberships + delta
            WHERE organisation_id = o AND ecosystem_id = e;
            DELETE FROM alliances_involvement
            WHERE organisation_id = o AND ecosystem_id = e AND memberships <= 0;
        END IF;
    END $$
"""


def postgresql(group, members, column, table, columns, counts):
    """The PostgreSQL functions and triggers that keep one kind of group's counts."""
    old, new = counts.format(row="OLD"), counts.format(row="NEW")
    return [
        f"""
        CREATE FUNCTION alliances_involvement_of_{group}_member() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                PERFORM alliances_involvement_move(OLD.organisation_id, g.ecosystem_id, -1)
                FROM {table} g WHERE g.id = OLD.{column} AND {counts.format(row="g")};
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                PERFORM alliances_involvement_move(NEW.organisation_id, g.ecosystem_id, 1)
                FROM {table} g WHERE g.id = NEW.{column} AND {counts.format(row="g")};
            END IF;
            RETURN NULL;
        END $$
        """,
        f"""
        CREATE TRIGGER alliances_{group}_member_involvement
        AFTER INSERT OR DELETE OR UPDATE OF {column}, organisation_id
        ON {members} FOR EACH ROW
        EXECUTE FUNCTION alliances_involvement_of_{group}_member()
        """,
        f"""
        CREATE FUNCTION alliances_involvement_of_{group}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF {old} THEN
                UPDATE alliances_involvement i SET memberships = i.memberships - 1
                FROM {members} m
                WHERE m.{column} = NEW.id AND i.organisation_id = m.organisation_id
                AND i.ecosystem_id = OLD.ecosystem_id;
                DELETE FROM alliances_involvement
                WHERE ecosystem_id = OLD.ecosystem_id AND memberships <= 0;
            END IF;
            IF {new} THEN
                INSERT INTO alliances_involvement (organisation_id, ecosystem_id, memberships)
                SELECT organisation_id, NEW.ecosystem_id, 1 FROM {members}
                WHERE {column} = NEW.id
                ON CONFLICT (organisation_id, ecosystem_id)
                DO UPDATE SET memberships = alliances_involvement.memberships + 1;
            END IF;
            RETURN NULL;
        END $$
        """,
        f"""
        CREATE TRIGGER alliances_{group}_involvement
        AFTER UPDATE OF {columns} ON {table} FOR EACH ROW
        WHEN (({old}) IS DISTINCT FROM ({new})
              OR OLD.ecosystem_id IS DISTINCT FROM NEW.ecosystem_id)
        EXECUTE FUNCTION alliances_involvement_of_{group}()
        """,
    ]


def postgresql_reverse(group, members, column, table, columns, counts):
    return [
        f"DROP TRIGGER IF EXISTS alliances_{group}_involvement ON {table}",
        f"DROP TRIGGER IF EXISTS alliances_{group}_member_involvement ON {members}",
        f"DROP FUNCTION IF EXISTS alliances_involvement_of_{group}()",
        f"DROP FUNCTION IF EXISTS alliances_involvement_of_{group}_member()",
    ]


# SQLite has no functions: each trigger moves the counts itself. A later migration that
# rebuilds one of these four tables on SQLite drops its triggers with it, and must put them
# back, as partnerships' 0017 does for the presences'.
def sqlite(group, members, column, table, columns, counts):
    """The SQLite triggers that keep one kind of group's counts."""
    old, new = counts.format(row="OLD"), counts.format(row="NEW")
    add = f"""
        INSERT INTO alliances_involvement (organisation_id, ecosystem_id, memberships)
        SELECT {{organisation}}, g.ecosystem_id, 1 FROM {table} g
        WHERE g.id = {{group}} AND {counts.format(row="g")}
        ON CONFLICT (organisation_id, ecosystem_id) DO UPDATE SET memberships = memberships + 1;
    """
    remove = f"""
        UPDATE alliances_involvement SET memberships = memberships - 1
        WHERE organisation_id = {{organisation}} AND ecosystem_id = (
            SELECT g.ecosystem_id FROM {table} g
            WHERE g.id = {{group}} AND {counts.format(row="g")}
        );
        DELETE FROM alliances_involvement
        WHERE organisation_id = {{organisation}} AND memberships <= 0;
    """
    new_member = {"organisation": "NEW.organisation_id", "group": f"NEW.{column}"}
    old_member = {"organisation": "OLD.organisation_id", "group": f"OLD.{column}"}
    same = "NEW.ecosystem_id IS OLD.ecosystem_id"
    return [
        f"CREATE TRIGGER alliances_{group}_member_involvement_insert AFTER INSERT "
        f"ON {members} BEGIN {add.format(**new_member)} END",
        f"CREATE TRIGGER alliances_{group}_member_involvement_delete AFTER DELETE "
        f"ON {members} BEGIN {remove.format(**old_member)} END",
        f"CREATE TRIGGER alliances_{group}_member_involvement_update "
        f"AFTER UPDATE OF {column}, organisation_id ON {members} BEGIN "
        f"{remove.format(**old_member)} {add.format(**new_member)} END",
        f"CREATE TRIGGER alliances_{group}_involvement_stopped "
        f"AFTER UPDATE OF {columns} ON {table} "
        f"WHEN ({old}) AND NOT ({new} AND {same}) BEGIN "
        "UPDATE alliances_involvement SET memberships = memberships - 1 "
        "WHERE ecosystem_id = OLD.ecosystem_id AND organisation_id IN ("
        f"SELECT organisation_id FROM {members} WHERE {column} = NEW.id); "
        "DELETE FROM alliances_involvement "
        "WHERE ecosystem_id = OLD.ecosystem_id AND memberships <= 0; END",
        f"CREATE TRIGGER alliances_{group}_involvement_started "
        f"AFTER UPDATE OF {columns} ON {table} "
        f"WHEN ({new}) AND NOT ({old} AND {same}) BEGIN "
        "INSERT INTO alliances_involvement (organisation_id, ecosystem_id, memberships) "
        f"SELECT organisation_id, NEW.ecosystem_id, 1 FROM {members} WHERE {column} = NEW.id "
        "ON CONFLICT (organisation_id, ecosystem_id) DO UPDATE SET memberships = memberships + 1;"
        " END",
    ]


def sqlite_reverse(group, members, column, table, columns, counts):
    return [
        f"DROP TRIGGER IF EXISTS alliances_{group}_{name}"
        for name in (
            "member_involvement_insert",
            "member_involvement_delete",
            "member_involvement_update",
            "involvement_stopped",
            "involvement_started",
        )
    ]


# The counts of the members already there.
FILL = """
    INSERT INTO alliances_involvement (organisation_id, ecosystem_id, memberships)
    SELECT organisation_id, ecosystem_id, COUNT(*) FROM (
        SELECT m.organisation_id, p.ecosystem_id
        FROM partnerships_membership m JOIN partnerships_partnership p ON p.id = m.partnership_id
        WHERE {partnerships}
        UNION ALL
        SELECT m.organisation_id, a.ecosystem_id
        FROM alliances_alliancemember m JOIN alliances_alliance a ON a.id = m.alliance_id
        WHERE {alliances}
    ) AS members
    GROUP BY organisation_id, ecosystem_id
""".format(partnerships=GROUPS[0][5].format(row="p"), alliances=GROUPS[1][5].format(row="a"))


def keep_involvements(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = [POSTGRESQL_MOVE, *(s for g in GROUPS for s in postgresql(*g))]
    else:
        statements = [s for g in GROUPS for s in sqlite(*g)]
    for statement in [*statements, FILL]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = [s for g in GROUPS for s in postgresql_reverse(*g)]
        statements.append(
            "DROP FUNCTION IF EXISTS alliances_involvement_move(bigint, bigint, integer)"
        )
    else:
        statements = [s for g in GROUPS for s in sqlite_reverse(*g)]
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0006_stored_search_vector"),
        ("ecosystems", "0005_stored_search_vector"),
        ("partnerships", "0025_headcount"),
    ]

    operations = [
        migrations.CreateModel(
            name="Involvement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "memberships",
                    models.PositiveIntegerField(
                        verbose_name="memberships in its published large-scale partnerships and alliances"
                    ),
                ),
                (
                    "ecosystem",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ecosystems.ecosystem",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="involvements",
                        to="partnerships.organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "involvement",
                "verbose_name_plural": "involvements",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organisation", "ecosystem"), name="alliances_involvement_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(keep_involvements, drop_triggers),
    ]

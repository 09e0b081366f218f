"""Keep "a large-scale partnership belongs to exactly one ecosystem" true in the database.

The ecosystem foreign key and its check constraint cover the "exactly one"; what a check
constraint cannot see is the many-to-many table of linked ecosystems, which only regional
partnerships may use. These PostgreSQL triggers refuse a link row for a large-scale
partnership, and refuse turning a partnership that has links into a large-scale one.
SQLite (the quick start only) relies on model and form validation instead.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION partnerships_linked_ecosystem_is_regional() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM partnerships_partnership
               WHERE id = NEW.partnership_id AND kind <> 'regional') THEN
        RAISE EXCEPTION 'only a regional partnership can have linked ecosystems'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER partnerships_linked_ecosystem_is_regional
    BEFORE INSERT OR UPDATE ON partnerships_partnership_linked_ecosystems
    FOR EACH ROW EXECUTE FUNCTION partnerships_linked_ecosystem_is_regional();

CREATE FUNCTION partnerships_large_scale_has_no_links() RETURNS trigger AS $$
BEGIN
    IF NEW.kind <> 'regional' AND EXISTS (
        SELECT 1 FROM partnerships_partnership_linked_ecosystems WHERE partnership_id = NEW.id
    ) THEN
        RAISE EXCEPTION 'a large-scale partnership cannot keep linked ecosystems'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER partnerships_large_scale_has_no_links
    BEFORE UPDATE OF kind ON partnerships_partnership
    FOR EACH ROW EXECUTE FUNCTION partnerships_large_scale_has_no_links();
"""

DROP = """
DROP TRIGGER IF EXISTS partnerships_large_scale_has_no_links ON partnerships_partnership;
DROP FUNCTION IF EXISTS partnerships_large_scale_has_no_links();
DROP TRIGGER IF EXISTS partnerships_linked_ecosystem_is_regional
    ON partnerships_partnership_linked_ecosystems;
DROP FUNCTION IF EXISTS partnerships_linked_ecosystem_is_regional();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0002_load_countries")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]

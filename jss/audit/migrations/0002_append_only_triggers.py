"""The database itself refuses to change audit events.

PostgreSQL refuses UPDATE and DELETE; SQLite refuses UPDATE. Deleting on SQLite, and TRUNCATE on
PostgreSQL (which only the table owner may run), stay possible so the test suite can empty its database;
the hash chain and its head row reveal any such removal (see `jss.audit.services.verify_chain`).
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION audit_accessevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accessevent_no_change BEFORE UPDATE OR DELETE ON audit_accessevent
    FOR EACH ROW EXECUTE FUNCTION audit_accessevent_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS audit_accessevent_no_change ON audit_accessevent;
DROP FUNCTION IF EXISTS audit_accessevent_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER audit_accessevent_no_update BEFORE UPDATE ON audit_accessevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_accessevent_no_update;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

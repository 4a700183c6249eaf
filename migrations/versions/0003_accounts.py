"""accounts: the database itself refuses to rewrite the audit log

The ORM already refuses to update or delete AuditEvent rows; these triggers refuse it for raw SQL too.
PostgreSQL (production) refuses UPDATE and DELETE; TRUNCATE stays possible for maintenance and tests.
SQLite refuses UPDATE; its DELETE stays open because the test-suite empties tables with DELETE.

Revision ID: 0003_accounts
Revises: 0002_partnerships
Create Date: 2026-11-28 01:15:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003_accounts'
down_revision = '0002_partnerships'
branch_labels = None
depends_on = None

PG_UP = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events;
DROP FUNCTION IF EXISTS audit_events_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_events_append_only;"


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_UP)
    elif dialect == "sqlite":
        op.execute(SQLITE_UP)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_DOWN)
    elif dialect == "sqlite":
        op.execute(SQLITE_DOWN)

"""An index on the audit log by table and id, so the newest change of a table is one index
probe (gis.storage.audit.newest_change): search rereads its names as soon as a name, road,
unit or compound changes, checking on every query.

Revision ID: 0015_audit_table_newest
Revises: 0001
"""

from alembic import op

revision = "0015_audit_table_newest"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_table_newest", "audit_log", ["table_name", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_table_newest", "audit_log")

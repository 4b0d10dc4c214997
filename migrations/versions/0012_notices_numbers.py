"""Document numbers (文号) of a naming application's public notice (公示) and
announcement (公告), given when each is issued (placenames.document_numbers).

Revision ID: 0012_notices_numbers
Revises: 0007b_attachments
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_notices_numbers"
down_revision = "0007b_attachments"
branch_labels = None
depends_on = None

COLUMNS = ("notice_number", "announcement_number")


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column("naming_applications", sa.Column(column, sa.String(60)))
        op.create_index(f"ix_naming_applications_{column}", "naming_applications", [column], unique=True)


def downgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f"ix_naming_applications_{column}", "naming_applications")
        op.drop_column("naming_applications", column)

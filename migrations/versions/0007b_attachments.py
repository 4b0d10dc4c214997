"""Files filed with naming applications (assessment, expert opinion and public
consultation reports, other documents), content in the database with its SHA-256.

Revision ID: 0007b_attachments
Revises: 0007_names_unique
"""

import sqlalchemy as sa
from alembic import op

from gis.storage import ddl
from gis.storage.coltypes import UTCDateTime

revision = "0007b_attachments"
down_revision = "0007_names_unique"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "naming_attachments",
        *ddl.registered_columns(
            sa.Column(
                "application_id",
                sa.Integer,
                sa.ForeignKey("naming_applications.id", name="fk_naming_attachments_application_id_naming_applications"),
                nullable=False,
            ),
            sa.Column("kind", sa.String(32), nullable=False),
            sa.Column("filename", sa.String(200), nullable=False),
            sa.Column("media_type", sa.String(100), nullable=False),
            sa.Column("size_bytes", sa.Integer, nullable=False),
            sa.Column("sha256", sa.String(64), nullable=False),
            sa.Column("note", sa.Text),
            sa.Column("uploaded_by", sa.String(64), nullable=False),
            sa.Column("uploaded_at", UTCDateTime(), nullable=False),
            sa.Column("content", sa.LargeBinary, nullable=False),
        ),
    )
    op.create_index("ix_naming_attachments_application_id", "naming_attachments", ["application_id"])


def downgrade() -> None:
    op.drop_table("naming_attachments")

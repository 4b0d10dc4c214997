"""Server-side web sessions, so signing out (or disabling a user) revokes a cookie.

Revision ID: 0010_web_sessions
Revises: 0002_accounts
"""

import sqlalchemy as sa
from alembic import op

from gis.storage import ddl
from gis.storage.coltypes import UTCDateTime

revision = "0010_web_sessions"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        *ddl.registered_columns(
            sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name="fk_web_sessions_user_id_users"), nullable=False),
            sa.Column("session_hash", sa.String(64), nullable=False),
            sa.Column("client_addr", sa.String(64)),
            sa.Column("expires_at", UTCDateTime(), nullable=False),
            sa.Column("revoked", sa.Boolean, nullable=False),
            constraints=[sa.UniqueConstraint("session_hash", name="uq_web_sessions_session_hash")],
        ),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_table("web_sessions")

"""Accounts: users and API tokens.

Revision ID: 0002_accounts
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from gis.storage import ddl
from gis.storage.coltypes import UTCDateTime

revision = "0002_accounts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        *ddl.registered_columns(
            sa.Column("username", sa.String(64), nullable=False),
            sa.Column("display_name", sa.String(100)),
            sa.Column("password_hash", sa.String(200)),
            sa.Column("roles", sa.String(200), nullable=False),
            sa.Column("disabled", sa.Boolean, nullable=False),
            constraints=[sa.UniqueConstraint("username", name="uq_users_username")],
        ),
    )
    op.create_table(
        "api_tokens",
        *ddl.registered_columns(
            sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name="fk_api_tokens_user_id_users"), nullable=False),
            sa.Column("token_hash", sa.String(64), nullable=False),
            sa.Column("label", sa.String(100)),
            sa.Column("expires_at", UTCDateTime(), nullable=False),
            sa.Column("revoked", sa.Boolean, nullable=False),
            constraints=[sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash")],
        ),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])


def downgrade() -> None:
    op.drop_table("api_tokens")
    op.drop_table("users")

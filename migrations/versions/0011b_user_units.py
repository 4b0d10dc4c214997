"""Users belong to an organisation: ``users.unit_code`` (who may sign for which party).

Revision ID: 0011b_user_units
Revises: 0010_web_sessions
"""

import sqlalchemy as sa
from alembic import op

revision = "0011b_user_units"
down_revision = "0010_web_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("unit_code", sa.String(20)))


def downgrade() -> None:
    op.drop_column("users", "unit_code")

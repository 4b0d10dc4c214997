"""地名代码 (20-digit census place-name codes): unique per name, and the serial counter
per prefix that keeps a code from ever being given twice (placenames.name_codes).

Revision ID: 0013_census16_name_codes
Revises: 0012_notices_numbers
"""

import sqlalchemy as sa
from alembic import op

from gis.storage import ddl

revision = "0013_census16_name_codes"
down_revision = "0012_notices_numbers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("uq_place_names_name_code", "place_names", ["name_code"], unique=True)
    op.create_table(
        "name_code_serials",
        *ddl.registered_columns(
            sa.Column("prefix", sa.String(14), nullable=False),
            sa.Column("last_serial", sa.Integer, nullable=False),
        ),
    )
    op.create_index("ix_name_code_serials_prefix", "name_code_serials", ["prefix"], unique=True)


def downgrade() -> None:
    op.drop_table("name_code_serials")
    op.drop_index("uq_place_names_name_code", "place_names")

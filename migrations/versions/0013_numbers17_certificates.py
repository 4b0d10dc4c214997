"""Issued address certificates (门牌证 and 地址证明) with their certificate numbers
(placenames.numbering.certificates).

Revision ID: 0013_numbers17_certificates
Revises: 0009b_one_main_plate
"""

import sqlalchemy as sa
from alembic import op

from gis.storage import ddl

revision = "0013_numbers17_certificates"
down_revision = "0009b_one_main_plate"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "address_certificates",
        *ddl.registered_columns(
            sa.Column(
                "door_plate_id",
                sa.Integer,
                sa.ForeignKey("door_plates.id", name="fk_address_certificates_door_plate_id_door_plates"),
                nullable=False,
            ),
            sa.Column("kind", sa.String(8), nullable=False),
            sa.Column("number", sa.String(40), nullable=False),
            sa.Column("year", sa.Integer, nullable=False),
            sa.Column("serial", sa.Integer, nullable=False),
            sa.Column("address_text", sa.String(300), nullable=False),
            sa.Column("issued_on", sa.Date, nullable=False),
            constraints=[
                sa.UniqueConstraint("number", name="uq_address_certificates_number"),
                sa.UniqueConstraint("kind", "year", "serial", name="uq_address_certificates_kind_year_serial"),
            ],
        ),
    )
    op.create_index("ix_address_certificates_door_plate_id", "address_certificates", ["door_plate_id"])


def downgrade() -> None:
    op.drop_index("ix_address_certificates_door_plate_id", "address_certificates")
    op.drop_table("address_certificates")

"""Boundary markers: elevation, for the marker register (界桩成果表).

Revision ID: 0008_boundary_markers
Revises: 0004_boundaries
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_boundary_markers"
down_revision = "0004_boundaries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("boundary_markers", sa.Column("elevation_m", sa.Float))


def downgrade() -> None:
    # SQLite >= 3.35 drops a plain column in place.
    op.drop_column("boundary_markers", "elevation_m")

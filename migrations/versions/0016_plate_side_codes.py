"""Door plates' side in one code: the demo and some imports stored "left"/"right" while the
numbering engine stores "L"/"R", so search's same-side preference never matched half of
them (placenames.sides). Rewrites the spellings to the code; the meaning is unchanged, so
no audit row is made (as for a column's type change).

Revision ID: 0016_plate_side_codes
Revises: 0009b_one_main_plate
"""

from alembic import op

revision = "0016_plate_side_codes"
down_revision = "0009b_one_main_plate"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE door_plates SET side = 'L' WHERE lower(side) IN ('left', 'l') OR side IN ('左', '左侧')")
    op.execute("UPDATE door_plates SET side = 'R' WHERE lower(side) IN ('right', 'r') OR side IN ('右', '右侧')")


def downgrade() -> None:
    pass  # the codes are a valid spelling for every earlier revision

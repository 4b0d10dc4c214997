"""One main plate (门牌) per address: a partial unique index on ``plate_items``.

An address (``door_plates`` row) carries one 门牌 on the ground; 楼牌, 单元牌 and 户牌
may be many. A plate that has been taken down (``status = 'removed'``) no longer
counts, so a replacement can be recorded after the old one is removed. The service
explains a second main plate before writing; this index makes sure two officers
adding one at the same moment cannot both succeed.

An inventory that already holds two main plates on one address is not changed behind
anyone's back: the upgrade stops and lists them, to be resolved (remove or re-level
the extra plate) first.

Revision ID: 0009b_one_main_plate
Revises: 0009_entrances
"""

import sqlalchemy as sa
from alembic import op

from gis.errors import Conflict

revision = "0009b_one_main_plate"
down_revision = "0009_entrances"
branch_labels = None
depends_on = None

INDEX = "uq_plate_items_one_main_plate"
# The same text as placenames.signs.models.MAIN_PLATE_WHERE on the day of this revision.
WHERE = "level = '门牌' AND status <> 'removed'"


def _refuse_existing_repeats(bind) -> None:
    """Runs before any DDL, so a refused upgrade leaves the schema as it was."""
    repeats = bind.execute(
        sa.text(
            "SELECT door_plates.address AS address, plate_items.door_plate_id AS plate, count(*) AS n "
            "FROM plate_items JOIN door_plates ON door_plates.id = plate_items.door_plate_id "
            "WHERE plate_items.level = '门牌' AND plate_items.status <> 'removed' "
            "GROUP BY plate_items.door_plate_id, door_plates.address HAVING count(*) > 1 ORDER BY door_plates.address"
        )
    ).all()
    if repeats:
        listed = [f"{row.address} ({row.n})" for row in repeats[:20]]
        raise Conflict(
            f"门楼牌清单中已有 {len(repeats)} 个门牌地址挂有多块在用门牌，请先将多余的标为已拆除或改为其他牌类：{'、'.join(listed)}",
            f"The inventory already has {len(repeats)} addresses with more than one main plate (门牌) not removed; "
            f"mark the extra plates removed or change their level first: {', '.join(listed)}",
            details={"repeats": [{"door_plate": row.plate, "address": row.address, "count": row.n} for row in repeats]},
        )


def upgrade() -> None:
    _refuse_existing_repeats(op.get_bind())
    op.create_index(INDEX, "plate_items", ["door_plate_id"], unique=True, postgresql_where=sa.text(WHERE), sqlite_where=sa.text(WHERE))


def downgrade() -> None:
    op.drop_index(INDEX, table_name="plate_items")

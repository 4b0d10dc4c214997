"""Building entrances for door numbering, and where each physical plate hangs.

``building_entrances`` holds a building's main entrance point (one per building):
numbering projects it on the road instead of the building's nearest outline point.
``plate_items.geom`` is the position of a physical plate (门牌/楼牌/单元牌/户牌);
existing plates take their address point, so the inventory can be exchanged as
files and published as a map layer.

Revision ID: 0009_entrances
Revises: 0005_numbering
"""

import sqlalchemy as sa
from alembic import op

from gis.storage import ddl
from gis.storage.geometry import Geometry

revision = "0009_entrances"
down_revision = "0005_numbering"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "building_entrances",
        *ddl.registered_columns(
            sa.Column(
                "building_id", sa.Integer, sa.ForeignKey("buildings.id", name="fk_building_entrances_building_id_buildings"), nullable=False
            ),
            sa.Column("description", sa.String(100)),
            sa.Column("geom", Geometry("POINT"), nullable=False),
            constraints=[sa.UniqueConstraint("building_id", name="uq_building_entrances_building_id")],
        ),
    )
    ddl.register_spatial_table(bind, "building_entrances", "geom", "POINT", "建筑入口 Building entrances")

    op.add_column("plate_items", sa.Column("geom", Geometry("POINT")))
    ddl.register_spatial_table(bind, "plate_items", "geom", "POINT", "门楼牌 Door plates (physical)")
    op.execute("UPDATE plate_items SET geom = (SELECT door_plates.geom FROM door_plates WHERE door_plates.id = plate_items.door_plate_id)")


def downgrade() -> None:
    bind = op.get_bind()
    ddl.unregister_spatial_table(bind, "plate_items", "geom")
    # SQLite >= 3.35 drops a plain column in place (its R*Tree triggers are gone by now).
    op.drop_column("plate_items", "geom")
    ddl.unregister_spatial_table(bind, "building_entrances", "geom")
    op.drop_table("building_entrances")

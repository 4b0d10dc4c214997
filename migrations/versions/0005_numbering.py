"""Door numbering: district defaults, per-road settings, change history, and plate
position/kind/community columns on door_plates; the road-sign and plate inventory
and its inspection rounds.

Revision ID: 0005_numbering
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from gis.storage import ddl
from gis.storage.geometry import Geometry

revision = "0005_numbering"
down_revision = "0001"
branch_labels = None
depends_on = None

PLATE_COLUMNS = ("chainage_m", "kind", "admin_code")


def _fk(target: str, name: str) -> sa.ForeignKey:
    return sa.ForeignKey(target, name=name)


def upgrade() -> None:
    op.add_column("door_plates", sa.Column("chainage_m", sa.Float))
    op.add_column("door_plates", sa.Column("kind", sa.String(16), nullable=False, server_default="main"))
    op.add_column("door_plates", sa.Column("admin_code", sa.String(20)))
    op.create_index("ix_door_plates_admin_code", "door_plates", ["admin_code"])

    op.create_table(
        "numbering_defaults",
        *ddl.registered_columns(
            sa.Column("admin_code", sa.String(20), nullable=False),
            sa.Column("direction", sa.String(32), nullable=False),
            sa.Column("odd_side", sa.String(1), nullable=False),
            sa.Column("spacing_m", sa.Float, nullable=False),
            sa.Column("suffix_style", sa.String(8), nullable=False),
            sa.Column("reach_m", sa.Float, nullable=False),
            constraints=[sa.UniqueConstraint("admin_code", name="uq_numbering_defaults_admin_code")],
        ),
    )
    op.create_table(
        "road_numbering",
        *ddl.registered_columns(
            sa.Column("road_id", sa.Integer, sa.ForeignKey("roads.id", name="fk_road_numbering_road_id_roads"), nullable=False),
            sa.Column("direction", sa.String(32)),
            sa.Column("odd_side", sa.String(1)),
            sa.Column("spacing_m", sa.Float),
            sa.Column("suffix_style", sa.String(8)),
            sa.Column("width_m", sa.Float),
            sa.Column("start_description", sa.String(200)),
            sa.Column("end_description", sa.String(200)),
            constraints=[sa.UniqueConstraint("road_id", name="uq_road_numbering_road_id")],
        ),
    )
    op.create_table(
        "door_number_changes",
        *ddl.registered_columns(
            sa.Column(
                "door_plate_id", sa.Integer, _fk("door_plates.id", "fk_door_number_changes_door_plate_id_door_plates"), nullable=False
            ),
            sa.Column("road_id", sa.Integer, sa.ForeignKey("roads.id", name="fk_door_number_changes_road_id_roads"), nullable=False),
            sa.Column("change", sa.String(16), nullable=False),
            sa.Column("old_text", sa.String(32)),
            sa.Column("new_text", sa.String(32)),
            sa.Column("old_address", sa.String(200)),
            sa.Column("new_address", sa.String(200)),
            sa.Column("note", sa.Text),
        ),
    )
    op.create_index("ix_door_number_changes_door_plate_id", "door_number_changes", ["door_plate_id"])
    op.create_index("ix_door_number_changes_road_id", "door_number_changes", ["road_id"])
    _create_inventory()


def _create_inventory() -> None:
    op.create_table(
        "road_signs",
        *ddl.registered_columns(
            sa.Column("road_id", sa.Integer, sa.ForeignKey("roads.id", name="fk_road_signs_road_id_roads"), nullable=False),
            sa.Column("text_zh", sa.String(100), nullable=False),
            sa.Column("text_roman", sa.String(200), nullable=False),
            sa.Column("sign_type", sa.String(32), nullable=False),
            sa.Column("size", sa.String(32)),
            sa.Column("installed_on", sa.Date),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("geom", Geometry("POINT"), nullable=False),
        ),
    )
    op.create_index("ix_road_signs_road_id", "road_signs", ["road_id"])
    ddl.register_spatial_table(op.get_bind(), "road_signs", "geom", "POINT", "路牌 Road signs")
    op.create_table(
        "plate_items",
        *ddl.registered_columns(
            sa.Column("door_plate_id", sa.Integer, _fk("door_plates.id", "fk_plate_items_door_plate_id_door_plates"), nullable=False),
            sa.Column("level", sa.String(8), nullable=False),
            sa.Column("text", sa.String(200), nullable=False),
            sa.Column("plate_type", sa.String(32)),
            sa.Column("installed_on", sa.Date),
            sa.Column("status", sa.String(16), nullable=False),
        ),
    )
    op.create_index("ix_plate_items_door_plate_id", "plate_items", ["door_plate_id"])
    op.create_table(
        "inspection_rounds",
        *ddl.registered_columns(
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("inspector", sa.String(64), nullable=False),
            sa.Column("held_on", sa.Date, nullable=False),
            sa.Column(
                "follows_round_id", sa.Integer, _fk("inspection_rounds.id", "fk_inspection_rounds_follows_round_id_inspection_rounds")
            ),
            sa.Column("status", sa.String(16), nullable=False),
        ),
    )
    op.create_table(
        "inspection_results",
        *ddl.registered_columns(
            sa.Column(
                "round_id", sa.Integer, _fk("inspection_rounds.id", "fk_inspection_results_round_id_inspection_rounds"), nullable=False
            ),
            sa.Column("item_kind", sa.String(16), nullable=False),
            sa.Column("item_id", sa.Integer, nullable=False),
            sa.Column("result", sa.String(8), nullable=False),
            sa.Column("defects", sa.String(200), nullable=False),
            sa.Column("photos", sa.Text),
            sa.Column("inspected_on", sa.Date, nullable=False),
            sa.Column("note", sa.Text),
            constraints=[sa.UniqueConstraint("round_id", "item_kind", "item_id", name="uq_inspection_results_round_id_item_kind_item_id")],
        ),
    )
    op.create_index("ix_inspection_results_round_id", "inspection_results", ["round_id"])


def downgrade() -> None:
    op.drop_table("inspection_results")
    op.drop_table("inspection_rounds")
    op.drop_table("plate_items")
    ddl.unregister_spatial_table(op.get_bind(), "road_signs", "geom")
    op.drop_table("road_signs")
    op.drop_table("door_number_changes")
    op.drop_table("road_numbering")
    op.drop_table("numbering_defaults")
    op.drop_index("ix_door_plates_admin_code", "door_plates")
    # SQLite >= 3.35 drops plain columns in place, which keeps the GeoPackage R*Tree triggers.
    for column in reversed(PLATE_COLUMNS):
        op.drop_column("door_plates", column)

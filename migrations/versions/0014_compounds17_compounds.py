"""Compounds (小区/大院): one door number on a road for the area, its gates, and the
buildings inside with their 楼栋号 (placenames.numbering.compounds).

Revision ID: 0014_compounds17_compounds
Revises: 0013_numbers17_certificates
"""

import sqlalchemy as sa
from alembic import op

from gis.storage import ddl
from gis.storage.geometry import Geometry

revision = "0014_compounds17_compounds"
down_revision = "0013_numbers17_certificates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "compounds",
        *ddl.registered_columns(
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("road_id", sa.Integer, sa.ForeignKey("roads.id", name="fk_compounds_road_id_roads"), nullable=False),
            sa.Column("door_plate_id", sa.Integer, sa.ForeignKey("door_plates.id", name="fk_compounds_door_plate_id_door_plates")),
            sa.Column("admin_code", sa.String(20)),
            sa.Column("building_order", sa.String(16), nullable=False, server_default="entrance"),
            sa.Column("geom", Geometry("POLYGON"), nullable=False),
            constraints=[
                sa.UniqueConstraint("name", name="uq_compounds_name"),
                sa.UniqueConstraint("door_plate_id", name="uq_compounds_door_plate_id"),
            ],
        ),
    )
    op.create_index("ix_compounds_road_id", "compounds", ["road_id"])
    ddl.register_spatial_table(bind, "compounds", "geom", "POLYGON", "小区/大院 Compounds")
    op.create_table(
        "compound_entrances",
        *ddl.registered_columns(
            sa.Column(
                "compound_id", sa.Integer, sa.ForeignKey("compounds.id", name="fk_compound_entrances_compound_id_compounds"), nullable=False
            ),
            sa.Column("kind", sa.String(8), nullable=False),
            sa.Column("description", sa.String(100)),
            sa.Column("geom", Geometry("POINT"), nullable=False),
        ),
    )
    op.create_index("ix_compound_entrances_compound_id", "compound_entrances", ["compound_id"])
    ddl.register_spatial_table(bind, "compound_entrances", "geom", "POINT", "小区出入口 Compound entrances")
    op.create_table(
        "compound_buildings",
        *ddl.registered_columns(
            sa.Column(
                "compound_id", sa.Integer, sa.ForeignKey("compounds.id", name="fk_compound_buildings_compound_id_compounds"), nullable=False
            ),
            sa.Column(
                "building_id", sa.Integer, sa.ForeignKey("buildings.id", name="fk_compound_buildings_building_id_buildings"), nullable=False
            ),
            sa.Column("label", sa.String(16)),
            sa.Column("ordinal", sa.Integer),
            sa.Column("units", sa.Integer),
            constraints=[
                sa.UniqueConstraint("building_id", name="uq_compound_buildings_building_id"),
                sa.UniqueConstraint("compound_id", "label", name="uq_compound_buildings_compound_id_label"),
            ],
        ),
    )
    op.create_index("ix_compound_buildings_compound_id", "compound_buildings", ["compound_id"])


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_index("ix_compound_buildings_compound_id", "compound_buildings")
    op.drop_table("compound_buildings")
    ddl.unregister_spatial_table(bind, "compound_entrances", "geom")
    op.drop_index("ix_compound_entrances_compound_id", "compound_entrances")
    op.drop_table("compound_entrances")
    ddl.unregister_spatial_table(bind, "compounds", "geom")
    op.drop_index("ix_compounds_road_id", "compounds")
    op.drop_table("compounds")

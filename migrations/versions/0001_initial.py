"""Initial schema: audit log, administrative units, blocks, names, roads, rivers,
buildings and door plates, on PostGIS or in a GeoPackage.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from gis.storage import ddl
from gis.storage.coltypes import UTCDateTime
from gis.storage.geometry import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SPATIAL = [
    ("admin_units", "MULTIPOLYGON", "行政区划 Administrative units"),
    ("blocks", "POLYGON", "街区 Building blocks"),
    ("place_names", "GEOMETRY", "标准地名 Standard place names"),
    ("roads", "MULTILINESTRING", "道路 Roads"),
    ("waterways", "MULTILINESTRING", "河流 Waterways"),
    ("buildings", "POLYGON", "建筑 Buildings"),
    ("door_plates", "POINT", "门牌 Door plates"),
]


def upgrade() -> None:
    bind = op.get_bind()
    ddl.init_database(bind)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("record_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer),
        sa.Column("reason", sa.Text),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
    )
    op.create_index("ix_audit_log_record", "audit_log", ["table_name", "record_id"])
    ddl.make_append_only(bind, "audit_log")

    op.create_table(
        "admin_units",
        *ddl.registered_columns(
            sa.Column("code", sa.String(20), nullable=False),
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("level", sa.String(16), nullable=False),
            sa.Column("parent_code", sa.String(20)),
            sa.Column("valid_from", sa.Date, nullable=False),
            sa.Column("valid_to", sa.Date),
            sa.Column("households", sa.Integer),
            sa.Column("population", sa.Integer),
            sa.Column("name_source", sa.String(64)),
            sa.Column("geom", Geometry("MULTIPOLYGON")),
            constraints=[sa.UniqueConstraint("code", "valid_from", name="uq_admin_units_code_valid_from")],
        ),
    )
    for column in ("code", "level", "parent_code"):
        op.create_index(f"ix_admin_units_{column}", "admin_units", [column])

    op.create_table(
        "blocks",
        *ddl.registered_columns(
            sa.Column("code", sa.String(20), nullable=False),
            sa.Column("subdistrict_code", sa.String(20), nullable=False),
            sa.Column("community_code", sa.String(20)),
            sa.Column("households", sa.Integer, nullable=False),
            sa.Column("dense", sa.Boolean, nullable=False),
            sa.Column("area_m2", sa.Float),
            sa.Column("geom", Geometry("POLYGON"), nullable=False),
            constraints=[sa.UniqueConstraint("code", name="uq_blocks_code")],
        ),
    )
    op.create_index("ix_blocks_subdistrict_code", "blocks", ["subdistrict_code"])
    op.create_index("ix_blocks_community_code", "blocks", ["community_code"])

    op.create_table(
        "place_names",
        *ddl.registered_columns(
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("romanization", sa.String(200)),
            sa.Column("category_code", sa.String(32), nullable=False),
            sa.Column("category_label", sa.String(50), nullable=False),
            sa.Column("admin_code", sa.String(20)),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("description", sa.Text),
            sa.Column("geom", Geometry("GEOMETRY")),
        ),
    )
    op.create_index("ix_place_names_name", "place_names", ["name"])
    op.create_index("ix_place_names_admin_code", "place_names", ["admin_code"])

    op.create_table(
        "roads",
        *ddl.registered_columns(
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("road_class", sa.String(16), nullable=False),
            sa.Column("admin_code", sa.String(20)),
            sa.Column("geom", Geometry("MULTILINESTRING"), nullable=False),
            constraints=[sa.UniqueConstraint("name", name="uq_roads_name")],
        ),
    )
    op.create_index("ix_roads_admin_code", "roads", ["admin_code"])

    op.create_table(
        "waterways",
        *ddl.registered_columns(
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("waterway_class", sa.String(16), nullable=False),
            sa.Column("geom", Geometry("MULTILINESTRING"), nullable=False),
        ),
    )

    op.create_table(
        "buildings",
        *ddl.registered_columns(
            sa.Column("code", sa.String(20), nullable=False),
            sa.Column("block_code", sa.String(20)),
            sa.Column("community_code", sa.String(20)),
            sa.Column("households", sa.Integer, nullable=False),
            sa.Column("floors", sa.Integer),
            sa.Column("geom", Geometry("POLYGON"), nullable=False),
            constraints=[sa.UniqueConstraint("code", name="uq_buildings_code")],
        ),
    )
    op.create_index("ix_buildings_block_code", "buildings", ["block_code"])
    op.create_index("ix_buildings_community_code", "buildings", ["community_code"])

    op.create_table(
        "door_plates",
        *ddl.registered_columns(
            sa.Column("road_id", sa.Integer, sa.ForeignKey("roads.id", name="fk_door_plates_road_id_roads"), nullable=False),
            sa.Column("number", sa.Integer, nullable=False),
            sa.Column("suffix", sa.String(16), nullable=False),
            sa.Column("number_text", sa.String(32), nullable=False),
            sa.Column("building_id", sa.Integer, sa.ForeignKey("buildings.id", name="fk_door_plates_building_id_buildings")),
            sa.Column("side", sa.String(8)),
            sa.Column("address", sa.String(200), nullable=False),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("geom", Geometry("POINT"), nullable=False),
            constraints=[sa.UniqueConstraint("road_id", "number", "suffix", name="uq_door_plates_road_id_number_suffix")],
        ),
    )
    op.create_index("ix_door_plates_road_id", "door_plates", ["road_id"])
    op.create_index("ix_door_plates_building_id", "door_plates", ["building_id"])

    for table, geometry_type, title in SPATIAL:
        ddl.register_spatial_table(bind, table, "geom", geometry_type, title)


def downgrade() -> None:
    bind = op.get_bind()
    for table, _geometry_type, _title in reversed(SPATIAL):
        ddl.unregister_spatial_table(bind, table, "geom")
    for table in ("door_plates", "buildings", "waterways", "roads", "place_names", "blocks", "admin_units"):
        op.drop_table(table)
    ddl.drop_append_only(bind, "audit_log")
    op.drop_table("audit_log")
    ddl.drop_database_extras(bind)

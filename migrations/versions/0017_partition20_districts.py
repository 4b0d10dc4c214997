"""Door plates and place names partitioned by district on PostgreSQL.

Every row of ``roads``, ``door_plates``, ``place_names`` and of the tables referring to
plates or names gets ``district_code``, the 6-digit county code of the deployment
profile (gis.storage.district_key). On PostgreSQL ``door_plates`` and ``place_names``
become LIST-partitioned by it (a partition for the profile's district and a DEFAULT
one), rows, ids and id sequences kept, and every key, unique rule and foreign key takes
the district on, since PostgreSQL wants the partition key in each of them:

- one number per road: (road_id, number, suffix, district_code); a plate's district is
  its road's, held by the foreign key (road_id, district_code) -> roads, so the rule is
  the same as before;
- one current 街路巷 (and important estate/building) name per district: the statute's
  own rule (条例 Art.9);
- 地名代码 unique per district (its first six digits are the county's code);
- one main plate per address: on plate_items, which refers to its address by
  (door_plate_id, district_code), so it is unchanged.

Foreign keys to plates and names become composite, ``ON UPDATE CASCADE`` (a road moved
to another district takes its plates, their items and certificates along). On SQLite
there are no partitions: the column is added, and its rules stay as they were.

Revision ID: 0017_partition20_districts
Revises: 0013_census16_name_codes, 0014_compounds17_compounds
"""

import sqlalchemy as sa
from alembic import op

from gis.errors import Conflict
from gis.storage import ddl, partitions
from gis.storage.district_key import KEY, deployment_district

revision = "0017_partition20_districts"
down_revision = ("0013_census16_name_codes", "0014_compounds17_compounds")
branch_labels = None
depends_on = None

PARTITIONED = ("door_plates", "place_names")
# (table, column, referred table): the foreign keys that take the district on.
REFERENCES = (
    ("door_plates", "road_id", "roads"),
    ("plate_items", "door_plate_id", "door_plates"),
    ("door_number_changes", "door_plate_id", "door_plates"),
    ("address_certificates", "door_plate_id", "door_plates"),
    ("compounds", "door_plate_id", "door_plates"),
    ("place_name_aliases", "place_name_id", "place_names"),
    ("naming_applications", "place_name_id", "place_names"),
)
KEYED = ("roads", *PARTITIONED, *(table for table, _column, _referred in REFERENCES if table not in PARTITIONED))
ROADS_KEY = "uq_roads_id_district_code"
SPATIAL = {"door_plates": ("POINT", "门牌 Door plates"), "place_names": ("GEOMETRY", "标准地名 Standard place names")}
# Keys and indexes of the two tables as of this revision; {key} is ", district_code" when
# partitioned and empty when not (the downgrade).
SHAPES = {
    "door_plates": (
        "ALTER TABLE door_plates ADD CONSTRAINT door_plates_pkey PRIMARY KEY (id{key})",
        "ALTER TABLE door_plates ADD CONSTRAINT uq_door_plates_road_id_number_suffix UNIQUE (road_id, number, suffix{key})",
        "CREATE INDEX ix_door_plates_road_id ON door_plates (road_id)",
        "CREATE INDEX ix_door_plates_building_id ON door_plates (building_id)",
        "CREATE INDEX ix_door_plates_admin_code ON door_plates (admin_code)",
        "ALTER TABLE door_plates ADD CONSTRAINT fk_door_plates_building_id_buildings FOREIGN KEY (building_id) REFERENCES buildings (id)",
    ),
    "place_names": (
        "ALTER TABLE place_names ADD CONSTRAINT place_names_pkey PRIMARY KEY (id{key})",
        "CREATE UNIQUE INDEX uq_place_names_current_unique_name ON place_names (unique_class, name{key}) "
        "WHERE status = 'current' AND unique_class IS NOT NULL",
        "CREATE UNIQUE INDEX uq_place_names_name_code ON place_names (name_code{key})",
        "CREATE INDEX ix_place_names_name ON place_names (name)",
        "CREATE INDEX ix_place_names_admin_code ON place_names (admin_code)",
        "CREATE INDEX ix_place_names_pinyin_key ON place_names (pinyin_key)",
    ),
}


def _fk_name(table: str, column: str, referred: str) -> str:
    return f"fk_{table}_{column}_{referred}"


def _drop_references(bind) -> None:
    for table, column, referred in REFERENCES:
        bind.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {_fk_name(table, column, referred)}")


def _add_references(bind, key: str) -> None:
    cascade = " ON UPDATE CASCADE" if key else ""
    for table, column, referred in REFERENCES:
        bind.exec_driver_sql(
            f"ALTER TABLE {table} ADD CONSTRAINT {_fk_name(table, column, referred)} "
            f"FOREIGN KEY ({column}{key}) REFERENCES {referred} (id{key}){cascade}"
        )


def _shape(bind, table: str, key: str) -> None:
    for statement in SHAPES[table]:
        bind.exec_driver_sql(statement.format(key=key))
    ddl.register_spatial_table(bind, table, "geom", *SPATIAL[table])  # on PostgreSQL: the GiST index
    if not key:
        return
    partitions.name_partition_indexes(bind, table)
    bind.exec_driver_sql(f"ANALYZE {table}")


def upgrade() -> None:
    bind = op.get_bind()
    code = deployment_district()
    # Every existing row is the deployment's. The column's default stays, on both backends,
    # for hand-written SQL that leaves it out; the application names the district itself
    # (district_key), so a later profile is not bound by it.
    for table in KEYED:
        op.add_column(table, sa.Column(KEY, sa.String(6), nullable=False, server_default=code))
    if bind.dialect.name != "postgresql":
        return
    bind.exec_driver_sql(f"ALTER TABLE roads ADD CONSTRAINT {ROADS_KEY} UNIQUE (id, {KEY})")
    _drop_references(bind)
    for table in PARTITIONED:
        partitions.rebuild(bind, table, districts=[code])
        _shape(bind, table, f", {KEY}")
    _add_references(bind, f", {KEY}")


def _refuse_several_districts(bind) -> None:
    """The earlier schema holds one district; say so rather than merge several."""
    found = sorted({code for table in ("roads", *PARTITIONED) for (code,) in bind.exec_driver_sql(f"SELECT DISTINCT {KEY} FROM {table}")})
    if len(found) > 1:
        raise Conflict(
            f"数据库中有 {len(found)} 个区县的数据（{'、'.join(found)}），分区之前的结构只能容纳一个区县，不能降级",
            f"The database holds rows of {len(found)} districts ({', '.join(found)}); the schema before partitioning "
            "holds one district, so it cannot be downgraded",
            details={"districts": found},
        )


def downgrade() -> None:
    bind = op.get_bind()
    _refuse_several_districts(bind)
    if bind.dialect.name == "postgresql":
        _drop_references(bind)
        for table in PARTITIONED:
            partitions.rebuild(bind, table, districts=None)
            _shape(bind, table, "")
        _add_references(bind, "")
        bind.exec_driver_sql(f"ALTER TABLE roads DROP CONSTRAINT {ROADS_KEY}")
    # SQLite >= 3.35 drops a plain column in place, which keeps the GeoPackage R*Tree triggers.
    for table in reversed(KEYED):
        op.drop_column(table, KEY)

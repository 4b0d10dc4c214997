"""条例 Art.9 in the database: a current 街路巷 name, or a current important estate /
building name, occurs only once in the district.

``place_names.unique_class`` is a generated column (stored on PostgreSQL, virtual on
SQLite, which cannot add a stored one) computed from ``category_code``, so every
writer fills it; a partial unique index covers (unique_class, name) of current names.

An existing register that already breaks the rule is not changed behind anyone's back:
the upgrade stops and lists the clashes, to be resolved through the procedure first.

Revision ID: 0007_names_unique
Revises: 0003_registry
"""

import sqlalchemy as sa
from alembic import op

from gis.errors import Conflict

revision = "0007_names_unique"
down_revision = "0003_registry"
branch_labels = None
depends_on = None

INDEX = "uq_place_names_current_unique_name"
# The uniqueness classes of placenames/data/categories.csv on the day of this revision:
# 23510 街路巷 -> street; 22100 estates and 26100 notable buildings -> estate_building.
CLASS = "CASE category_code WHEN '22100' THEN 'estate_building' WHEN '23510' THEN 'street' WHEN '26100' THEN 'estate_building' END"
WHERE = "status = 'current' AND unique_class IS NOT NULL"


def _refuse_existing_clashes(bind) -> None:
    """Runs before any DDL, so a refused upgrade leaves the schema as it was."""
    kind = f"({CLASS})"
    clashes = bind.execute(
        sa.text(
            f"SELECT {kind} AS kind, name, count(*) AS n FROM place_names WHERE status = 'current' AND {kind} IS NOT NULL "
            f"GROUP BY {kind}, name HAVING count(*) > 1 ORDER BY name"
        )
    ).all()
    if clashes:
        listed = [f"{row.name} ({row.kind}, {row.n})" for row in clashes[:20]]
        raise Conflict(
            f"登记中已有 {len(clashes)} 个重名的现行地名（街路巷或重要住宅区、楼宇），请先经命名程序处理：{'、'.join(listed)}",
            f"The register already holds {len(clashes)} repeated current names (roads/streets/lanes or important estates/buildings); "
            f"resolve them through the procedure first: {', '.join(listed)}",
            details={"clashes": [{"name": row.name, "class": row.kind, "count": row.n} for row in clashes]},
        )


def upgrade() -> None:
    bind = op.get_bind()
    _refuse_existing_clashes(bind)
    postgres = bind.dialect.name == "postgresql"
    column_type, kind = ("VARCHAR(16)", "STORED") if postgres else ("TEXT(16)", "VIRTUAL")  # TEXT(n): the GeoPackage spelling
    bind.exec_driver_sql(f"ALTER TABLE place_names ADD COLUMN unique_class {column_type} GENERATED ALWAYS AS ({CLASS}) {kind}")
    op.create_index(
        INDEX, "place_names", ["unique_class", "name"], unique=True, postgresql_where=sa.text(WHERE), sqlite_where=sa.text(WHERE)
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="place_names")
    op.get_bind().exec_driver_sql("ALTER TABLE place_names DROP COLUMN unique_class")

"""Door plates' points also as PostgreSQL's own ``point``, with a GiST index carrying what a
reverse lookup reads (issue 20: reverse geocoding of large batches over millions of plates).

A generated column (``gis.storage.native_points``) and a GiST index on it holding the plate's
id, road and kind, for the current plates only: a batch's nearest-plate search
(``gis.storage.nearest``) then reads that index alone, where PostGIS's index of the
geometries sent every candidate back to the table. On a partitioned ``door_plates`` the
index reaches every partition, and partitions made later get it too. SQLite: nothing (it
has no nearest search).

Revision ID: 0020_plate_native_points
Revises: 0019_search_keys_compounds
"""

from alembic import op

from gis.storage import native_points

revision = "0020_plate_native_points"
down_revision = "0019_search_keys_compounds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        native_points.add(bind, "door_plates", include=("id", "road_id", "kind"), where="status = 'current'")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        native_points.drop(bind, "door_plates")

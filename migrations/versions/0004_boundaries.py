"""Boundary lines, markers (界桩), joint inspections (联检) and unit reorganisations.

Revision ID: 0004_boundaries
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from gis.storage import ddl
from gis.storage.coltypes import UTCDateTime
from gis.storage.geometry import Geometry

revision = "0004_boundaries"
down_revision = "0001"
branch_labels = None
depends_on = None

SPATIAL = [
    ("boundary_lines", "MULTILINESTRING", "界线 Boundary lines"),
    ("boundary_markers", "POINT", "界桩 Boundary markers"),
    ("marker_inspections", "POINT", "界桩检查 Marker inspections"),
    ("stretch_findings", "LINESTRING", "界线检查发现 Stretch findings"),
]


# Once both parties have signed a campaign, the database itself refuses to change or
# delete the campaign and its records (corrections are new rows, so INSERT stays open).
SIGNED_GUARDS = [
    ("inspection_campaigns", "OLD.status = 'signed'"),
    ("marker_inspections", "(SELECT status FROM inspection_campaigns WHERE id = OLD.campaign_id) = 'signed'"),
    ("stretch_findings", "(SELECT status FROM inspection_campaigns WHERE id = OLD.campaign_id) = 'signed'"),
]


def _guard_signed(bind) -> None:
    for table, condition in SIGNED_GUARDS:
        if bind.dialect.name == "postgresql":
            bind.exec_driver_sql(
                f"""CREATE OR REPLACE FUNCTION {table}_signed_guard() RETURNS trigger AS $$
                BEGIN
                    IF {condition} THEN
                        RAISE EXCEPTION 'signed inspection records are immutable' USING ERRCODE = 'integrity_constraint_violation';
                    END IF;
                    RETURN COALESCE(NEW, OLD);
                END; $$ LANGUAGE plpgsql"""
            )
            bind.exec_driver_sql(
                f"CREATE TRIGGER {table}_signed_guard BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_signed_guard()"
            )
            continue
        for action in ("UPDATE", "DELETE"):
            bind.exec_driver_sql(
                f'CREATE TRIGGER "{table}_signed_no_{action.lower()}" BEFORE {action} ON "{table}" WHEN {condition} '
                "BEGIN SELECT RAISE(ABORT, 'signed inspection records are immutable'); END"
            )


def _drop_guards(bind) -> None:
    for table, _condition in SIGNED_GUARDS:
        if bind.dialect.name == "postgresql":
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_signed_guard ON {table}")
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {table}_signed_guard()")
        else:
            for action in ("update", "delete"):
                bind.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{table}_signed_no_{action}"')


def _fk(column: str, table: str, own: str, nullable: bool = False) -> sa.Column:
    return sa.Column(column, sa.Integer, sa.ForeignKey(f"{table}.id", name=f"fk_{own}_{column}_{table}"), nullable=nullable)


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "boundary_lines",
        *ddl.registered_columns(
            sa.Column("code", sa.String(48), nullable=False),
            sa.Column("number", sa.String(16), nullable=False),
            sa.Column("level", sa.String(16), nullable=False),
            sa.Column("left_code", sa.String(20), nullable=False),
            sa.Column("left_name", sa.String(100), nullable=False),
            sa.Column("right_code", sa.String(20), nullable=False),
            sa.Column("right_name", sa.String(100), nullable=False),
            sa.Column("length_m", sa.Float, nullable=False),
            sa.Column("parts", sa.Integer, nullable=False),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("disagreement", sa.JSON),
            sa.Column("description", sa.Text),
            sa.Column("description_edited", sa.Boolean, nullable=False),
            sa.Column("last_inspected", sa.Date),
            sa.Column("geom", Geometry("MULTILINESTRING"), nullable=False),
            constraints=[sa.UniqueConstraint("code", name="uq_boundary_lines_code")],
        ),
    )
    for column in ("level", "left_code", "right_code"):
        op.create_index(f"ix_boundary_lines_{column}", "boundary_lines", [column])

    op.create_table(
        "boundary_markers",
        *ddl.registered_columns(
            sa.Column("code", sa.String(24), nullable=False),
            _fk("line_id", "boundary_lines", "boundary_markers"),
            sa.Column("serial", sa.Integer, nullable=False),
            sa.Column("marker_type", sa.String(8), nullable=False),
            sa.Column("letter", sa.String(1), nullable=False),
            sa.Column("responsible_code", sa.String(20)),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("material", sa.String(32)),
            sa.Column("erected_on", sa.Date),
            sa.Column("reference_objects", sa.JSON),
            sa.Column("photos", sa.JSON),
            sa.Column("remarks", sa.Text),
            sa.Column("geom", Geometry("POINT"), nullable=False),
            constraints=[sa.UniqueConstraint("code", name="uq_boundary_markers_code")],
        ),
    )
    op.create_index("ix_boundary_markers_line_id", "boundary_markers", ["line_id"])

    op.create_table(
        "inspection_campaigns",
        *ddl.registered_columns(
            sa.Column("code", sa.String(40), nullable=False),
            _fk("line_id", "boundary_lines", "inspection_campaigns"),
            sa.Column("party_a", sa.String(100), nullable=False),
            sa.Column("party_b", sa.String(100), nullable=False),
            sa.Column("started_on", sa.Date, nullable=False),
            sa.Column("ended_on", sa.Date),
            sa.Column("participants", sa.JSON),
            sa.Column("tolerance_m", sa.Float, nullable=False),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("signed_a_by", sa.String(64)),
            sa.Column("signed_a_at", UTCDateTime()),
            sa.Column("signed_b_by", sa.String(64)),
            sa.Column("signed_b_at", UTCDateTime()),
            sa.Column("remarks", sa.Text),
            constraints=[sa.UniqueConstraint("code", name="uq_inspection_campaigns_code")],
        ),
    )
    op.create_index("ix_inspection_campaigns_line_id", "inspection_campaigns", ["line_id"])

    op.create_table(
        "marker_inspections",
        *ddl.registered_columns(
            _fk("campaign_id", "inspection_campaigns", "marker_inspections"),
            _fk("marker_id", "boundary_markers", "marker_inspections"),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("displacement_m", sa.Float),
            sa.Column("flagged", sa.Boolean, nullable=False),
            sa.Column("reference_changes", sa.Text),
            sa.Column("photos", sa.JSON),
            sa.Column("remarks", sa.Text),
            _fk("corrects_id", "marker_inspections", "marker_inspections", nullable=True),
            sa.Column("geom", Geometry("POINT")),
        ),
    )
    op.create_index("ix_marker_inspections_campaign_id", "marker_inspections", ["campaign_id"])
    op.create_index("ix_marker_inspections_marker_id", "marker_inspections", ["marker_id"])

    op.create_table(
        "stretch_findings",
        *ddl.registered_columns(
            _fk("campaign_id", "inspection_campaigns", "stretch_findings"),
            sa.Column("kind", sa.String(24), nullable=False),
            sa.Column("from_m", sa.Float, nullable=False),
            sa.Column("to_m", sa.Float, nullable=False),
            sa.Column("description", sa.Text, nullable=False),
            _fk("corrects_id", "stretch_findings", "stretch_findings", nullable=True),
            sa.Column("geom", Geometry("LINESTRING")),
        ),
    )
    op.create_index("ix_stretch_findings_campaign_id", "stretch_findings", ["campaign_id"])

    op.create_table(
        "unit_changes",
        *ddl.registered_columns(
            sa.Column("kind", sa.String(24), nullable=False),
            sa.Column("effective", sa.Date, nullable=False),
            sa.Column("closed_codes", sa.JSON, nullable=False),
            sa.Column("added_codes", sa.JSON, nullable=False),
            sa.Column("document", sa.String(200)),
            sa.Column("remarks", sa.Text),
        ),
    )
    op.create_index("ix_unit_changes_effective", "unit_changes", ["effective"])

    for table, geometry_type, title in SPATIAL:
        ddl.register_spatial_table(bind, table, "geom", geometry_type, title)
    _guard_signed(bind)


def downgrade() -> None:
    bind = op.get_bind()
    _drop_guards(bind)
    for table, _geometry_type, _title in reversed(SPATIAL):
        ddl.unregister_spatial_table(bind, table, "geom")
    for table in ("unit_changes", "stretch_findings", "marker_inspections", "inspection_campaigns", "boundary_markers", "boundary_lines"):
        op.drop_table(table)

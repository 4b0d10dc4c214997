"""Redistricting: jobs, stored proposals and their communities.

Revision ID: 0006_redistricting
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from gis.storage import ddl
from gis.storage.coltypes import UTCDateTime
from gis.storage.geometry import Geometry

revision = "0006_redistricting"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "redistricting_jobs",
        *ddl.registered_columns(
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("progress", sa.Float, nullable=False),
            sa.Column("message", sa.Text),
            sa.Column("parameters", sa.JSON, nullable=False),
            sa.Column("cancel_requested", sa.Boolean, nullable=False),
            sa.Column("worker", sa.String(64)),
            sa.Column("error", sa.JSON),
            sa.Column("started_at", UTCDateTime()),
            sa.Column("finished_at", UTCDateTime()),
        ),
    )
    op.create_index("ix_redistricting_jobs_status", "redistricting_jobs", ["status"])
    op.create_table(
        "redistricting_plans",
        *ddl.registered_columns(
            sa.Column(
                "job_id", sa.Integer, sa.ForeignKey("redistricting_jobs.id", name="fk_redistricting_plans_job_id_redistricting_jobs")
            ),
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("seed", sa.Integer, nullable=False),
            sa.Column("valid", sa.Boolean, nullable=False),
            sa.Column("rules", sa.JSON, nullable=False),
            sa.Column("metrics", sa.JSON, nullable=False),
            sa.Column("violations", sa.JSON, nullable=False),
            sa.Column("findings", sa.JSON, nullable=False),
            sa.Column("assignment", sa.JSON, nullable=False),
        ),
    )
    op.create_index("ix_redistricting_plans_job_id", "redistricting_plans", ["job_id"])
    op.create_table(
        "redistricting_communities",
        *ddl.registered_columns(
            sa.Column(
                "plan_id",
                sa.Integer,
                sa.ForeignKey("redistricting_plans.id", name="fk_redistricting_communities_plan_id_redistricting_plans"),
                nullable=False,
            ),
            sa.Column("community", sa.String(40), nullable=False),
            sa.Column("subdistrict", sa.String(20), nullable=False),
            sa.Column("households", sa.Integer, nullable=False),
            sa.Column("premises_required_m2", sa.Float, nullable=False),
            sa.Column("figures", sa.JSON, nullable=False),
            sa.Column("geom", Geometry("MULTIPOLYGON"), nullable=False),
        ),
    )
    op.create_index("ix_redistricting_communities_plan_id", "redistricting_communities", ["plan_id"])
    ddl.register_spatial_table(bind, "redistricting_communities", "geom", "MULTIPOLYGON", "拟设社区 Proposed communities")


def downgrade() -> None:
    bind = op.get_bind()
    ddl.unregister_spatial_table(bind, "redistricting_communities", "geom")
    op.drop_table("redistricting_communities")
    op.drop_table("redistricting_plans")
    op.drop_table("redistricting_jobs")

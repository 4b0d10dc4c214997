"""Place-name register: census fields and approval data on place_names; naming
applications, transitions, public comments, aliases and former names.

Revision ID: 0003_registry
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from gis.storage import ddl
from gis.storage.coltypes import UTCDateTime
from gis.storage.geometry import Geometry

revision = "0003_registry"
down_revision = "0001"
branch_labels = None
depends_on = None

NAME_COLUMNS = [
    ("specific_part", sa.String(100)),
    ("generic_part", sa.String(50)),
    ("generic_romanization", sa.String(100)),
    ("romanization_override", sa.String(200)),
    ("pinyin_key", sa.String(200)),
    ("name_code", sa.String(20)),
    ("entity_code", sa.String(20)),
    ("cross_admin_codes", sa.String(200)),
    ("map_name", sa.String(100)),
    ("map_sheet", sa.String(50)),
    ("map_scale", sa.String(20)),
    ("pronunciation_audio", sa.String(300)),
    ("minority_script", sa.String(200)),
    ("language", sa.String(50)),
    ("named_on", sa.String(32)),
    ("established_year", sa.Integer),
    ("abolished_year", sa.Integer),
    ("sign_count", sa.Integer),
    ("elevation_m", sa.Float),
    ("measurement_method", sa.String(16)),
    ("meaning", sa.Text),
    ("origin", sa.Text),
    ("history", sa.Text),
    ("entity_description", sa.Text),
    ("location_description", sa.Text),
    ("multimedia", sa.Text),
    ("data_source", sa.Text),
    ("remarks", sa.Text),
    ("registered_on", sa.Date),
    ("registrar", sa.String(64)),
    ("registering_unit", sa.String(100)),
    ("approving_body", sa.String(100)),
    ("approved_on", sa.Date),
    ("approval_document", sa.String(100)),
    ("filed_on", sa.Date),
    ("announced_on", sa.Date),
    ("retired_on", sa.Date),
]


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("place_names", recreate="never") as batch:
        for name, kind in NAME_COLUMNS:
            batch.add_column(sa.Column(name, kind))
        batch.add_column(sa.Column("classification", sa.String(16), nullable=False, server_default="public"))
    op.create_index("ix_place_names_pinyin_key", "place_names", ["pinyin_key"])

    op.create_table(
        "place_name_aliases",
        *ddl.registered_columns(
            sa.Column(
                "place_name_id",
                sa.Integer,
                sa.ForeignKey("place_names.id", name="fk_place_name_aliases_place_name_id_place_names"),
                nullable=False,
            ),
            sa.Column("alias", sa.String(100), nullable=False),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("valid_from", sa.Date),
            sa.Column("valid_to", sa.Date),
            sa.Column("note", sa.Text),
        ),
    )
    op.create_index("ix_place_name_aliases_place_name_id", "place_name_aliases", ["place_name_id"])
    op.create_index("ix_place_name_aliases_alias", "place_name_aliases", ["alias"])

    op.create_table(
        "naming_applications",
        *ddl.registered_columns(
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("state", sa.String(16), nullable=False),
            sa.Column(
                "place_name_id",
                sa.Integer,
                sa.ForeignKey("place_names.id", name="fk_naming_applications_place_name_id_place_names"),
                nullable=False,
            ),
            sa.Column("proposed_name", sa.String(100)),
            sa.Column("proposed_specific", sa.String(100)),
            sa.Column("proposed_generic", sa.String(50)),
            sa.Column("category_code", sa.String(32), nullable=False),
            sa.Column("admin_code", sa.String(20)),
            sa.Column("location_description", sa.Text),
            sa.Column("geom", Geometry("GEOMETRY")),
            sa.Column("reasons", sa.Text, nullable=False),
            sa.Column("applicant_name", sa.String(100), nullable=False),
            sa.Column("applicant_organisation", sa.String(200)),
            sa.Column("applicant_contact", sa.String(200)),
            sa.Column("assessment_report", sa.Text),
            sa.Column("expert_report", sa.Text),
            sa.Column("consultation_report", sa.Text),
            sa.Column("findings", sa.JSON),
            sa.Column("justification", sa.Text),
            sa.Column("officer_opinion", sa.Text),
            sa.Column("notice_days", sa.Integer, nullable=False),
            sa.Column("notice_starts_at", UTCDateTime()),
            sa.Column("notice_ends_at", UTCDateTime()),
            sa.Column("approving_body", sa.String(100)),
            sa.Column("decision_reason", sa.Text),
            sa.Column("approved_on", sa.Date),
            sa.Column("approval_document", sa.String(100)),
            sa.Column("filing_due", sa.Date),
            sa.Column("filed_on", sa.Date),
            sa.Column("filed_with", sa.String(100)),
            sa.Column("announcement_due", sa.Date),
            sa.Column("announced_on", sa.Date),
            sa.Column("announcement", sa.JSON),
        ),
    )
    op.create_index("ix_naming_applications_state", "naming_applications", ["state"])
    op.create_index("ix_naming_applications_place_name_id", "naming_applications", ["place_name_id"])
    ddl.register_spatial_table(bind, "naming_applications", "geom", "GEOMETRY", "地名申报 Naming applications")

    op.create_table(
        "naming_transitions",
        *ddl.registered_columns(
            sa.Column(
                "application_id",
                sa.Integer,
                sa.ForeignKey("naming_applications.id", name="fk_naming_transitions_application_id_naming_applications"),
                nullable=False,
            ),
            sa.Column("action", sa.String(16), nullable=False),
            sa.Column("from_state", sa.String(16)),
            sa.Column("to_state", sa.String(16), nullable=False),
            sa.Column("actor", sa.String(64), nullable=False),
            sa.Column("occurred_at", UTCDateTime(), nullable=False),
            sa.Column("reason", sa.Text, nullable=False),
        ),
    )
    op.create_index("ix_naming_transitions_application_id", "naming_transitions", ["application_id"])

    op.create_table(
        "naming_comments",
        *ddl.registered_columns(
            sa.Column(
                "application_id",
                sa.Integer,
                sa.ForeignKey("naming_applications.id", name="fk_naming_comments_application_id_naming_applications"),
                nullable=False,
            ),
            sa.Column("body", sa.Text, nullable=False),
            sa.Column("author_name", sa.String(100)),
            sa.Column("author_contact", sa.String(200)),
            sa.Column("submitted_at", UTCDateTime(), nullable=False),
        ),
    )
    op.create_index("ix_naming_comments_application_id", "naming_comments", ["application_id"])


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_table("naming_comments")
    op.drop_table("naming_transitions")
    ddl.unregister_spatial_table(bind, "naming_applications", "geom")
    op.drop_table("naming_applications")
    op.drop_table("place_name_aliases")
    op.drop_index("ix_place_names_pinyin_key", table_name="place_names")
    with op.batch_alter_table("place_names", recreate="never") as batch:
        batch.drop_column("classification")
        for name, _kind in reversed(NAME_COLUMNS):
            batch.drop_column(name)

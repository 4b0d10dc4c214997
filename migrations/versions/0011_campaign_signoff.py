"""Joint inspections: signed means final, addenda, and who signs for whom.

* INSERT guards: no record or finding is added to a signed campaign (UPDATE and
  DELETE were already refused by 0004's guards);
* ``addendum_of``: an addendum (补充记录) is a campaign row pointing at the signed
  campaign it adds to, holding its own records, signed again by both parties;
* ``party_a_code`` / ``party_b_code``: the unit code of each party, which must equal
  the signer's unit code (``users.unit_code``); open campaigns take their line's left
  and right unit;
* ``inspection_signatures``: the uploaded signed paper of a neighbour that
  does not use the system.

Revision ID: 0011_campaign_signoff
Revises: 0008_boundary_markers
"""

import sqlalchemy as sa
from alembic import op

from gis.storage import ddl
from gis.storage.coltypes import UTCDateTime

revision = "0011_campaign_signoff"
down_revision = "0008_boundary_markers"
branch_labels = None
depends_on = None

ADDENDUM_FK = "fk_inspection_campaigns_addendum_of_inspection_campaigns"
INSERT_GUARDS = ["marker_inspections", "stretch_findings"]
CONDITION = "(SELECT status FROM inspection_campaigns WHERE id = NEW.campaign_id) = 'signed'"


def _guard_inserts(bind) -> None:
    for table in INSERT_GUARDS:
        if bind.dialect.name == "postgresql":
            bind.exec_driver_sql(
                f"""CREATE OR REPLACE FUNCTION {table}_signed_no_insert() RETURNS trigger AS $$
                BEGIN
                    IF {CONDITION} THEN
                        RAISE EXCEPTION 'signed inspection campaigns take no new records' USING ERRCODE = 'integrity_constraint_violation';
                    END IF;
                    RETURN NEW;
                END; $$ LANGUAGE plpgsql"""
            )
            bind.exec_driver_sql(
                f"CREATE TRIGGER {table}_signed_no_insert BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_signed_no_insert()"
            )
            continue
        bind.exec_driver_sql(
            f'CREATE TRIGGER "{table}_signed_no_insert" BEFORE INSERT ON "{table}" WHEN {CONDITION} '
            "BEGIN SELECT RAISE(ABORT, 'signed inspection campaigns take no new records'); END"
        )


def _drop_insert_guards(bind) -> None:
    for table in INSERT_GUARDS:
        if bind.dialect.name == "postgresql":
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_signed_no_insert ON {table}")
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {table}_signed_no_insert()")
        else:
            bind.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{table}_signed_no_insert"')


def upgrade() -> None:
    bind = op.get_bind()
    # Plain ADD COLUMN on both backends: a batch copy on SQLite would drop 0004's guards on this table.
    op.add_column("inspection_campaigns", sa.Column("party_a_code", sa.String(20)))
    op.add_column("inspection_campaigns", sa.Column("party_b_code", sa.String(20)))
    if bind.dialect.name == "postgresql":
        op.add_column(
            "inspection_campaigns",
            sa.Column("addendum_of", sa.Integer, sa.ForeignKey("inspection_campaigns.id", name=ADDENDUM_FK)),
        )
    else:  # SQLite takes a column's REFERENCES in ADD COLUMN (Alembic would want a batch copy)
        bind.exec_driver_sql(
            f"ALTER TABLE inspection_campaigns ADD COLUMN addendum_of INTEGER CONSTRAINT {ADDENDUM_FK} REFERENCES inspection_campaigns (id)"
        )
    op.create_index("ix_inspection_campaigns_addendum_of", "inspection_campaigns", ["addendum_of"])
    # Open campaigns take their line's left and right unit as the parties' units (signed ones are final).
    bind.exec_driver_sql(
        "UPDATE inspection_campaigns SET "
        "party_a_code = (SELECT left_code FROM boundary_lines WHERE boundary_lines.id = inspection_campaigns.line_id), "
        "party_b_code = (SELECT right_code FROM boundary_lines WHERE boundary_lines.id = inspection_campaigns.line_id) "
        "WHERE status = 'open'"
    )
    op.create_table(
        "inspection_signatures",
        *ddl.registered_columns(
            sa.Column(
                "campaign_id",
                sa.Integer,
                sa.ForeignKey("inspection_campaigns.id", name="fk_inspection_signatures_campaign_id_inspection_campaigns"),
                nullable=False,
            ),
            sa.Column("party", sa.String(1), nullable=False),
            sa.Column("signatory", sa.String(100), nullable=False),
            sa.Column("document_no", sa.String(100), nullable=False),
            sa.Column("filename", sa.String(200), nullable=False),
            sa.Column("media_type", sa.String(100), nullable=False),
            sa.Column("size_bytes", sa.Integer, nullable=False),
            sa.Column("sha256", sa.String(64), nullable=False),
            sa.Column("uploaded_by", sa.String(64), nullable=False),
            sa.Column("uploaded_at", UTCDateTime(), nullable=False),
            sa.Column("content", sa.LargeBinary, nullable=False),
        ),
    )
    op.create_index("ix_inspection_signatures_campaign_id", "inspection_signatures", ["campaign_id"])
    _guard_inserts(bind)


def downgrade() -> None:
    bind = op.get_bind()
    _drop_insert_guards(bind)
    op.drop_table("inspection_signatures")
    op.drop_index("ix_inspection_campaigns_addendum_of", "inspection_campaigns")
    if bind.dialect.name == "postgresql":
        op.drop_constraint(ADDENDUM_FK, "inspection_campaigns", type_="foreignkey")
    for column in ("addendum_of", "party_b_code", "party_a_code"):
        op.drop_column("inspection_campaigns", column)

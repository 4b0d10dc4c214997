"""The search index of names in the database (issue 20): ``search_keys``, one row per lookup key
of a road, place name, alias or former name, kept in the transaction of every write to them
(placenames.search.index_upkeep), and ``search_index_state``, which rules made the keys.

The keys are made by Python (normalization, pinyin), so this script cannot fill them: on a
register that already holds names it records version 0 ("to be rebuilt"), and
``diming db upgrade`` then rebuilds them (``diming search reindex`` does the same by hand).
An empty register records version 1, the rules' version when this was written: every name
written from now on gets its keys as it is written.

Revision ID: 0018_search_keys
Revises: 0017_partition20_districts
"""

import sqlalchemy as sa
from alembic import op

from gis.storage.coltypes import UTCDateTime

revision = "0018_search_keys"
down_revision = "0017_partition20_districts"
branch_labels = None
depends_on = None

KEYS_VERSION_WHEN_WRITTEN = 1


def upgrade() -> None:
    op.create_table(
        "search_keys",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("key", sa.Text().with_variant(sa.Text(collation="C"), "postgresql"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("name_key", sa.Text, nullable=False),
        sa.Column("via", sa.String(8), nullable=False),
        sa.Column("target", sa.String(8), nullable=False),
        sa.Column("target_id", sa.Integer, nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("state", sa.String(8)),
        sa.Column("until", sa.Date),
    )
    op.create_index("ix_search_keys_key_kind", "search_keys", ["key", "kind"])
    op.create_index("ix_search_keys_source", "search_keys", ["source", "source_id"])
    historic = sa.text("(via = 'former' OR state = 'retired')")  # the few former and cancelled names
    op.create_index("ix_search_keys_historic", "search_keys", ["key"], postgresql_where=historic, sqlite_where=historic)
    state = op.create_table(
        "search_index_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("keys_version", sa.Integer, nullable=False),
        sa.Column("rebuilt_at", UTCDateTime()),
    )
    names = op.get_bind().execute(sa.text("SELECT (SELECT count(*) FROM roads) + (SELECT count(*) FROM place_names)")).scalar()
    op.bulk_insert(state, [{"id": 1, "keys_version": 0 if names else KEYS_VERSION_WHEN_WRITTEN, "rebuilt_at": None}])


def downgrade() -> None:
    op.drop_table("search_index_state")
    op.drop_index("ix_search_keys_historic", "search_keys")
    op.drop_index("ix_search_keys_source", "search_keys")
    op.drop_index("ix_search_keys_key_kind", "search_keys")
    op.drop_table("search_keys")

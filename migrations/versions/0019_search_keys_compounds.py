"""Compounds (小区/大院) are found by their names (issue 20): the search keys now include each
compound's name (keys' rules version 2, placenames.search.keys).

Like 0018, this script cannot make keys (Python makes them): on a register that holds
compounds it records version 0 ("to be rebuilt") and ``diming db upgrade`` rebuilds them;
otherwise the stored keys are already what version 2 makes. The downgrade removes the
compounds' keys and records version 1 again.

Revision ID: 0019_search_keys_compounds
Revises: 0018_search_keys
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_search_keys_compounds"
down_revision = "0018_search_keys"
branch_labels = None
depends_on = None

BEFORE, AFTER = 1, 2  # the keys' rules version without and with compounds


def upgrade() -> None:
    compounds = op.get_bind().execute(sa.text("SELECT count(*) FROM compounds")).scalar()
    op.execute(
        sa.text("UPDATE search_index_state SET keys_version = :v WHERE keys_version = :before").bindparams(
            v=0 if compounds else AFTER, before=BEFORE
        )
    )


def downgrade() -> None:
    op.execute("DELETE FROM search_keys WHERE source = 'compound' OR target = 'compound'")
    op.execute(
        sa.text("UPDATE search_index_state SET keys_version = :before WHERE keys_version = :after").bindparams(before=BEFORE, after=AFTER)
    )

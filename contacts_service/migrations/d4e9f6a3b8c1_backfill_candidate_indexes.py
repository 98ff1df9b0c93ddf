"""backfill candidates found through two partial indexes of the contacts it still asks about

Revision ID: d4e9f6a3b8c1
Revises: c3d8e5f1a2b7
Create Date: 2026-12-01 00:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# As models.py BACKFILL_PENDING at this revision (a migration keeps its own copy: the model may move on).
BACKFILL_PENDING = (
    "profile_gone IS false AND (linkedin_member_id IS NOT NULL OR linkedin_slug IS NOT NULL)"
    " AND (title = '' OR company = '' OR avatar_url = '')"
)

revision: str = "d4e9f6a3b8c1"
down_revision: str | None = "c3d8e5f1a2b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_contacts_backfill_activity": ["user_id", "last_interaction_at", "id"],
    "ix_contacts_backfill_due": ["user_id", "backfill_due_at"],
}


def upgrade() -> None:
    where = sa.text(BACKFILL_PENDING)
    for name, columns in INDEXES.items():
        op.create_index(name, "contacts", columns, unique=False, postgresql_where=where, sqlite_where=where)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="contacts")

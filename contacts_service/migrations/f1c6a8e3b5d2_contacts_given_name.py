"""contacts keep LinkedIn's first-name field beside the full name, so a draft greets "María José", not "María"

Revision ID: f1c6a8e3b5d2
Revises: e8b2d5c7f9a1
Create Date: 2026-12-02 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f1c6a8e3b5d2"
down_revision: str | None = "e8b2d5c7f9a1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy of the table on SQLite). Stored contacts start without one: the next push
    # or profile naming them fills it in, and until then drafts greet them by the full name's first word.
    op.add_column(
        "contacts", sa.Column("given_name", sa.String(length=100), server_default=sa.text("''"), nullable=False)
    )


def downgrade() -> None:
    op.drop_column("contacts", "given_name")

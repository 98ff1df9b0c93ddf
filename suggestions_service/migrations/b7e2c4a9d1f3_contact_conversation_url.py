"""contact states keep where LinkedIn's messaging opens the newest message's conversation, for "Open in LinkedIn"

Revision ID: b7e2c4a9d1f3
Revises: 731185c39ce8
Create Date: 2026-12-02 06:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e2c4a9d1f3"
down_revision: str | None = "731185c39ce8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no batch copy of the table on SQLite). Stored contacts start without an address: their
    # next message through the feed brings it.
    op.add_column(
        "contact_states",
        sa.Column("conversation_url", sa.String(length=500), server_default=sa.text("''"), nullable=False),
    )
    op.add_column("contact_states", sa.Column("conversation_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("contact_states", "conversation_at")
    op.drop_column("contact_states", "conversation_url")

"""avatar owners: who stored each avatar (only they may read it)

Revision ID: b1c4e8f20a57
Revises: 427600cef203
Create Date: 2026-11-27 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel column types)
from alembic import op

revision: str = "b1c4e8f20a57"
down_revision: str | None = "427600cef203"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "avatar_owners",
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["avatars.sha256"]),
        sa.PrimaryKeyConstraint("user_id", "sha256"),
    )
    op.create_index("ix_avatar_owners_sha256", "avatar_owners", ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_avatar_owners_sha256", table_name="avatar_owners")
    op.drop_table("avatar_owners")

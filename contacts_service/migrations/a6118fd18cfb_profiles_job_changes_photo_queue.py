"""profiles, job changes, photo queue, user edits

Revision ID: a6118fd18cfb
Revises: 6469d4a7d3cd
Create Date: 2026-11-30 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel column types)
from alembic import op

revision: str = "a6118fd18cfb"
down_revision: str | None = "6469d4a7d3cd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "job_changes",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("contact_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("old_title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("old_company", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("new_title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("new_company", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("job_changes", schema=None) as batch_op:
        batch_op.create_index("ix_job_changes_contact_seen", ["user_id", "contact_id", "seen_at"], unique=False)

    op.create_table(
        "photo_jobs",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("contact_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("source_urls", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "contact_id", name="uq_photo_jobs_user_contact"),
    )
    with op.batch_alter_table("photo_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_photo_jobs_due", ["due_at"], unique=False)

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes", sa.Text(), server_default=sa.text("''"), nullable=False))
        batch_op.add_column(
            sa.Column("edited_fields", sa.String(length=100), server_default=sa.text("''"), nullable=False)
        )
        batch_op.add_column(sa.Column("backfill_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.add_column(sa.Column("backfill_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("profile_gone", sa.Boolean(), server_default=sa.text("false"), nullable=False))
        batch_op.add_column(
            sa.Column("photo_refused_url", sa.String(length=2048), server_default=sa.text("''"), nullable=False)
        )


def downgrade() -> None:

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("photo_refused_url")
        batch_op.drop_column("profile_gone")
        batch_op.drop_column("backfill_due_at")
        batch_op.drop_column("backfill_attempts")
        batch_op.drop_column("edited_fields")
        batch_op.drop_column("notes")

    with op.batch_alter_table("photo_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_photo_jobs_due")

    op.drop_table("photo_jobs")
    with op.batch_alter_table("job_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_job_changes_contact_seen")

    op.drop_table("job_changes")

"""feed state, leases and suggestion fields: what the activity feed taught suggestions_service

Existing suggestions get empty reason kinds and no redrafts (server defaults).

Revision ID: 731185c39ce8
Revises: d9a47de0d147
Create Date: 2026-11-30 19:43:35.512046
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel column types)
from alembic import op

revision: str = "731185c39ce8"
down_revision: str | None = "d9a47de0d147"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_messages",
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("urn", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("contact_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("from_self", sa.Boolean(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "urn"),
    )
    with op.batch_alter_table("contact_messages", schema=None) as batch_op:
        batch_op.create_index("ix_contact_messages_contact", ["user_id", "contact_id", "sent_at"], unique=False)

    op.create_table(
        "contact_states",
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("contact_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("first_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("headline", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("company", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("avatar_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("member_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.Column("first_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_outbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("job_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("job_title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("job_company", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("connection_imported", sa.Boolean(), nullable=False),
        sa.Column("connected_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("user_id", "contact_id"),
    )
    with op.batch_alter_table("contact_states", schema=None) as batch_op:
        batch_op.create_index("ix_contact_states_member", ["user_id", "member_id"], unique=False)
        batch_op.create_index("ix_contact_states_slug", ["user_id", "slug"], unique=False)

    op.create_table(
        "feed_cursors",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("position", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "leases",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reason_kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("snooze_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("drafts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_suggestions_user_created", ["user_id", "created_at"], unique=False)
        batch_op.create_index(
            "ux_suggestions_open_per_contact",
            ["user_id", "contact_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'snoozed')"),
            postgresql_where=sa.text("status IN ('pending', 'snoozed')"),
        )


def downgrade() -> None:
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.drop_index("ux_suggestions_open_per_contact")
        batch_op.drop_index("ix_suggestions_user_created")
        batch_op.drop_column("drafts")
        batch_op.drop_column("closed_by")
        batch_op.drop_column("snooze_until")
        batch_op.drop_column("reason_kind")

    op.drop_table("leases")
    op.drop_table("feed_cursors")
    with op.batch_alter_table("contact_states", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_states_slug")
        batch_op.drop_index("ix_contact_states_member")

    op.drop_table("contact_states")
    with op.batch_alter_table("contact_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_messages_contact")

    op.drop_table("contact_messages")

"""contacts listed by name and searched by any part of name, company, title or headline: their indexes

Revision ID: b7e4c1a9d2f0
Revises: a6118fd18cfb
Create Date: 2026-11-30 19:50:00.000000
"""

from collections.abc import Sequence

from alembic import op

# Kept in step with store/contacts.py SEARCHED_TEXT: PostgreSQL uses the index only for that very expression.
SEARCHED_TEXT = "lower(full_name) || chr(10) || lower(company) || chr(10) || lower(title) || chr(10) || lower(headline)"

revision: str = "b7e4c1a9d2f0"
down_revision: str | None = "a6118fd18cfb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_contacts_user_name", "contacts", ["user_id", "full_name", "id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX ix_contacts_search ON contacts USING gin (({SEARCHED_TEXT}) gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_contacts_search")
    op.drop_index("ix_contacts_user_name", table_name="contacts")

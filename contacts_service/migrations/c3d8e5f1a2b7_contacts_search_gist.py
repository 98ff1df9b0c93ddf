"""contacts searched through a trigram GiST index instead of GIN: a push's UPDATE of its contacts stays cheap

Every push rewrites the aggregates (last message, its time) of the contacts it touches, and PostgreSQL adds
each new row version to every index of the table. A GIN trigram index takes one entry per trigram of the
searched text (about 100 per contact), a GiST one a single entry: a 100-contact update took 49 ms with GIN,
9 ms with GiST, 8 ms with no search index (docs/decisions.md, "Search …").

Revision ID: c3d8e5f1a2b7
Revises: b7e4c1a9d2f0
Create Date: 2026-12-01 00:45:00.000000
"""

from collections.abc import Sequence

from alembic import op

# Kept in step with store/contacts.py SEARCHED_TEXT: PostgreSQL uses the index only for that very expression.
SEARCHED_TEXT = "lower(full_name) || chr(10) || lower(company) || chr(10) || lower(title) || chr(10) || lower(headline)"

revision: str = "c3d8e5f1a2b7"
down_revision: str | None = "b7e4c1a9d2f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _search_index(method: str) -> None:
    op.execute("DROP INDEX ix_contacts_search")
    op.execute(f"CREATE INDEX ix_contacts_search ON contacts USING {method} (({SEARCHED_TEXT}) {method}_trgm_ops)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _search_index("gist")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _search_index("gin")

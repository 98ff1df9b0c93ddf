"""contacts listed A to Z by a folded name key (Émile under E, lower case among capitals), not by code points,
and searched by it too ("jose" finds José)

Revision ID: a9d3f7c2e6b4
Revises: f1c6a8e3b5d2
Create Date: 2026-12-02 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from contacts_service.domain.name_order import name_key

revision: str = "a9d3f7c2e6b4"
down_revision: str | None = "f1c6a8e3b5d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1_000  # contacts keyed per statement

# Kept in step with models.py SEARCHED_TEXT: PostgreSQL uses the index only for that very expression.
SEARCHED_BEFORE = (
    "lower(full_name) || chr(10) || lower(company) || chr(10) || lower(title) || chr(10) || lower(headline)"
)
SEARCHED_TEXT = f"{SEARCHED_BEFORE} || chr(10) || substr(name_key, 2)"


def _search_index(expression: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_contacts_search")
        op.execute(f"CREATE INDEX ix_contacts_search ON contacts USING gist (({expression}) gist_trgm_ops)")


def upgrade() -> None:
    op.add_column(
        "contacts", sa.Column("name_key", sa.String(length=300), server_default=sa.text("''"), nullable=False)
    )
    contacts = sa.table("contacts", sa.column("id", sa.String()), sa.column("full_name", sa.String()))
    keyed = sa.table("contacts", sa.column("id", sa.String()), sa.column("name_key", sa.String()))
    update = keyed.update().where(keyed.c.id == sa.bindparam("b_id")).values(name_key=sa.bindparam("b_key"))
    connection = op.get_bind()
    last = ""
    while True:  # in pages by id, so that any number of contacts fits in memory
        page = sa.select(contacts.c.id, contacts.c.full_name).where(contacts.c.id > last).order_by(contacts.c.id)
        rows = connection.execute(page.limit(BATCH)).all()
        if not rows:
            break
        connection.execute(update, [{"b_id": row.id, "b_key": name_key(row.full_name)} for row in rows])
        last = rows[-1].id
    op.drop_index("ix_contacts_user_name", table_name="contacts")
    op.create_index("ix_contacts_user_name_key", "contacts", ["user_id", "name_key", "id"], unique=False)
    _search_index(SEARCHED_TEXT)


def downgrade() -> None:
    _search_index(SEARCHED_BEFORE)
    op.drop_index("ix_contacts_user_name_key", table_name="contacts")
    op.create_index("ix_contacts_user_name", "contacts", ["user_id", "full_name", "id"], unique=False)
    op.drop_column("contacts", "name_key")

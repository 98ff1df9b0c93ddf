"""messages and conversations keyed by (user_id, URN), the key every statement uses, instead of an id

A push of 500 messages wrote 500 entries into an index of ids that no statement reads (and one more
for each conversation it moved). The unique (user_id, URN) constraint becomes the primary key; a message keeps
its id, the API's, as a plain column. SQLite cannot change a primary key, so there both tables are copied
into their new shape (1,000,000 messages: 5.8 s; the file keeps the old pages free for reuse).

Revision ID: 0b5d7e9c2a64
Revises: a9d3f7c2e6b4
Create Date: 2026-12-02 11:45:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0b5d7e9c2a64"
down_revision: str | None = "a9d3f7c2e6b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INTERACTION_COLUMNS = "user_id, contact_id, source_urn, from_self, text, occurred_at, message_key"
CONVERSATION_COLUMNS = (
    "user_id, urn, contact_id, oldest_message_at, newest_message_at, first_message_at, gap_before, gap_after,"
    " complete, updated_at"
)
CONVERSATION_FIELDS = """
    user_id VARCHAR(36) NOT NULL,
    urn VARCHAR(300) NOT NULL,
    contact_id VARCHAR(36) NOT NULL,
    oldest_message_at DATETIME NOT NULL,
    newest_message_at DATETIME NOT NULL,
    first_message_at DATETIME,
    gap_before DATETIME,
    gap_after DATETIME,
    complete BOOLEAN NOT NULL,
    updated_at DATETIME NOT NULL,
    FOREIGN KEY(contact_id) REFERENCES contacts (id),"""
INTERACTION_FIELDS = """
    id VARCHAR(36) NOT NULL,
    user_id VARCHAR(36) NOT NULL,
    contact_id VARCHAR(36) NOT NULL,
    source_urn VARCHAR(300) NOT NULL,
    from_self BOOLEAN NOT NULL,
    text TEXT NOT NULL,
    occurred_at DATETIME NOT NULL,
    message_key VARCHAR(32),
    CONSTRAINT uq_interactions_user_message_key UNIQUE (user_id, message_key),
    FOREIGN KEY(contact_id) REFERENCES contacts (id),"""
INDEXES = {
    "interactions": ["CREATE INDEX ix_interactions_contact_time ON interactions (contact_id, occurred_at)"],
    "conversations": [
        "CREATE INDEX ix_conversations_user_pending ON conversations (user_id, complete, newest_message_at, urn)",
        "CREATE INDEX ix_conversations_contact_id ON conversations (contact_id)",
    ],
}


def _is_postgres() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def _copy_sqlite_table(table: str, fields: str, key: str, columns: str, *, fresh_ids: bool = False) -> None:
    """SQLite's way to change a primary key: a new table, the rows copied over (each given a new random id when
    `fresh_ids`), the old one replaced."""
    op.execute(f"CREATE TABLE {table}_new ({fields}\n    {key}\n)")
    target, source = (f"id, {columns}", f"lower(hex(randomblob(16))), {columns}") if fresh_ids else (columns, columns)
    op.execute(f"INSERT INTO {table}_new ({target}) SELECT {source} FROM {table}")
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    for index in INDEXES[table]:
        op.execute(index)


def upgrade() -> None:
    if _is_postgres():
        # The unique index belongs to its constraint and cannot become the key in place: each key's index is
        # built afresh while the table is locked (1,000,000 messages and 500,000 conversations: 1.5 s).
        op.drop_constraint("interactions_pkey", "interactions", type_="primary")
        op.drop_constraint("uq_interactions_user_urn", "interactions", type_="unique")
        op.create_primary_key("interactions_pkey", "interactions", ["user_id", "source_urn"])
        op.drop_column("conversations", "id")  # its primary key goes with it
        op.drop_constraint("uq_conversations_user_urn", "conversations", type_="unique")
        op.create_primary_key("conversations_pkey", "conversations", ["user_id", "urn"])
        return
    _copy_sqlite_table(
        "interactions",
        INTERACTION_FIELDS,
        "CONSTRAINT interactions_pkey PRIMARY KEY (user_id, source_urn)",
        f"id, {INTERACTION_COLUMNS}",
    )
    _copy_sqlite_table(
        "conversations",
        CONVERSATION_FIELDS,
        "CONSTRAINT conversations_pkey PRIMARY KEY (user_id, urn)",
        CONVERSATION_COLUMNS,
    )


def downgrade() -> None:
    if _is_postgres():
        for table, unique, urn in (
            ("interactions", "uq_interactions_user_urn", "source_urn"),
            ("conversations", "uq_conversations_user_urn", "urn"),
        ):
            op.drop_constraint(f"{table}_pkey", table, type_="primary")
            op.create_unique_constraint(unique, table, ["user_id", urn])
        op.create_primary_key("interactions_pkey", "interactions", ["id"])
        op.execute("ALTER TABLE conversations ADD COLUMN id VARCHAR(36)")
        op.execute("UPDATE conversations SET id = gen_random_uuid()::text")
        op.execute("ALTER TABLE conversations ALTER COLUMN id SET NOT NULL, ADD PRIMARY KEY (id)")
        return
    _copy_sqlite_table(
        "interactions",
        INTERACTION_FIELDS + "\n    CONSTRAINT uq_interactions_user_urn UNIQUE (user_id, source_urn),",
        "CONSTRAINT interactions_pkey PRIMARY KEY (id)",
        f"id, {INTERACTION_COLUMNS}",
    )
    _copy_sqlite_table(
        "conversations",
        "\n    id VARCHAR(36) NOT NULL,"
        + CONVERSATION_FIELDS
        + "\n    CONSTRAINT uq_conversations_user_urn UNIQUE (user_id, urn),",
        "CONSTRAINT conversations_pkey PRIMARY KEY (id)",
        CONVERSATION_COLUMNS,
        fresh_ids=True,
    )

"""contacts_service's SQL, one module per aggregate: contacts, interactions, sync_state.

Every function takes the session of the caller's unit of work first and
returns plain values or `contacts_service.domain.records` dataclasses. The
differences between PostgreSQL and SQLite are settled here and nowhere else.
"""

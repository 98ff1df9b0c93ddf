"""Operator tasks behind the `pingcrm` CLI."""

from __future__ import annotations

from auth_service.accounts import Account, create_account
from auth_service.passwords import Passwords
from auth_service.settings import AuthSettings
from pingcrm_common.clock import SystemClock
from pingcrm_common.db import Database


async def create_user(settings: AuthSettings, email: str, password: str) -> Account:
    """`pingcrm user create --email --password`: create an account even when registration is closed.

    Raises InvalidArgument (bad email, weak password) or AlreadyExists
    (code `email_taken`); the database must be migrated already.
    """
    database = Database(settings.resolved_database_url, settings.service_name)
    try:
        return await create_account(database, Passwords(), SystemClock(), email, password)
    finally:
        await database.dispose()

"""Wiring of auth_service's domain objects, shared by the server and tests."""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as redis

from auth_service.accounts import Accounts
from auth_service.extension_tokens import ExtensionTokens
from auth_service.pairing import PairingCodes, PairingLimits
from auth_service.passwords import Passwords
from auth_service.rate_limit import FamiliarAddresses, RateLimiter
from auth_service.sessions import ExtensionSessions
from auth_service.settings import AuthSettings
from auth_service.signing import TokenSigner
from pingcrm_common.clock import Clock
from pingcrm_common.db import Database
from pingcrm_common.tokens import TokenVerifier, load_private_key, load_public_key


@dataclass(frozen=True)
class AuthDomain:
    accounts: Accounts
    sessions: ExtensionSessions
    pairing: PairingCodes
    extension_tokens: ExtensionTokens


def build_domain(
    settings: AuthSettings,
    database: Database,
    redis_client: redis.Redis,
    clock: Clock,
    *,
    pairing_limits: PairingLimits | None = None,
) -> AuthDomain:
    signer = TokenSigner(load_private_key(settings.private_key_path), clock)
    verifier = TokenVerifier(load_public_key(settings.public_key_path), clock)
    limiter = RateLimiter(redis_client, clock)
    sessions = ExtensionSessions(database, clock)
    accounts = Accounts(
        database,
        Passwords(),
        signer,
        limiter,
        FamiliarAddresses(redis_client),
        sessions,
        clock,
        allow_registration=settings.allow_registration,
    )
    pairing = PairingCodes(redis_client, sessions, signer, limiter, clock, pairing_limits)
    return AuthDomain(accounts, sessions, pairing, ExtensionTokens(verifier, signer, sessions))

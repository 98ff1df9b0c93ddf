"""Tokens signed with the test data folder's key, for tests below the edge."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import jwt

from pingcrm_common.clock import Clock
from pingcrm_common.service_tokens import ServiceTokens
from pingcrm_common.tokens import ALGORITHM, ISSUER, WEB_AUDIENCE, load_private_key


def web_token(data_dir: Path, user_id: str, clock: Clock, *, audience: str = WEB_AUDIENCE) -> str:
    key = load_private_key(data_dir / "keys" / "jwt-private.pem")
    now = clock.now()
    claims = {"sub": user_id, "aud": audience, "iss": ISSUER, "iat": now, "exp": now + timedelta(hours=1)}
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def service_metadata(data_dir: Path, service: str, clock: Clock, user_id: str = "") -> tuple[tuple[str, str], ...]:
    """Call metadata with a service token of `service` (pingcrm_common.service_tokens), as its loops send."""
    tokens = ServiceTokens(load_private_key(data_dir / "keys" / "service-private.pem"), service, clock)
    return tokens.metadata(user_id)

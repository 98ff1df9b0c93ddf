"""Tokens signed with the test data folder's key, for tests below the edge."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import jwt

from pingcrm_common.clock import Clock
from pingcrm_common.tokens import ALGORITHM, ISSUER, WEB_AUDIENCE, load_private_key


def web_token(data_dir: Path, user_id: str, clock: Clock, *, audience: str = WEB_AUDIENCE) -> str:
    key = load_private_key(data_dir / "keys" / "jwt-private.pem")
    now = clock.now()
    claims = {"sub": user_id, "aud": audience, "iss": ISSUER, "iat": now, "exp": now + timedelta(hours=1)}
    return jwt.encode(claims, key, algorithm=ALGORITHM)

"""Issuing the JWTs every service verifies: EdDSA over the auth service's Ed25519 key."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pingcrm_common.clock import Clock
from pingcrm_common.tokens import ALGORITHM, EXTENSION_AUDIENCE, ISSUER, WEB_AUDIENCE

WEB_TOKEN_LIFETIME = timedelta(hours=12)
EXTENSION_TOKEN_LIFETIME = timedelta(days=30)
# An extension token may be renewed until this long after it expired.
EXTENSION_REFRESH_GRACE = timedelta(days=90)


@dataclass(frozen=True)
class IssuedToken:
    """A signed token and when it stops being valid."""

    token: str
    issued_at: datetime
    expires_at: datetime

    @property
    def lifetime_seconds(self) -> int:
        return int((self.expires_at - self.issued_at).total_seconds())


class TokenSigner:
    """Signs web and extension tokens with the private key."""

    def __init__(self, private_key: Ed25519PrivateKey, clock: Clock) -> None:
        self._key = private_key
        self._clock = clock

    def web_token(self, user_id: str) -> IssuedToken:
        """A web-app access token for `user_id`."""
        return self._sign(WEB_AUDIENCE, user_id, WEB_TOKEN_LIFETIME, {})

    def extension_token(self, user_id: str, session_id: str) -> IssuedToken:
        """An extension token bound to one extension session (`sid`)."""
        return self._sign(EXTENSION_AUDIENCE, user_id, EXTENSION_TOKEN_LIFETIME, {"sid": session_id})

    def _sign(self, audience: str, user_id: str, lifetime: timedelta, extra: dict[str, str]) -> IssuedToken:
        issued_at = self._clock.now().replace(microsecond=0)
        expires_at = issued_at + lifetime
        claims = {
            "iss": ISSUER,
            "aud": audience,
            "sub": user_id,
            "iat": int(issued_at.timestamp()),
            "exp": int(expires_at.timestamp()),
            "jti": uuid.uuid4().hex,
            **extra,
        }
        return IssuedToken(
            token=jwt.encode(claims, self._key, algorithm=ALGORITHM), issued_at=issued_at, expires_at=expires_at
        )

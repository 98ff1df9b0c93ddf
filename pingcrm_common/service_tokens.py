"""Service tokens: how one service calls another when no user request is in flight.

A background loop (photo downloads, the activity feed) works for a user, or
for no one in particular, without holding that user's token. It signs a
short-lived token with the internal service key — `iss: pingcrm-internal`,
`aud: pingcrm-service`, `svc: <calling service>`, `sub: <user id acted for,
or "">` — and the callee's interceptor verifies it with the service public
key. Access policies name the services allowed to call each RPC
(`pingcrm_common.interceptors.from_services`), so a service token never opens
a user-facing method, and a user token never opens a service-only one.

One internal key pair serves every service (docs/decisions.md says why);
user tokens stay signed by auth_service's own key, which no other service
holds.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pingcrm_common.clock import Clock
from pingcrm_common.grpc_client import call_metadata
from pingcrm_common.tokens import ALGORITHM, SERVICE_AUDIENCE, SERVICE_ISSUER

SERVICE_TOKEN_LIFETIME = timedelta(minutes=5)


class ServiceTokens:
    """Mints service tokens for one calling service."""

    def __init__(self, private_key: Ed25519PrivateKey, service: str, clock: Clock) -> None:
        self._key = private_key
        self._service = service
        self._clock = clock

    def token(self, user_id: str = "") -> str:
        """A token proving this service, acting for `user_id` ("" when no user is concerned)."""
        issued_at = self._clock.now().replace(microsecond=0)
        claims = {
            "iss": SERVICE_ISSUER,
            "aud": SERVICE_AUDIENCE,
            "svc": self._service,
            "sub": user_id,
            "iat": int(issued_at.timestamp()),
            "exp": int((issued_at + SERVICE_TOKEN_LIFETIME).timestamp()),
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def metadata(self, user_id: str = "") -> tuple[tuple[str, str], ...]:
        """Call metadata carrying a fresh token (and the current request id, if any)."""
        return call_metadata(self.token(user_id))

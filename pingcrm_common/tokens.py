"""Token verification every service and the edge share.

The auth service signs JWTs with an Ed25519 private key (alg EdDSA); everyone
else verifies them with the public key. Only `EdDSA` is accepted, so
`alg: none` and HMAC-with-the-public-key tricks are rejected by construction.
"""

from __future__ import annotations

from collections.abc import Collection
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pingcrm_common.clock import Clock, SystemClock
from pingcrm_common.errors import Unauthenticated

WEB_AUDIENCE = "pingcrm-web"
EXTENSION_AUDIENCE = "pingcrm-extension"
ISSUER = "pingcrm-auth"
ALGORITHM = "EdDSA"


@dataclass(frozen=True)
class Caller:
    """Who is calling, as proven by a verified token."""

    user_id: str
    audience: str
    session_id: str | None
    expires_at: datetime


current_caller: ContextVar[Caller | None] = ContextVar("current_caller", default=None)


def require_caller() -> Caller:
    """The verified caller of the current RPC; the interceptor sets it."""
    caller = current_caller.get()
    if caller is None:
        raise Unauthenticated("this call needs a token")
    return caller


class TokenVerifier:
    """Verifies PingCRM JWTs against the auth service's public key."""

    def __init__(self, public_key: Ed25519PublicKey, clock: Clock | None = None) -> None:
        self._key = public_key
        self._clock = clock or SystemClock()

    def decode(self, token: str, audiences: Collection[str], *, leeway_seconds: float = 0) -> dict[str, object]:
        """Return the claims of a token with a good signature and audience, honouring expiry."""
        try:
            claims: dict[str, object] = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=list(audiences),
                issuer=ISSUER,
                options={"require": ["exp", "sub", "aud", "iss"], "verify_exp": False},
            )
        except jwt.InvalidTokenError as exc:
            raise Unauthenticated(f"invalid token: {exc}", code="invalid_token") from exc
        expires_at = datetime.fromtimestamp(float(claims["exp"]), UTC)  # type: ignore[arg-type]
        if (self._clock.now() - expires_at).total_seconds() > leeway_seconds:
            raise Unauthenticated("token expired", code="token_expired")
        return claims

    def verify(self, token: str, audiences: Collection[str]) -> Caller:
        """Verify a bearer token and return the caller it proves."""
        claims = self.decode(token, audiences)
        sid = claims.get("sid")
        return Caller(
            user_id=str(claims["sub"]),
            audience=str(claims["aud"]),
            session_id=str(sid) if sid else None,
            expires_at=datetime.fromtimestamp(float(claims["exp"]), UTC),  # type: ignore[arg-type]
        )


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` value, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def load_public_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


def load_private_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def ensure_signing_keys(private_path: Path, public_path: Path) -> bool:
    """Create an Ed25519 key pair unless both files exist; True when created."""
    if private_path.exists() and public_path.exists():
        return False
    key = Ed25519PrivateKey.generate()
    private_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.parent.mkdir(parents=True, exist_ok=True)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    private_path.touch(mode=0o600)
    private_path.write_bytes(private_pem)
    public_path.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return True

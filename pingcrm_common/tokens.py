"""Token verification every service and the edge share.

Two kinds of token, two Ed25519 key pairs (alg EdDSA only, so `alg: none`
and HMAC-with-the-public-key tricks are rejected by construction):
- user tokens (web, extension), signed by auth_service's private key;
- service tokens, which one service mints to call another in the background
  on behalf of a user (pingcrm_common.service_tokens), signed by the
  internal service key. Only services verify them: the edge has no service
  public key, so a service token presented from outside is refused.
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
SERVICE_AUDIENCE = "pingcrm-service"
SERVICE_ISSUER = "pingcrm-internal"
ALGORITHM = "EdDSA"


def service_audience(service: str) -> str:
    """The audience a caller has when it is `service` calling with a service token."""
    return f"{SERVICE_AUDIENCE}:{service}"


@dataclass(frozen=True)
class Caller:
    """Who is calling, as proven by a verified token."""

    user_id: str
    audience: str
    session_id: str | None
    expires_at: datetime

    @property
    def service(self) -> str | None:
        """The calling service's name when this is a service token (see service_audience), else None."""
        prefix = f"{SERVICE_AUDIENCE}:"
        return self.audience.removeprefix(prefix) if self.audience.startswith(prefix) else None


current_caller: ContextVar[Caller | None] = ContextVar("current_caller", default=None)


def require_caller() -> Caller:
    """The verified caller of the current RPC; the interceptor sets it."""
    caller = current_caller.get()
    if caller is None:
        raise Unauthenticated("this call needs a token", code="missing_token")
    return caller


# Tokens already verified, kept so that the next request with the same token skips the signature check
# (Ed25519 and JWT parsing: about 0.5 ms of a request's CPU in each process it crosses). Only tokens that
# passed are kept, so strangers cannot fill it; when full it starts over.
VERIFIED_TOKENS_KEPT = 4_096


class TokenVerifier:
    """Verifies PingCRM JWTs against the auth service's public key."""

    def __init__(
        self,
        public_key: Ed25519PublicKey,
        clock: Clock | None = None,
        *,
        service_public_key: Ed25519PublicKey | None = None,
    ) -> None:
        self._key = public_key
        self._service_key = service_public_key
        self._clock = clock or SystemClock()
        self._verified: dict[tuple[str, frozenset[str]], Caller] = {}

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
        expires_at = _expires_at(claims)
        if (self._clock.now() - expires_at).total_seconds() > leeway_seconds:
            raise Unauthenticated("token expired", code="token_expired")
        return claims

    def verify(self, token: str, audiences: Collection[str]) -> Caller:
        """Verify a bearer token and return the caller it proves.

        A service token (when this verifier knows the service key) proves the
        calling service acting for the user in its `sub`; its audience is
        `service_audience(<service>)`, which access policies name explicitly.

        The same token with the same audiences again is answered from what its first check proved, as long
        as it has not expired: the signed bytes are the same, and expiry is the one thing time changes.
        """
        key = (token, frozenset(audiences))
        caller = self._verified.get(key)
        if caller is not None and self._clock.now() <= caller.expires_at:
            return caller
        caller = self._verify_signed(token, audiences)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            self._verified.clear()
        self._verified[key] = caller
        return caller

    def _verify_signed(self, token: str, audiences: Collection[str]) -> Caller:
        if self._service_key is not None and _unverified_issuer(token) == SERVICE_ISSUER:
            return self._verify_service_token(token, self._service_key)
        claims = self.decode(token, audiences)
        sid = claims.get("sid")
        return Caller(
            user_id=str(claims["sub"]),
            audience=str(claims["aud"]),
            session_id=str(sid) if sid else None,
            expires_at=_expires_at(claims),
        )

    def _verify_service_token(self, token: str, key: Ed25519PublicKey) -> Caller:
        try:
            claims: dict[str, object] = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=SERVICE_AUDIENCE,
                issuer=SERVICE_ISSUER,
                options={"require": ["exp", "sub", "aud", "iss", "svc"], "verify_exp": False},
            )
        except jwt.InvalidTokenError as exc:
            raise Unauthenticated(f"invalid service token: {exc}", code="invalid_token") from exc
        expires_at = _expires_at(claims)
        if self._clock.now() > expires_at:
            raise Unauthenticated("service token expired", code="token_expired")
        return Caller(
            user_id=str(claims["sub"]),
            audience=service_audience(str(claims["svc"])),
            session_id=None,
            expires_at=expires_at,
        )


def _expires_at(claims: dict[str, object]) -> datetime:
    """The token's `exp` (required, so present): PyJWT checks that it is a number only when it checks expiry
    itself, which these verifiers do against the injected clock instead."""
    exp = claims["exp"]
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise Unauthenticated("invalid token: exp is not a number", code="invalid_token")
    return datetime.fromtimestamp(exp, UTC)


def _unverified_issuer(token: str) -> object:
    """Which key to verify with; the signature is checked right after, with that key."""
    try:
        return jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.InvalidTokenError:
        return None


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


def ensure_key_pair(private_path: Path, public_path: Path) -> bool:
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


USER_KEY_FILES = ("jwt-private.pem", "jwt-public.pem")
SERVICE_KEY_FILES = ("service-private.pem", "service-public.pem")


def ensure_embedded_keys(keys_dir: Path) -> bool:
    """Both key pairs under `keys_dir` with their default names (`pingcrm up`, tests); True when one was created."""
    created = [
        ensure_key_pair(keys_dir / private, keys_dir / public)
        for private, public in (USER_KEY_FILES, SERVICE_KEY_FILES)
    ]
    return any(created)

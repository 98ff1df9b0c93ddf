"""Extension tokens: refresh (also after expiry), disconnect, and session checks."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import grpc
import jwt
from auth_harness import TIMEOUT, AuthClient, bearer, rpc_error
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pingcrm.auth.v1 import auth_service_pb2 as pb

from pingcrm_common.tokens import load_private_key, load_public_key

NOT_VALID = "not a valid extension token; pair again"
TOO_OLD = "extension token expired too long ago to be renewed; pair again"
DISCONNECTED = "extension session was disconnected; pair again"
DAY = timedelta(days=1)


def claims_of(auth: AuthClient, token: str) -> dict[str, object]:
    return jwt.decode(
        token,
        load_public_key(auth.settings.public_key_path),
        algorithms=["EdDSA"],
        audience="pingcrm-extension",
        options={"verify_exp": False},
    )


def unsigned(claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


async def test_refresh_a_fresh_token(auth: AuthClient) -> None:
    paired = await auth.pair()
    old = claims_of(auth, paired.token)
    auth.clock.advance(DAY)
    refreshed = await auth.refresh(paired.token)
    new = claims_of(auth, refreshed.token)
    assert new["sub"] == old["sub"] and new["sid"] == old["sid"]
    assert new["jti"] != old["jti"]
    assert new["exp"] == int((auth.clock.now() + 30 * DAY).timestamp())
    assert refreshed.expires_at.seconds == new["exp"]
    assert (await auth.me(refreshed.token)).user.id == old["sub"]


async def test_refresh_89_days_after_expiry(auth: AuthClient) -> None:
    paired = await auth.pair()
    auth.clock.advance(30 * DAY + 89 * DAY)
    await rpc_error(auth.me(paired.token), grpc.StatusCode.UNAUTHENTICATED, "token expired", "token_expired")
    refreshed = await auth.refresh(paired.token)
    assert (await auth.me(refreshed.token)).linkedin.paired


async def test_refresh_91_days_after_expiry_is_declined(auth: AuthClient) -> None:
    paired = await auth.pair()
    auth.clock.advance(30 * DAY + 91 * DAY)
    await rpc_error(auth.refresh(paired.token), grpc.StatusCode.UNAUTHENTICATED, TOO_OLD, "refresh_declined")


async def test_refresh_declines_tokens_that_are_not_extension_tokens(auth: AuthClient) -> None:
    paired = await auth.pair()
    claims = claims_of(auth, paired.token)
    other_key = Ed25519PrivateKey.generate()
    forged = jwt.encode(claims, other_key, algorithm="EdDSA")
    for token in [
        paired.web_token,  # right key, wrong audience
        "garbage",
        "",
        unsigned(claims),
        forged,
        paired.token + "x",
    ]:
        await rpc_error(auth.refresh(token), grpc.StatusCode.UNAUTHENTICATED, NOT_VALID, "refresh_declined")
    # The real one still works.
    assert (await auth.refresh(paired.token)).token


async def test_refresh_declines_a_token_without_session(auth: AuthClient) -> None:
    paired = await auth.pair()
    claims = claims_of(auth, paired.token)
    # Signed with the real key but naming a session that does not exist / another user's session.
    key = load_private_key(auth.settings.private_key_path)
    for changed in [{"sid": "no-such-session"}, {"sub": "someone-else"}, {"sid": None}]:
        token = jwt.encode({**claims, **changed}, key, algorithm="EdDSA")
        await rpc_error(auth.refresh(token), grpc.StatusCode.UNAUTHENTICATED, DISCONNECTED, "refresh_declined")


async def test_disconnect_revokes_every_session(auth: AuthClient) -> None:
    first = await auth.pair()
    second = await auth.pair(web_token=first.web_token)
    other_user = await auth.pair("grace@example.com")

    response = await auth.stub.DisconnectExtension(
        pb.DisconnectExtensionRequest(), metadata=bearer(first.web_token), timeout=TIMEOUT
    )
    assert response.revoked_sessions == 2

    for paired in (first, second):
        await rpc_error(auth.refresh(paired.token), grpc.StatusCode.UNAUTHENTICATED, DISCONNECTED, "refresh_declined")
        await rpc_error(
            auth.me(paired.token), grpc.StatusCode.UNAUTHENTICATED, "extension session revoked", "session_revoked"
        )
    me = await auth.me(first.web_token)
    assert not me.linkedin.paired and not me.linkedin.HasField("paired_at")
    # Another user's extension is untouched (tenant isolation).
    assert (await auth.me(other_user.token)).linkedin.paired
    assert (await auth.refresh(other_user.token)).token
    # Disconnecting again revokes nothing.
    again = await auth.stub.DisconnectExtension(
        pb.DisconnectExtensionRequest(), metadata=bearer(first.web_token), timeout=TIMEOUT
    )
    assert again.revoked_sessions == 0


async def test_extension_can_disconnect_itself(auth: AuthClient) -> None:
    paired = await auth.pair()
    response = await auth.stub.DisconnectExtension(
        pb.DisconnectExtensionRequest(), metadata=bearer(paired.token), timeout=TIMEOUT
    )
    assert response.revoked_sessions == 1
    await rpc_error(
        auth.me(paired.token), grpc.StatusCode.UNAUTHENTICATED, "extension session revoked", "session_revoked"
    )
    await rpc_error(auth.refresh(paired.token), grpc.StatusCode.UNAUTHENTICATED, DISCONNECTED, "refresh_declined")


async def test_check_session(auth: AuthClient) -> None:
    ada = await auth.pair("ada@example.com")
    grace = await auth.pair("grace@example.com")
    ada_sid = str(claims_of(auth, ada.token)["sid"])
    grace_sid = str(claims_of(auth, grace.token)["sid"])

    async def check(token: str, session_id: str) -> bool:
        response = await auth.stub.CheckSession(
            pb.CheckSessionRequest(session_id=session_id), metadata=bearer(token), timeout=TIMEOUT
        )
        return response.active

    assert await check(ada.token, ada_sid)
    assert await check(ada.web_token, ada_sid)
    assert not await check(ada.token, grace_sid)  # another user's session is never "active" for you
    assert not await check(ada.token, "no-such-session")
    assert not await check(ada.token, "")
    assert await check(grace.token, grace_sid)

    await auth.stub.DisconnectExtension(
        pb.DisconnectExtensionRequest(), metadata=bearer(ada.web_token), timeout=TIMEOUT
    )
    assert not await check(ada.web_token, ada_sid)
    # With the revoked extension token itself, the interceptor already refuses the call.
    await rpc_error(
        check(ada.token, ada_sid), grpc.StatusCode.UNAUTHENTICATED, "extension session revoked", "session_revoked"
    )
    await rpc_error(
        auth.stub.CheckSession(pb.CheckSessionRequest(session_id=ada_sid), timeout=TIMEOUT),
        grpc.StatusCode.UNAUTHENTICATED,
        "missing bearer token",
        "missing_token",
    )

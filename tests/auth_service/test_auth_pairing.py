"""Pairing codes: issue, claim, poll, expiry, replay and brute-force limits."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import grpc
import jwt
import pytest
from auth_harness import TIMEOUT, AuthClient, bearer, retry_after, rpc_error, running_auth
from pingcrm.auth.v1 import auth_service_pb2 as pb

from auth_service.pairing import PairingLimits, normalize_code
from auth_service.rate_limit import Limit
from auth_service.settings import AuthSettings
from pingcrm_common.clock import FrozenClock
from pingcrm_common.errors import Expired, NotFound
from pingcrm_common.tokens import load_public_key

NOT_FOUND = "pairing code not found"
EXPIRED = "pairing code expired; ask the extension for a new one"
USED = "pairing code was already used"
COLLECTED = "the token for this pairing code was already collected"
WRONG_SECRET = "wrong poll secret for this pairing code"
TOO_MANY_CLAIMS = "too many pairing attempts; try again later"
CODE_PATTERN = re.compile(r"^PING-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$")


async def test_happy_path(auth: AuthClient) -> None:
    web_token = await auth.web_user()
    me = await auth.me(web_token)
    issued = await auth.new_code()
    assert issued.expires_in == 600
    assert len(issued.poll_secret) >= 43  # token_urlsafe(32)

    pending = await auth.poll(issued.code, issued.poll_secret)
    assert pending.status == pb.PAIRING_STATUS_PENDING
    assert pending.token == ""

    auth.clock.advance(timedelta(minutes=3))
    claimed = await auth.claim(web_token, issued.code)
    assert claimed.paired_at.ToDatetime(tzinfo=auth.clock.now().tzinfo) == auth.clock.now()

    auth.clock.advance(timedelta(seconds=2))
    paired = await auth.poll(issued.code, issued.poll_secret)
    assert paired.status == pb.PAIRING_STATUS_PAIRED
    claims = jwt.decode(
        paired.token,
        load_public_key(auth.settings.public_key_path),
        algorithms=["EdDSA"],
        audience="pingcrm-extension",
        issuer="pingcrm-auth",
        options={"verify_exp": False},
    )
    assert claims["sub"] == me.user.id
    assert claims["sid"]
    assert claims["jti"]
    assert claims["iat"] == int(auth.clock.now().timestamp())
    assert claims["exp"] - claims["iat"] == 30 * 24 * 3600
    assert paired.expires_at.seconds == claims["exp"]

    me = await auth.me(web_token)
    assert me.linkedin.paired
    check = await auth.stub.CheckSession(
        pb.CheckSessionRequest(session_id=str(claims["sid"])), metadata=bearer(paired.token), timeout=TIMEOUT
    )
    assert check.active


async def test_codes_use_an_alphabet_without_look_alikes(auth: AuthClient) -> None:
    codes = [(await auth.new_code(ip=f"198.51.100.{n % 3}")).code for n in range(60)]
    assert all(CODE_PATTERN.match(code) for code in codes), codes
    assert len(set(codes)) == len(codes)
    body = "".join(code[5:] for code in codes)
    assert not set(body) & set("0O1IL")
    # 360 random characters from 31 cover most of the alphabet: the codes really are random.
    assert len(set(body)) > 20


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("PING-X7K3M2", "PING-X7K3M2"),
        ("  ping-x7k3m2 \n", "PING-X7K3M2"),
        ("x7k3m2", "PING-X7K3M2"),
        ("PING X7K 3M2", "PING-X7K3M2"),
        ("pingx7k3m2", "PING-X7K3M2"),
        ("PING-X7K3M", None),
        ("PING-X7K3M22", None),
        ("PING-O7K3M2", None),
        ("", None),
    ],
)
def test_normalize_code(typed: str, expected: str | None) -> None:
    assert normalize_code(typed) == expected


async def test_claim_is_case_insensitive_and_tolerates_spaces(auth: AuthClient) -> None:
    web_token = await auth.web_user()
    issued = await auth.new_code()
    await auth.claim(web_token, f"  {issued.code.lower()}  ")
    auth.clock.advance(timedelta(seconds=1))
    assert (await auth.poll(issued.code, issued.poll_secret)).status == pb.PAIRING_STATUS_PAIRED


async def test_claim_without_prefix(auth: AuthClient) -> None:
    web_token = await auth.web_user()
    issued = await auth.new_code()
    await auth.claim(web_token, issued.code.removeprefix("PING-").lower())
    auth.clock.advance(timedelta(seconds=1))
    assert (await auth.poll(issued.code, issued.poll_secret)).status == pb.PAIRING_STATUS_PAIRED


async def test_unknown_code(auth: AuthClient) -> None:
    web_token = await auth.web_user()
    issued = await auth.new_code()
    unknown = "PING-22222Z" if issued.code != "PING-22222Z" else "PING-33333Z"
    await rpc_error(auth.claim(web_token, unknown), grpc.StatusCode.NOT_FOUND, NOT_FOUND, "pairing_code_not_found")
    await rpc_error(
        auth.claim(web_token, "PING-O0O0O0"), grpc.StatusCode.NOT_FOUND, NOT_FOUND, "pairing_code_not_found"
    )
    await rpc_error(
        auth.poll(unknown, issued.poll_secret), grpc.StatusCode.NOT_FOUND, NOT_FOUND, "pairing_code_not_found"
    )
    await rpc_error(
        auth.claim(web_token, "  "),
        grpc.StatusCode.INVALID_ARGUMENT,
        "pairing code is required",
        "pairing_code_required",
    )


async def test_expired_code(auth: AuthClient) -> None:
    web_token = await auth.web_user()
    issued = await auth.new_code()
    auth.clock.advance(timedelta(minutes=10))
    await rpc_error(
        auth.claim(web_token, issued.code), grpc.StatusCode.FAILED_PRECONDITION, EXPIRED, "pairing_code_expired"
    )
    await rpc_error(
        auth.poll(issued.code, issued.poll_secret),
        grpc.StatusCode.FAILED_PRECONDITION,
        EXPIRED,
        "pairing_code_expired",
    )


async def test_code_claimed_just_before_expiry_can_still_be_collected(auth: AuthClient) -> None:
    web_token = await auth.web_user()
    issued = await auth.new_code()
    auth.clock.advance(timedelta(minutes=9, seconds=59))
    await auth.claim(web_token, issued.code)
    auth.clock.advance(timedelta(minutes=2))
    assert (await auth.poll(issued.code, issued.poll_secret)).token
    auth.clock.advance(timedelta(minutes=10))
    await rpc_error(
        auth.poll(issued.code, issued.poll_secret), grpc.StatusCode.FAILED_PRECONDITION, EXPIRED, "pairing_code_expired"
    )


async def test_claimed_token_not_collected_in_time_expires(auth: AuthClient) -> None:
    web_token = await auth.web_user()
    issued = await auth.new_code()
    await auth.claim(web_token, issued.code)
    auth.clock.advance(timedelta(minutes=10))
    await rpc_error(
        auth.poll(issued.code, issued.poll_secret), grpc.StatusCode.FAILED_PRECONDITION, EXPIRED, "pairing_code_expired"
    )


async def test_used_code(auth: AuthClient) -> None:
    ada = await auth.web_user("ada@example.com")
    eve = await auth.web_user("eve@example.com")
    issued = await auth.new_code()
    await auth.claim(ada, issued.code)
    await rpc_error(auth.claim(eve, issued.code), grpc.StatusCode.ALREADY_EXISTS, USED, "pairing_code_used")
    await rpc_error(auth.claim(ada, issued.code), grpc.StatusCode.ALREADY_EXISTS, USED, "pairing_code_used")


async def test_concurrent_claims_pair_once(auth: AuthClient) -> None:
    users = [await auth.web_user(f"user{n}@example.com") for n in range(5)]
    issued = await auth.new_code()
    results = await asyncio.gather(
        *(auth.claim(token, issued.code, ip=f"198.51.100.{n}") for n, token in enumerate(users)),
        return_exceptions=True,
    )
    winners = [r for r in results if isinstance(r, pb.ClaimPairingCodeResponse)]
    losers = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(winners) == 1
    assert [(e.code(), e.details()) for e in losers] == [(grpc.StatusCode.ALREADY_EXISTS, USED)] * 4
    paired = [token for token in users if (await auth.me(token)).linkedin.paired]
    assert len(paired) == 1


async def test_guessing_codes_is_rate_limited_per_user(auth: AuthClient) -> None:
    web_token = await auth.web_user()
    issued = await auth.new_code()
    for n in range(10):
        await rpc_error(
            auth.claim(web_token, f"PING-ZZZZ{2 + n // 8}{2 + n % 8}", ip=f"203.0.113.{n}"),
            grpc.StatusCode.NOT_FOUND,
            NOT_FOUND,
            "pairing_code_not_found",
        )
    # The 11th attempt is refused before the lookup, even with the right code and from another address.
    error = await rpc_error(
        auth.claim(web_token, issued.code, ip="203.0.113.200"),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        TOO_MANY_CLAIMS,
        "too_many_pairing_attempts",
    )
    assert 0 < retry_after(error) <= 600
    # Another user is not affected.
    other = await auth.web_user("grace@example.com")
    await auth.claim(other, issued.code, ip="203.0.113.201")


async def test_guessing_codes_is_rate_limited_per_ip(auth: AuthClient) -> None:
    tokens = [await auth.web_user(f"user{n}@example.com") for n in range(4)]
    for n in range(30):
        await rpc_error(
            auth.claim(tokens[n % 4], f"PING-ZZZZ{2 + n // 8}{2 + n % 8}", ip="203.0.113.9"),
            grpc.StatusCode.NOT_FOUND,
            NOT_FOUND,
            "pairing_code_not_found",
        )
    error = await rpc_error(
        auth.claim(tokens[3], "PING-ZZZZZZ", ip="203.0.113.9"),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        TOO_MANY_CLAIMS,
        "too_many_pairing_attempts",
    )
    assert retry_after(error) >= 1


async def test_code_creation_is_rate_limited_per_ip(auth: AuthClient) -> None:
    for _ in range(30):
        await auth.new_code(ip="203.0.113.50")
    error = await rpc_error(
        auth.new_code(ip="203.0.113.50"),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        "too many pairing codes requested; try again later",
        "too_many_pairing_codes",
    )
    assert 0 < retry_after(error) <= 600
    await auth.new_code(ip="203.0.113.51")


async def test_poll_with_wrong_secret(auth: AuthClient) -> None:
    web_token = await auth.web_user()
    issued = await auth.new_code()
    await rpc_error(
        auth.poll(issued.code, "not-the-secret"), grpc.StatusCode.PERMISSION_DENIED, WRONG_SECRET, "wrong_poll_secret"
    )
    await auth.claim(web_token, issued.code)
    auth.clock.advance(timedelta(seconds=1))
    await rpc_error(auth.poll(issued.code, ""), grpc.StatusCode.PERMISSION_DENIED, WRONG_SECRET, "wrong_poll_secret")
    # The wrong secret did not use up the token.
    auth.clock.advance(timedelta(seconds=1))
    assert (await auth.poll(issued.code, issued.poll_secret)).token


async def test_polling_faster_than_once_a_second(auth: AuthClient) -> None:
    issued = await auth.new_code()
    await auth.poll(issued.code, issued.poll_secret)
    error = await rpc_error(
        auth.poll(issued.code, issued.poll_secret),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        "poll at most once per second",
        "polling_too_fast",
    )
    assert retry_after(error) == 1
    auth.clock.advance(timedelta(seconds=1))
    assert (await auth.poll(issued.code, issued.poll_secret)).status == pb.PAIRING_STATUS_PENDING


async def test_token_is_returned_exactly_once(auth: AuthClient) -> None:
    paired = await auth.pair()
    auth.clock.advance(timedelta(seconds=1))
    await rpc_error(
        auth.poll(paired.code, paired.poll_secret), grpc.StatusCode.ALREADY_EXISTS, COLLECTED, "pairing_code_collected"
    )
    # Claiming it again does not re-arm it either.
    await rpc_error(
        auth.claim(paired.web_token, paired.code), grpc.StatusCode.ALREADY_EXISTS, USED, "pairing_code_used"
    )


async def test_concurrent_polls_through_the_rate_limit(auth: AuthClient) -> None:
    web_token = await auth.web_user()
    issued = await auth.new_code()
    await auth.claim(web_token, issued.code)
    results = await asyncio.gather(
        *(auth.poll(issued.code, issued.poll_secret) for _ in range(10)), return_exceptions=True
    )
    tokens = [r.token for r in results if isinstance(r, pb.PollPairingCodeResponse) and r.token]
    assert len(tokens) == 1
    assert all(isinstance(r, pb.PollPairingCodeResponse | grpc.aio.AioRpcError) for r in results)


async def test_concurrent_polls_without_rate_limit_collect_once(
    auth_settings: AuthSettings, clock: FrozenClock
) -> None:
    """With the per-second limit lifted, only the collect step's atomicity stands between polls and a second token."""
    generous = PairingLimits(polls_per_code=Limit("test-polls", 1000, timedelta(seconds=1)))
    async with running_auth(auth_settings, clock, pairing_limits=generous) as auth:
        web_token = await auth.web_user()
        issued = await auth.new_code()
        await auth.claim(web_token, issued.code)
        results = await asyncio.gather(
            *(auth.poll(issued.code, issued.poll_secret) for _ in range(10)), return_exceptions=True
        )
    tokens = [r.token for r in results if isinstance(r, pb.PollPairingCodeResponse)]
    errors = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(tokens) == 1 and tokens[0]
    assert [(e.code(), e.details()) for e in errors] == [(grpc.StatusCode.ALREADY_EXISTS, COLLECTED)] * 9


async def test_claim_needs_a_web_token(auth: AuthClient) -> None:
    paired = await auth.pair()
    issued = await auth.new_code()
    await rpc_error(
        auth.claim(paired.token, issued.code),
        grpc.StatusCode.PERMISSION_DENIED,
        "a pingcrm-extension token may not call this method",
        "wrong_audience",
    )


async def test_code_gone_from_redis_answers_expired_not_unknown() -> None:
    """Once Redis has dropped an expired code, its 24-hour marker still tells 410 from 404."""
    from fakeredis import FakeAsyncRedis

    from auth_service.pairing import PairingCodes
    from auth_service.rate_limit import RateLimiter

    clock = FrozenClock()
    redis = FakeAsyncRedis(decode_responses=True)
    codes = PairingCodes(redis, sessions=None, signer=None, limiter=RateLimiter(redis, clock), clock=clock)
    issued = await codes.create("198.51.100.7")
    assert 590 <= await redis.ttl(f"auth:pairing:code:{issued.code}") <= 600
    assert await redis.ttl(f"auth:pairing:issued:{issued.code}") > 24 * 3600
    assert issued.poll_secret not in str(await redis.hgetall(f"auth:pairing:code:{issued.code}"))

    await redis.delete(f"auth:pairing:code:{issued.code}")  # what Redis does after 10 minutes
    clock.advance(timedelta(minutes=11))
    with pytest.raises(Expired) as expired:
        await codes.poll(issued.code, issued.poll_secret)
    assert (expired.value.code, expired.value.message) == ("pairing_code_expired", EXPIRED)

    await redis.delete(f"auth:pairing:issued:{issued.code}")  # and after 24 hours more
    clock.advance(timedelta(seconds=1))
    with pytest.raises(NotFound) as unknown:
        await codes.poll(issued.code, issued.poll_secret)
    assert (unknown.value.code, unknown.value.message) == ("pairing_code_not_found", NOT_FOUND)
    await redis.aclose()

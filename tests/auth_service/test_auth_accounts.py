"""Registration, login, login rate limits and the current user."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import grpc
import jwt
import pytest
from auth_harness import PASSWORD, TIMEOUT, AuthClient, retry_after, rpc_error, running_auth
from pingcrm.auth.v1 import auth_service_pb2 as pb
from sqlmodel import select

from auth_service import admin
from auth_service.models import MIGRATIONS, User
from auth_service.settings import AuthSettings
from pingcrm_common import migrations
from pingcrm_common.clock import FrozenClock
from pingcrm_common.db import Database
from pingcrm_common.errors import AlreadyExists
from pingcrm_common.tokens import load_public_key

INVALID = "invalid email or password"
TOO_MANY_LOGINS = "too many failed sign-in attempts; try again later"


async def test_register_normalizes_email_and_logs_in(auth: AuthClient) -> None:
    user = await auth.register("  Ada@Example.COM ")
    assert user.email == "ada@example.com"
    assert user.id
    assert user.created_at.ToDatetime().year == 2026

    response = await auth.stub.Login(
        pb.LoginRequest(email="ADA@example.com ", password=PASSWORD, client_ip="198.51.100.7"), timeout=TIMEOUT
    )
    assert response.expires_in == 12 * 3600
    claims = jwt.decode(
        response.access_token,
        load_public_key(auth.settings.public_key_path),
        algorithms=["EdDSA"],
        audience="pingcrm-web",
        options={"verify_exp": False},
    )
    assert claims["iss"] == "pingcrm-auth"
    assert claims["sub"] == user.id
    assert claims["exp"] - claims["iat"] == 12 * 3600
    assert claims["iat"] == int(auth.clock.now().timestamp())
    assert claims["jti"]


async def test_password_is_stored_as_argon2id(auth: AuthClient) -> None:
    # Not observable over gRPC: read the row.
    await auth.register()
    database = Database(auth.settings.resolved_database_url, "auth")
    try:
        async with database.session() as db:
            user = (await db.exec(select(User))).one()
    finally:
        await database.dispose()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


async def test_duplicate_email_is_refused_case_insensitively(auth: AuthClient) -> None:
    await auth.register("ada@example.com")
    await rpc_error(
        auth.register("ADA@example.com"),
        grpc.StatusCode.ALREADY_EXISTS,
        "an account with this email already exists",
        "email_taken",
    )


@pytest.mark.parametrize(
    ("email", "password", "details", "code"),
    [
        ("ada@example.com", "short", "password must be at least 10 characters", "password_too_short"),
        ("ada@example.com", "x" * 1025, "password must be at most 1024 characters", "password_too_long"),
        ("not-an-email", PASSWORD, "email is not a valid address", "invalid_email"),
        ("ada@localhost", PASSWORD, "email is not a valid address", "invalid_email"),
        ("a b@example.com", PASSWORD, "email is not a valid address", "invalid_email"),
        ("   ", PASSWORD, "email is required", "email_required"),
    ],
)
async def test_register_validates_input(auth: AuthClient, email: str, password: str, details: str, code: str) -> None:
    await rpc_error(auth.register(email, password), grpc.StatusCode.INVALID_ARGUMENT, details, code)


async def test_password_of_exactly_ten_characters_is_accepted(auth: AuthClient) -> None:
    await auth.register("ada@example.com", "0123456789")
    assert await auth.login("ada@example.com", "0123456789")


async def test_registration_can_be_disabled(auth_settings: AuthSettings, clock: FrozenClock) -> None:
    settings = auth_settings.model_copy(update={"allow_registration": False})
    async with running_auth(settings, clock) as auth:
        await rpc_error(
            auth.register(),
            grpc.StatusCode.PERMISSION_DENIED,
            "registration is disabled on this server",
            "registration_disabled",
        )
        # The operator's command still creates accounts.
        account = await admin.create_user(settings, " Grace@Example.com", PASSWORD)
        assert account.email == "grace@example.com"
        assert await auth.login("grace@example.com")


async def test_wrong_password_and_unknown_email_look_the_same(auth: AuthClient) -> None:
    await auth.register()
    wrong = await rpc_error(
        auth.login("ada@example.com", "wrong password!"),
        grpc.StatusCode.UNAUTHENTICATED,
        INVALID,
        "invalid_credentials",
    )
    unknown = await rpc_error(
        auth.login("nobody@example.com", "wrong password!"),
        grpc.StatusCode.UNAUTHENTICATED,
        INVALID,
        "invalid_credentials",
    )
    assert wrong.details() == unknown.details()


OWNER_IP = "198.51.100.7"  # where the account's owner signed in before
STRANGER_IP = "203.0.113.66"


async def test_a_stranger_guessing_is_stopped_without_locking_the_owner_out(auth: AuthClient) -> None:
    await auth.register()
    assert await auth.login(ip=OWNER_IP)
    for _ in range(10):
        await rpc_error(
            auth.login(password="wrong password!", ip=STRANGER_IP),
            grpc.StatusCode.UNAUTHENTICATED,
            INVALID,
            "invalid_credentials",
        )
    # The stranger's address is refused for this account, even with the right password, for the window.
    error = await rpc_error(
        auth.login(ip=STRANGER_IP), grpc.StatusCode.RESOURCE_EXHAUSTED, TOO_MANY_LOGINS, "too_many_login_attempts"
    )
    assert 0 < retry_after(error) <= 15 * 60
    # The owner signs in as usual, from their usual address and from a new one.
    assert await auth.login(ip=OWNER_IP)
    assert await auth.login(ip="192.0.2.10")
    auth.clock.advance(timedelta(seconds=retry_after(error)))
    assert await auth.login(ip=STRANGER_IP)


async def test_guesses_from_many_addresses_slow_down_new_addresses_but_not_the_owners(auth: AuthClient) -> None:
    await auth.register()
    assert await auth.login(ip=OWNER_IP)
    for number in range(10):  # one guess from each of ten addresses: no per-address limit is reached
        await rpc_error(
            auth.login(password="wrong password!", ip=f"203.0.113.{number}"),
            grpc.StatusCode.UNAUTHENTICATED,
            INVALID,
            "invalid_credentials",
        )
    # Now addresses the account never signed in from get one attempt every 2 s between them …
    await rpc_error(
        auth.login(password="wrong password!", ip="203.0.113.50"),
        grpc.StatusCode.UNAUTHENTICATED,
        INVALID,
        "invalid_credentials",
    )
    error = await rpc_error(
        auth.login(ip="203.0.113.51"), grpc.StatusCode.RESOURCE_EXHAUSTED, TOO_MANY_LOGINS, "too_many_login_attempts"
    )
    assert 1 <= retry_after(error) <= 2
    # … while the owner's address is never slowed down.
    for _ in range(3):
        assert await auth.login(ip=OWNER_IP)
    auth.clock.advance(timedelta(seconds=retry_after(error)))
    assert await auth.login(ip="203.0.113.51")


async def test_successful_logins_do_not_count_as_failures(auth: AuthClient) -> None:
    await auth.register()
    for _ in range(12):
        assert await auth.login()


async def test_login_failures_are_limited_per_ip(auth: AuthClient) -> None:
    await auth.register()
    for number in range(50):
        await rpc_error(
            auth.login(f"user{number}@example.com", "wrong password!", ip="203.0.113.5"),
            grpc.StatusCode.UNAUTHENTICATED,
            INVALID,
            "invalid_credentials",
        )
    error = await rpc_error(
        auth.login(ip="203.0.113.5"), grpc.StatusCode.RESOURCE_EXHAUSTED, TOO_MANY_LOGINS, "too_many_login_attempts"
    )
    assert retry_after(error) >= 1
    assert await auth.login(ip="203.0.113.6")  # other addresses are unaffected


async def test_current_user_before_and_after_pairing(auth: AuthClient) -> None:
    web_token = await auth.web_user()
    me = await auth.me(web_token)
    assert me.user.email == "ada@example.com"
    assert not me.linkedin.paired
    assert not me.linkedin.HasField("paired_at")

    first_paired_at = auth.clock.now()
    await auth.pair(web_token=web_token)
    auth.clock.advance(timedelta(hours=1))
    second_paired_at = auth.clock.now()
    paired = await auth.pair(web_token=web_token)

    me = await auth.me(web_token)
    assert me.linkedin.paired
    assert me.linkedin.paired_at.ToDatetime(tzinfo=second_paired_at.tzinfo) == second_paired_at
    assert second_paired_at > first_paired_at
    # The extension token identifies the same user.
    assert (await auth.me(paired.token)).user.id == me.user.id


async def test_current_user_needs_a_token(auth: AuthClient) -> None:
    await rpc_error(
        auth.stub.GetCurrentUser(pb.GetCurrentUserRequest(), timeout=TIMEOUT),
        grpc.StatusCode.UNAUTHENTICATED,
        "missing bearer token",
        "missing_token",
    )


async def test_admin_create_user_refuses_duplicates(auth_settings: AuthSettings) -> None:
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, auth_settings.resolved_database_url)
    await admin.create_user(auth_settings, "ops@example.com", PASSWORD)
    with pytest.raises(AlreadyExists) as caught:
        await admin.create_user(auth_settings, "OPS@example.com", PASSWORD)
    assert caught.value.code == "email_taken"

"""TokenVerifier keeps the tokens it verified; what it keeps must never let through what a fresh check would refuse."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from pingcrm_common import tokens
from pingcrm_common.clock import FrozenClock
from pingcrm_common.errors import Unauthenticated
from pingcrm_common.tokens import EXTENSION_AUDIENCE, WEB_AUDIENCE, TokenVerifier, load_public_key
from tests.support.tokens import web_token


def _verifier(data_dir: Path, clock: FrozenClock) -> TokenVerifier:
    return TokenVerifier(load_public_key(data_dir / "keys" / "jwt-public.pem"), clock)


def test_a_token_verified_before_is_refused_once_it_expires(data_dir: Path, clock: FrozenClock) -> None:
    verifier = _verifier(data_dir, clock)
    token = web_token(data_dir, "user-1", clock)  # valid for one hour
    assert verifier.verify(token, {WEB_AUDIENCE}).user_id == "user-1"
    clock.advance(timedelta(minutes=59))
    assert verifier.verify(token, {WEB_AUDIENCE}).user_id == "user-1"
    clock.advance(timedelta(minutes=1, seconds=1))
    with pytest.raises(Unauthenticated) as refused:
        verifier.verify(token, {WEB_AUDIENCE})
    assert refused.value.code == "token_expired"


def test_a_token_verified_for_one_audience_is_still_refused_for_another(data_dir: Path, clock: FrozenClock) -> None:
    verifier = _verifier(data_dir, clock)
    token = web_token(data_dir, "user-1", clock)
    verifier.verify(token, {WEB_AUDIENCE, EXTENSION_AUDIENCE})
    with pytest.raises(Unauthenticated) as refused:
        verifier.verify(token, {EXTENSION_AUDIENCE})
    assert refused.value.code == "invalid_token"


def test_a_refused_token_is_refused_every_time(data_dir: Path, clock: FrozenClock) -> None:
    verifier = _verifier(data_dir, clock)
    header, payload, signature = web_token(data_dir, "user-1", clock).split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            verifier.verify(forged, {WEB_AUDIENCE})


def test_it_keeps_at_most_its_limit(data_dir: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "VERIFIED_TOKENS_KEPT", 3)
    verifier = _verifier(data_dir, clock)
    for number in range(10):
        token = web_token(data_dir, f"user-{number}", clock)
        assert verifier.verify(token, {WEB_AUDIENCE}).user_id == f"user-{number}"
        assert len(verifier._verified) <= 3

"""contacts_service's servicer through pytest-grpc's fixtures (grpc_stub,
grpc_channel) on a real grpc.aio server — see tests/support/pytest_grpc_aio.py."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from pingcrm.contacts.v1 import contacts_service_pb2_grpc

from contacts_service.domain.contacts import ContactsDomain
from contacts_service.models import MIGRATIONS
from contacts_service.server import POLICY
from contacts_service.servicer import ContactsServicer
from pingcrm_common.clock import FrozenClock
from pingcrm_common.db import Database
from pingcrm_common.migrations import upgrade
from pingcrm_common.tokens import EXTENSION_AUDIENCE, TokenVerifier, ensure_embedded_keys, load_public_key
from tests.support.tokens import web_token

CLOCK = FrozenClock()


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("data")
    ensure_embedded_keys(directory / "keys")
    return directory


@pytest.fixture(scope="module")
def grpc_add_to_server():
    return contacts_service_pb2_grpc.add_ContactsServiceServicer_to_server


@pytest.fixture(scope="module")
def grpc_servicer(keys_dir, grpc_event_loop):
    url = f"sqlite+aiosqlite:///{keys_dir / 'contacts.db'}"
    upgrade(MIGRATIONS, url)
    database = Database(url, "contacts")
    yield ContactsServicer(ContactsDomain(database, CLOCK))
    asyncio.run_coroutine_threadsafe(database.dispose(), grpc_event_loop).result(timeout=10)


@pytest.fixture(scope="module")
def grpc_access_policy():
    return POLICY


@pytest.fixture(scope="module")
def grpc_verifier(keys_dir) -> TokenVerifier:
    return TokenVerifier(load_public_key(keys_dir / "keys" / "jwt-public.pem"), CLOCK)


@pytest.fixture(scope="module")
def grpc_stub_cls():
    return contacts_service_pb2_grpc.ContactsServiceStub


def test_sync_state_of_a_new_user_is_empty(grpc_stub, keys_dir) -> None:
    token = web_token(keys_dir, "user-1", CLOCK)
    response = grpc_stub.GetSyncState(
        pb.GetSyncStateRequest(), timeout=5, metadata=(("authorization", f"Bearer {token}"),)
    )
    assert response.contacts_count == 0
    assert not response.HasField("last_push_at")


def test_extension_tokens_may_not_import_csv(grpc_stub, keys_dir) -> None:
    token = web_token(keys_dir, "user-1", CLOCK, audience=EXTENSION_AUDIENCE)
    with pytest.raises(grpc.RpcError) as raised:
        grpc_stub.ImportConnectionsCsv(
            pb.ImportConnectionsCsvRequest(csv=b"First Name\n"),
            timeout=5,
            metadata=(("authorization", f"Bearer {token}"),),
        )
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert raised.value.details() == "a pingcrm-extension token may not call this method"

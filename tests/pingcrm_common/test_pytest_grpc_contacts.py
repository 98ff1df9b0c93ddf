"""contacts_service's servicer through pytest-grpc's fixtures (grpc_stub,
grpc_channel) on a real grpc.aio server — see tests/support/pytest_grpc_aio.py."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from pingcrm.contacts.v1 import contacts_service_pb2_grpc

from contacts_service.domain.contacts import ContactsDomain
from contacts_service.domain.imports.jobs import ImportsDomain
from contacts_service.media_client import MediaClient
from contacts_service.models import MIGRATIONS
from contacts_service.server import POLICY
from contacts_service.servicer import ContactsServicer
from pingcrm_common.clock import FrozenClock
from pingcrm_common.db import Database
from pingcrm_common.migrations import upgrade
from pingcrm_common.service_tokens import ServiceTokens
from pingcrm_common.tokens import (
    EXTENSION_AUDIENCE,
    TokenVerifier,
    ensure_embedded_keys,
    load_private_key,
    load_public_key,
)
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
    # No import worker here: an upload stays queued, which is all these tests need.
    imports = ImportsDomain(database, CLOCK, lease_seconds=30, wake=lambda: None)
    # A media client to an address nobody serves (these tests call no photo RPC), made in the server's loop.
    tokens = ServiceTokens(load_private_key(keys_dir / "keys" / "service-private.pem"), "contacts", CLOCK)

    async def media_client() -> MediaClient:
        return MediaClient("127.0.0.1:9", tokens)

    media = asyncio.run_coroutine_threadsafe(media_client(), grpc_event_loop).result(timeout=10)
    yield ContactsServicer(ContactsDomain(database, CLOCK, media), imports)
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


CONNECTIONS = (
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    b"Ada,Lovelace,https://www.linkedin.com/in/ada,,,,05 Mar 2024\n"
)


def test_extension_tokens_may_not_upload_an_export(grpc_stub, keys_dir) -> None:
    token = web_token(keys_dir, "user-1", CLOCK, audience=EXTENSION_AUDIENCE)
    with pytest.raises(grpc.RpcError) as raised:
        grpc_stub.UploadImport(
            iter([pb.ImportChunk(filename="Connections.csv", data=CONNECTIONS)]),
            timeout=5,
            metadata=(("authorization", f"Bearer {token}"),),
        )
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert raised.value.details() == "a pingcrm-extension token may not call this method"


def test_a_web_token_uploads_an_export_in_chunks(grpc_stub, keys_dir) -> None:
    token = web_token(keys_dir, "user-1", CLOCK)
    pieces = [CONNECTIONS[i : i + 7] for i in range(0, len(CONNECTIONS), 7)]
    chunks = [pb.ImportChunk(filename="Connections.csv", data=pieces[0])] + [pb.ImportChunk(data=p) for p in pieces[1:]]
    job = grpc_stub.UploadImport(iter(chunks), timeout=5, metadata=(("authorization", f"Bearer {token}"),))
    assert (job.kind, job.state, job.filename, job.size_bytes, job.total) == (
        pb.IMPORT_KIND_CONNECTIONS,
        pb.IMPORT_STATE_QUEUED,
        "Connections.csv",
        len(CONNECTIONS),
        1,
    )

"""ContactsService RPCs: translate proto ⇄ domain and call domain code.

RPCs not written yet inherit the generated base class and answer
UNIMPLEMENTED; the message sync issue implements them.
"""

from __future__ import annotations

from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from pingcrm.contacts.v1 import contacts_service_pb2_grpc

from contacts_service import sync_state
from pingcrm_common.db import Database
from pingcrm_common.tokens import require_caller


class ContactsServicer(contacts_service_pb2_grpc.ContactsServiceServicer):
    def __init__(self, database: Database) -> None:
        self._database = database

    async def GetSyncState(self, request: pb.GetSyncStateRequest, context: object) -> pb.GetSyncStateResponse:
        caller = require_caller()
        async with self._database.session() as session:
            state = await sync_state.for_user(session, caller.user_id)
        response = pb.GetSyncStateResponse(contacts_count=state.contacts_count)
        if state.last_push_at is not None:
            response.last_push_at.FromDatetime(state.last_push_at)
        return response

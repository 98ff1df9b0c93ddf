"""gRPC channels to the four services, opened once in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from pingcrm.auth.v1 import auth_service_pb2, auth_service_pb2_grpc
from pingcrm.contacts.v1 import contacts_service_pb2, contacts_service_pb2_grpc
from pingcrm.media.v1 import media_service_pb2, media_service_pb2_grpc
from pingcrm.suggestions.v1 import suggestions_service_pb2, suggestions_service_pb2_grpc

from edge.settings import EdgeSettings
from pingcrm_common.grpc_client import open_channel


@dataclass
class ServiceClients:
    """One channel and stub per service."""

    channels: dict[str, grpc.aio.Channel]
    auth: auth_service_pb2_grpc.AuthServiceStub
    contacts: contacts_service_pb2_grpc.ContactsServiceStub
    suggestions: suggestions_service_pb2_grpc.SuggestionsServiceStub
    media: media_service_pb2_grpc.MediaServiceStub

    @classmethod
    def open(cls, settings: EdgeSettings) -> ServiceClients:
        channels = {
            "auth": open_channel(settings.auth_addr, auth_service_pb2.DESCRIPTOR.services_by_name["AuthService"]),
            "contacts": open_channel(
                settings.contacts_addr, contacts_service_pb2.DESCRIPTOR.services_by_name["ContactsService"]
            ),
            "suggestions": open_channel(
                settings.suggestions_addr, suggestions_service_pb2.DESCRIPTOR.services_by_name["SuggestionsService"]
            ),
            "media": open_channel(settings.media_addr, media_service_pb2.DESCRIPTOR.services_by_name["MediaService"]),
        }
        return cls(
            channels=channels,
            auth=auth_service_pb2_grpc.AuthServiceStub(channels["auth"]),
            contacts=contacts_service_pb2_grpc.ContactsServiceStub(channels["contacts"]),
            suggestions=suggestions_service_pb2_grpc.SuggestionsServiceStub(channels["suggestions"]),
            media=media_service_pb2_grpc.MediaServiceStub(channels["media"]),
        )

    async def close(self) -> None:
        for channel in self.channels.values():
            await channel.close()

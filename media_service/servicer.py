"""MediaService RPCs: translate proto ⇄ domain and call domain code.

RPCs not written yet inherit the generated base class and answer
UNIMPLEMENTED; the avatar issue implements them.
"""

from __future__ import annotations

from pingcrm.media.v1 import media_service_pb2_grpc

from pingcrm_common.db import Database


class MediaServicer(media_service_pb2_grpc.MediaServiceServicer):
    def __init__(self, database: Database) -> None:
        self._database = database

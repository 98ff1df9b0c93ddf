"""SuggestionsService RPCs: translate proto ⇄ domain and call domain code.

RPCs not written yet inherit the generated base class and answer
UNIMPLEMENTED; the suggestions issue implements them.
"""

from __future__ import annotations

from pingcrm.suggestions.v1 import suggestions_service_pb2_grpc

from pingcrm_common.db import Database


class SuggestionsServicer(suggestions_service_pb2_grpc.SuggestionsServiceServicer):
    def __init__(self, database: Database) -> None:
        self._database = database

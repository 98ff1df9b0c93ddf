"""The registry type every package lists its error codes in refuses, when the
package is imported, what would make a code ambiguous or a table wrong."""

from __future__ import annotations

import grpc
import pytest
from pingcrm.contacts.v1 import contacts_service_pb2

from pingcrm_common.errors import ErrorCodes, InvalidArgument

CONTACTS = contacts_service_pb2.DESCRIPTOR.services_by_name["ContactsService"]
BAD = grpc.StatusCode.INVALID_ARGUMENT


def test_a_code_is_listed_with_its_status_meaning_and_rpcs() -> None:
    codes = ErrorCodes("contacts_service", service=CONTACTS)
    codes.add("query_too_long", BAD, "search text over 200 characters", rpcs=("ListContacts",))
    codes.add_http("request_too_large", 413, "a body over the limit")
    assert [(c.code, c.status, c.http_status, c.rpcs) for c in codes] == [
        ("query_too_long", BAD, None, ("ListContacts",)),
        ("request_too_large", None, 413, ()),
    ]
    assert "query_too_long" in codes and "other" not in codes


@pytest.mark.parametrize(
    ("register", "message"),
    [
        (lambda c: c.add("Query-Too-Long", BAD, "x"), "'Query-Too-Long' is not snake_case"),
        (lambda c: c.add("ok_code", grpc.StatusCode.OK, "x"), "ok_code: an error code needs an error status, not OK"),
        (lambda c: c.add("no_meaning", BAD, "  "), "no_meaning: say when it is answered"),
        (
            lambda c: c.add("bad_page", BAD, "x", rpcs=("ListContacts", "ListContact")),
            "bad_page: contacts_service has no RPCs named ListContact",
        ),
        (
            lambda c: [c.add("twice", BAD, "x"), c.add("twice", BAD, "y")],
            "contacts_service registers 'twice' twice",
        ),
    ],
)
def test_a_wrong_entry_is_refused(register, message) -> None:
    with pytest.raises(ValueError) as refused:
        register(ErrorCodes("contacts_service", service=CONTACTS))
    assert str(refused.value) == message


def test_an_error_always_names_a_code() -> None:
    with pytest.raises(TypeError):
        InvalidArgument("no code given")  # type: ignore[call-arg]
    assert InvalidArgument("too long", code="query_too_long").code == "query_too_long"

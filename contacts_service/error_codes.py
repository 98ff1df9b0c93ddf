"""Every error code contacts_service raises, once. README.md's table is
generated from this list (`./dev error-codes`); a raise with a code missing
here fails `./dev lint`. The token codes every service shares are
pingcrm_common's.
"""

from __future__ import annotations

import grpc
from pingcrm.contacts.v1 import contacts_service_pb2

from contacts_service.domain import edits, limits
from contacts_service.domain.activity import MAX_READ_LIMIT
from contacts_service.domain.imports import jobs
from contacts_service.domain.listing import MAX_QUERY
from pingcrm_common.errors import ErrorCodes

CODES = ErrorCodes("contacts_service", service=contacts_service_pb2.DESCRIPTOR.services_by_name["ContactsService"])
S = grpc.StatusCode

# A whole push is refused only for these; malformed items within them are skipped and named in `rejected`.
CODES.add(
    "too_many_conversations",
    S.INVALID_ARGUMENT,
    f"more than {limits.MAX_CONVERSATIONS:,} conversations in one push",
    rpcs=("PushLinkedIn",),
)
CODES.add(
    "too_many_messages",
    S.INVALID_ARGUMENT,
    f"more than {limits.MAX_MESSAGES:,} messages in all conversations of one push",
    rpcs=("PushLinkedIn",),
)
CODES.add(
    "too_many_profiles",
    S.INVALID_ARGUMENT,
    f"more than {limits.MAX_PROFILES:,} profiles in one push",
    rpcs=("PushLinkedIn",),
)
CODES.add(
    "message_text_too_long",
    S.INVALID_ARGUMENT,
    f"a message text over {limits.MAX_MESSAGE_TEXT:,} characters; the details name the message's path",
    rpcs=("PushLinkedIn",),
)

# Listing and lookup
CODES.add(
    "limit_too_large",
    S.INVALID_ARGUMENT,
    f"page_size over the maximum: {limits.MAX_PAGE_SIZE:,} contacts, "
    f"{limits.MAX_INCOMPLETE_CONVERSATIONS:,} incomplete conversations; limit over {MAX_READ_LIMIT:,} (ReadActivity)",
    rpcs=("ListContacts", "ListIncompleteConversations", "ReadActivity"),
)
CODES.add(
    "invalid_limit",
    S.INVALID_ARGUMENT,
    "a negative page_size, interactions_limit or limit",
    rpcs=("ListContacts", "GetContact", "ListIncompleteConversations", "ReadActivity"),
)
CODES.add(
    "invalid_cursor",
    S.INVALID_ARGUMENT,
    "a page_token (interactions_page_token) this service did not issue, or a listing's issued for another sort",
    rpcs=("ListContacts", "GetContact"),
)
CODES.add("unknown_sort", S.INVALID_ARGUMENT, "a sort that is not a ContactSort value", rpcs=("ListContacts",))
CODES.add("query_too_long", S.INVALID_ARGUMENT, f"search text over {MAX_QUERY:,} characters", rpcs=("ListContacts",))
CODES.add(
    "contact_not_found",
    S.NOT_FOUND,
    "no such contact, or another user's (indistinguishable on purpose)",
    rpcs=("GetContact", "FindContactByLinkedIn", "UpdateContact", "UploadContactPhoto"),
)
CODES.add("identity_required", S.INVALID_ARGUMENT, "neither member id nor slug given", rpcs=("FindContactByLinkedIn",))
CODES.add(
    "invalid_identity",
    S.INVALID_ARGUMENT,
    "not a LinkedIn member id or slug; the details say which",
    rpcs=("FindContactByLinkedIn",),
)

# The activity feed
CODES.add(
    "invalid_position", S.INVALID_ARGUMENT, "an `after` position this feed did not return", rpcs=("ReadActivity",)
)

# Imports of LinkedIn's data export
CODES.add(
    "not_a_linkedin_export",
    S.INVALID_ARGUMENT,
    "the file's first lines hold neither a Connections.csv nor a messages.csv header, or it is a .zip archive or "
    "UTF-16 text (each with its own message); nothing is stored",
    rpcs=("UploadImport",),
)
CODES.add("empty_file", S.INVALID_ARGUMENT, "the uploaded file has no content", rpcs=("UploadImport",))
CODES.add(
    "file_too_large",
    S.INVALID_ARGUMENT,
    f"a file over {jobs.MAX_FILE_BYTES:,} bytes (200 MiB); the edge refuses it first with 413",
    rpcs=("UploadImport",),
)
CODES.add(
    "too_many_imports",
    S.RESOURCE_EXHAUSTED,
    f"{jobs.MAX_UNFINISHED_JOBS} of the user's imports are still waiting or running (each holds its file)",
    rpcs=("UploadImport",),
)
CODES.add(
    "import_not_found",
    S.NOT_FOUND,
    "no such import, or another user's (indistinguishable on purpose)",
    rpcs=("GetImport",),
)
CODES.add(
    "field_too_long",
    S.INVALID_ARGUMENT,
    "an edited field over its limit: full_name, title and company 300 characters, notes "
    f"{edits.EDITABLE['notes']:,}; the message names the field",
    rpcs=("UpdateContact",),
)
CODES.add("name_required", S.INVALID_ARGUMENT, "full_name set to an empty value", rpcs=("UpdateContact",))
CODES.add(
    "nothing_to_update", S.INVALID_ARGUMENT, "none of full_name, title, company, notes given", rpcs=("UpdateContact",)
)
CODES.add("empty_photo", S.INVALID_ARGUMENT, "an uploaded photo without bytes", rpcs=("UploadContactPhoto",))
CODES.add(
    "not_an_image",
    S.INVALID_ARGUMENT,
    "the uploaded bytes are not a JPEG, PNG or WebP image (media_service's verdict)",
    rpcs=("UploadContactPhoto",),
)
CODES.add(
    "too_large",
    S.INVALID_ARGUMENT,
    "an uploaded photo over media_service's PINGCRM_MEDIA_MAX_BYTES (5,000,000 bytes); the edge answers 413 first",
    rpcs=("UploadContactPhoto",),
)
CODES.add(
    "image_too_large",
    S.INVALID_ARGUMENT,
    "the uploaded image declares more than 10,000 pixels a side or 25 megapixels (a decompression bomb)",
    rpcs=("UploadContactPhoto",),
)
CODES.add(
    "photo_refused",
    S.INVALID_ARGUMENT,
    "media_service refused the photo for another reason",
    rpcs=("UploadContactPhoto",),
)
CODES.add(
    "media_unavailable",
    S.UNAVAILABLE,
    "media_service (photos) cannot be reached or cannot store now; Retry-After 5",
    rpcs=("UploadContactPhoto",),
)

"""Every error code auth_service raises, once. README.md's table is generated
from this list (`./dev error-codes`); a raise with a code missing here fails
`./dev lint`. The token codes every service shares are pingcrm_common's.
"""

from __future__ import annotations

import grpc
from pingcrm.auth.v1 import auth_service_pb2

from auth_service.accounts import MAX_EMAIL_LENGTH
from auth_service.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from pingcrm_common.errors import ErrorCodes

CODES = ErrorCodes("auth_service", service=auth_service_pb2.DESCRIPTOR.services_by_name["AuthService"])
S = grpc.StatusCode

# Accounts
CODES.add("email_required", S.INVALID_ARGUMENT, "the email is blank", rpcs=("RegisterUser",))
CODES.add(
    "invalid_email",
    S.INVALID_ARGUMENT,
    f"not an email address, or longer than {MAX_EMAIL_LENGTH} characters",
    rpcs=("RegisterUser",),
)
CODES.add(
    "password_too_short", S.INVALID_ARGUMENT, f"fewer than {MIN_PASSWORD_LENGTH} characters", rpcs=("RegisterUser",)
)
CODES.add(
    "password_too_long", S.INVALID_ARGUMENT, f"more than {MAX_PASSWORD_LENGTH} characters", rpcs=("RegisterUser",)
)
CODES.add("email_taken", S.ALREADY_EXISTS, "an account with this email exists", rpcs=("RegisterUser",))
CODES.add("registration_disabled", S.PERMISSION_DENIED, "`PINGCRM_ALLOW_REGISTRATION=false`", rpcs=("RegisterUser",))
CODES.add(
    "invalid_credentials",
    S.UNAUTHENTICATED,
    "unknown email or wrong password (one message for both)",
    rpcs=("Login",),
)
CODES.add(
    "too_many_login_attempts",
    S.RESOURCE_EXHAUSTED,
    "failed sign-ins over the limit per email or per client IP (+ `retry-after`)",
    rpcs=("Login",),
)
CODES.add("unknown_user", S.UNAUTHENTICATED, "the token's account was deleted", rpcs=("GetCurrentUser",))

# Pairing
CODES.add(
    "too_many_pairing_codes",
    S.RESOURCE_EXHAUSTED,
    "pairing codes per client IP over the limit (+ `retry-after`)",
    rpcs=("CreatePairingCode",),
)
CODES.add(
    "pairing_code_space_exhausted",
    S.UNAVAILABLE,
    "5 colliding draws in a row (practically never); try again",
    rpcs=("CreatePairingCode",),
)
CODES.add("pairing_code_required", S.INVALID_ARGUMENT, "the typed code is blank", rpcs=("ClaimPairingCode",))
CODES.add(
    "pairing_code_not_found",
    S.NOT_FOUND,
    "unknown or malformed code",
    rpcs=("ClaimPairingCode", "PollPairingCode"),
)
CODES.add(
    "pairing_code_expired",
    S.FAILED_PRECONDITION,
    "the code's 10 minutes are over, or it was claimed and not collected within 10 more",
    rpcs=("ClaimPairingCode", "PollPairingCode"),
)
CODES.add("pairing_code_used", S.ALREADY_EXISTS, "the code was already claimed", rpcs=("ClaimPairingCode",))
CODES.add(
    "too_many_pairing_attempts",
    S.RESOURCE_EXHAUSTED,
    "claims per web user or per client IP over the limit, counted before the lookup (+ `retry-after`)",
    rpcs=("ClaimPairingCode",),
)
CODES.add("wrong_poll_secret", S.PERMISSION_DENIED, "the poll secret is not this code's", rpcs=("PollPairingCode",))
CODES.add(
    "pairing_code_collected",
    S.ALREADY_EXISTS,
    "the token was already handed out once",
    rpcs=("PollPairingCode",),
)
CODES.add(
    "polling_too_fast",
    S.RESOURCE_EXHAUSTED,
    "more than 1 poll per second per code, or polls per client IP over the limit (+ `retry-after`)",
    rpcs=("PollPairingCode",),
)

# Extension tokens
CODES.add(
    "refresh_declined",
    S.UNAUTHENTICATED,
    "every refusal: bad, foreign or unsigned token, a web token, more than 90 days past expiry, "
    "a disconnected session, a deleted user",
    rpcs=("RefreshExtensionToken",),
)

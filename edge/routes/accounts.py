"""Web accounts: register, sign in, who am I."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pingcrm.auth.v1 import auth_service_pb2 as auth_pb
from pingcrm.contacts.v1 import contacts_service_pb2 as contacts_pb
from pydantic import BaseModel, Field

from edge.deps import AnyUser, AuthStub, CallRpc, ClientIp, ContactsStub
from edge.grpc_status import API_ERRORS, problem_responses
from pingcrm_common.timestamps import to_datetime

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=problem_responses(*API_ERRORS))

# auth_service's rule (auth_service/passwords.py), which the edge may not import; a test keeps them equal.
MIN_PASSWORD_LENGTH = 10


class Credentials(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class NewAccount(Credentials):
    # auth_service decides (422 `invalid_email`, `password_too_short`); the schema says the same.
    email: str = Field(min_length=3, max_length=320, json_schema_extra={"format": "email"})
    password: str = Field(min_length=1, max_length=1024, json_schema_extra={"minLength": MIN_PASSWORD_LENGTH})


class UserOut(BaseModel):
    id: str
    email: str
    created_at: datetime | None


class LoginOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class LinkedInState(BaseModel):
    paired: bool
    paired_at: datetime | None
    last_sync_at: datetime | None


class MeOut(UserOut):
    linkedin: LinkedInState


def _user(user: auth_pb.User) -> UserOut:
    return UserOut(id=user.id, email=user.email, created_at=to_datetime(user, "created_at"))


@router.post(
    "/auth/register",
    status_code=201,
    response_model=UserOut,
    operation_id="register",
    responses=problem_responses(403, 409),
)
async def register(body: NewAccount, auth: AuthStub, rpc: CallRpc) -> UserOut:
    """Create a web account."""
    response = await rpc(auth.RegisterUser, auth_pb.RegisterUserRequest(email=body.email, password=body.password))
    return _user(response.user)


@router.post("/auth/login", response_model=LoginOut, operation_id="login", responses=problem_responses(401, 429))
async def login(body: Credentials, auth: AuthStub, rpc: CallRpc, ip: ClientIp) -> LoginOut:
    """Exchange email and password for a web access token."""
    response = await rpc(auth.Login, auth_pb.LoginRequest(email=body.email, password=body.password, client_ip=ip))
    return LoginOut(access_token=response.access_token, expires_in=response.expires_in)


@router.get("/me", response_model=MeOut, operation_id="getMe", responses=problem_responses(401))
async def me(_: AnyUser, auth: AuthStub, contacts: ContactsStub, rpc: CallRpc) -> MeOut:
    """The signed-in account with its LinkedIn pairing and last sync."""
    account = await rpc(auth.GetCurrentUser, auth_pb.GetCurrentUserRequest())
    sync = await rpc(contacts.GetSyncState, contacts_pb.GetSyncStateRequest())
    return MeOut(
        **_user(account.user).model_dump(),
        linkedin=LinkedInState(
            paired=account.linkedin.paired,
            paired_at=to_datetime(account.linkedin, "paired_at"),
            last_sync_at=to_datetime(sync, "last_push_at"),
        ),
    )

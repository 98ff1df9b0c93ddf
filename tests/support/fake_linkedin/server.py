"""The fake www.linkedin.com: Voyager endpoints, a few pages, HTTPS on loopback.

Runs in the test's event loop (uvicorn, like tests/support/stack.py runs the
edge). Chromium reaches it as https://www.linkedin.com (and its CDN
https://static.licdn.com) through `--host-resolver-rules`. It checks the
session the way LinkedIn does, can be told to fail the next Voyager calls,
and records every Voyager call so a test can assert what the extension
asked, and that it asked nothing.

Switches for what real LinkedIn does to an extension:
- `rotate_query_ids()`: a deploy replaced the GraphQL query ids; the old
  ones answer 400 and the messaging page's bundles name the new ones
  (`in_bundles=False`: no bundle names any, discovery is impossible);
- `refuse_worker_requests`: Voyager requests that are not same-origin
  requests of a LinkedIn page (`Sec-Fetch-Site` other than `same-origin`,
  as the extension's service worker sends) answer 403.
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from uvicorn.protocols.http import h11_impl

from tests.support.fake_linkedin import pages, voyager
from tests.support.fake_linkedin.bundles import (
    BUNDLE_PATH,
    CDN_ORIGIN,
    SHIPPED_QUERY_IDS,
    VENDOR_BUNDLE,
    bundle_text,
    rotated_ids,
)
from tests.support.fake_linkedin.data import PHOTO_SIZES, LinkedInData, Message, generate, photo_path
from tests.support.fake_linkedin.tls import write_self_signed
from tests.support.in_loop_server import serve_in_loop

if TYPE_CHECKING:
    from tests.support.fake_cdn import FakeCdn

GRAPHQL_PATH = "/voyager/api/voyagerMessagingGraphQL/graphql"
ME_PATH = "/voyager/api/me"
PROFILES_PATH = "/voyager/api/identity/dash/profiles"
PHOTO_PATH = "/dms/image/"  # on the fake CDN
CHECKPOINT_PATH = "/checkpoint/challenge/AgFakeChallenge"


class Failure(StrEnum):
    """What LinkedIn answers instead of data; the extension must react to each."""

    UNAUTHORIZED = "unauthorized"  # 401: the session ended on LinkedIn's side
    RATE_LIMITED = "rate_limited"  # 429 with Retry-After
    BLOCKED = "blocked"  # 999, LinkedIn's "request denied"
    QUERY_ROTATED = "query_rotated"  # 400: the GraphQL query id is no longer served
    CHALLENGE_PAGE = "challenge_page"  # 200 with an HTML security check instead of JSON
    CHECKPOINT = "checkpoint"  # 302 to /checkpoint/challenge/…


@dataclass(frozen=True)
class Session:
    """A signed-in browser's cookies. `jsessionid` is the value without its quotes."""

    li_at: str
    jsessionid: str

    @property
    def headers(self) -> dict[str, str]:
        """What a correct Voyager client sends (for tests that call the fake directly)."""
        return {
            "cookie": f'li_at={self.li_at}; JSESSIONID="{self.jsessionid}"',
            "csrf-token": self.jsessionid,
            "x-restli-protocol-version": "2.0.0",
            "accept": "application/vnd.linkedin.normalized+json+2.1",
        }


@dataclass
class VoyagerCall:
    """One request under /voyager/api/, as the fake saw it."""

    method: str
    path: str
    endpoint: str  # me | conversations | messages | profile | unknown
    query_id: str | None
    variables: dict[str, str]
    raw_query: str
    session_ok: bool  # li_at present and known
    csrf_ok: bool  # csrf-token equals JSESSIONID without quotes
    from_page: bool  # Sec-Fetch-Site: same-origin, a request of a LinkedIn page (not the worker)
    headers: dict[str, str]
    status: int = 0
    error: str | None = None


@dataclass
class _Injected:
    failure: Failure
    retry_after: int | None
    endpoint: str | None


@dataclass
class FakeLinkedIn:
    """The fake; `async with FakeLinkedIn(data) as linkedin:` serves it on `linkedin.port`."""

    data: LinkedInData = field(default_factory=generate)
    calls: list[VoyagerCall] = field(default_factory=list)
    page_visits: list[str] = field(default_factory=list)
    sessions: dict[str, str] = field(default_factory=dict)  # li_at → JSESSIONID value
    # The GraphQL query ids it answers; its bundles (name → JavaScript) and the reads of them.
    query_ids: dict[str, str] = field(default_factory=lambda: dict(SHIPPED_QUERY_IDS))
    bundles: dict[str, str] = field(default_factory=lambda: {VENDOR_BUNDLE: bundle_text(None)})
    bundle_reads: list[str] = field(default_factory=list)
    refuse_worker_requests: bool = False
    port: int = 0
    _failures: deque[_Injected] = field(default_factory=deque)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    # --- what tests call -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Where a client that does not remap DNS reaches the fake (verify=False)."""
        return f"https://127.0.0.1:{self.port}"

    @property
    def host_resolver_rule(self) -> str:
        return f"MAP www.linkedin.com 127.0.0.1:{self.port},MAP static.licdn.com 127.0.0.1:{self.port}"

    def rotate_query_ids(self, *, in_bundles: bool = True, seed: int = 1) -> dict[str, str]:
        """LinkedIn deployed new query ids: the old ones answer 400. `in_bundles`: the
        messaging page's scripts name them (else no script names any id)."""
        self.query_ids = rotated_ids(seed)
        self.bundles[f"msg{seed:04d}aq1ibtl8hx2cf0kyzsm"] = bundle_text(self.query_ids if in_bundles else None)
        return dict(self.query_ids)

    def serve_photos(self, cdn: FakeCdn) -> None:
        """Put every profile photo, at each size, on the fake CDN (media.licdn.com), and point the profiles at it."""
        from tests.support.fake_cdn import photo  # fake_cdn borrows this package's TLS helper: import it late

        self.data.photo_root = cdn.url(PHOTO_PATH)
        for member_id, profile in self.data.profiles.items():
            member = self.data.member(member_id)
            if member is None or not profile.has_photo:
                continue
            for size in PHOTO_SIZES:
                seed = int.from_bytes(member_id.encode()[-6:], "big") + size
                cdn.serve_image(PHOTO_PATH + photo_path(member, size), photo(size, size, seed=seed))

    def photo_paths(self, member_id: str) -> list[str]:
        """The CDN paths of a member's photo (what the fake CDN records when it is fetched)."""
        member = self.data.member(member_id)
        return [PHOTO_PATH + photo_path(member, size) for size in PHOTO_SIZES] if member else []

    def new_session(self) -> Session:
        # Shaped like LinkedIn's: li_at "AQEDAR…", JSESSIONID "ajax:<19 digits>".
        li_at = "AQEDAR" + secrets.token_urlsafe(36)
        session = Session(li_at=li_at, jsessionid=f"ajax:{secrets.randbelow(10**19):019d}")
        self.sessions[session.li_at] = session.jsessionid
        return session

    def end_sessions(self) -> None:
        """LinkedIn signed the user out: the cookies the browser holds stop working."""
        self.sessions.clear()

    def fail_next(
        self, failure: Failure, count: int = 1, *, retry_after: int | None = 60, endpoint: str | None = None
    ) -> None:
        """The next `count` Voyager calls (to `endpoint` only, if given) answer `failure`."""
        for _ in range(count):
            self._failures.append(_Injected(Failure(failure), retry_after, endpoint))

    def add_message(self, conversation: str, text: str, *, from_self: bool = False, at: int | None = None) -> Message:
        """See LinkedInData.add_message; `conversation` is a URN or thread id."""
        return self.data.add_message(conversation, text, from_self=from_self, at=at)

    def mark(self) -> int:
        """A position in the call log, for calls_since()."""
        return len(self.calls)

    def calls_since(self, mark: int) -> list[VoyagerCall]:
        return self.calls[mark:]

    async def wait_for_calls(
        self, predicate: Callable[[list[VoyagerCall]], bool], *, since: int = 0, timeout: float = 10.0
    ) -> list[VoyagerCall]:
        """Until predicate(calls since `since`) holds; the calls then."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self.calls[since:])), timeout)
        return self.calls[since:]

    def browser_cookies(self, session: Session) -> list[dict[str, Any]]:
        """The session's cookies as Playwright's add_cookies() takes them, shaped like LinkedIn's."""
        common = {
            "domain": ".linkedin.com",
            "path": "/",
            "secure": True,
            "sameSite": "None",
            "expires": int(time.time()) + 365 * 86_400,  # the browser's clock decides expiry
        }
        return [
            {"name": "li_at", "value": session.li_at, "httpOnly": True, **common},
            # LinkedIn quotes this value; the CSRF header carries it without the quotes.
            {"name": "JSESSIONID", "value": f'"{session.jsessionid}"', "httpOnly": False, **common},
        ]

    async def sign_in(self, context: Any) -> Session:
        """A new session, with its cookies put into a Playwright BrowserContext."""
        session = self.new_session()
        await context.add_cookies(self.browser_cookies(session))
        return session

    @staticmethod
    async def sign_out(context: Any) -> None:
        """Remove the LinkedIn cookies from a Playwright BrowserContext."""
        for name in ("li_at", "JSESSIONID"):
            await context.clear_cookies(name=name, domain=".linkedin.com")

    # --- running ---------------------------------------------------------------------------

    async def __aenter__(self) -> FakeLinkedIn:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def start(self) -> None:
        # uvicorn only knows reason phrases for 100–599 and drops the connection on
        # LinkedIn's non-standard 999; teach it the phrase (harmless for every other server).
        h11_impl.STATUS_PHRASES.setdefault(999, b"Request denied")
        self._tmp = tempfile.TemporaryDirectory(prefix="fake-linkedin-")
        cert, key = write_self_signed(Path(self._tmp.name))
        config = uvicorn.Config(
            self.app(),
            host="127.0.0.1",
            port=0,
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
            http="h11",
            lifespan="off",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=1,  # Chromium keeps connections open
        )
        self._server, self._task, self.port = await serve_in_loop(config)

    async def close(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            # A fake has nothing to finish: do not wait for Chromium's idle keep-alive connections.
            self._server.force_exit = True
            await self._task
        if self._tmp is not None:
            self._tmp.cleanup()

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/voyager/api/{rest:path}", self._voyager, methods=["GET", "POST", "PUT", "DELETE"]),
                Route("/", lambda _: RedirectResponse("/feed/", 302)),
                Route("/feed/", self._feed),
                Route("/messaging/", self._messaging),
                Route("/messaging/thread/{thread_id}/", self._messaging),
                Route("/messaging/thread/{thread_id}", self._messaging),
                Route("/in/{identity}/", self._profile_page),
                Route("/in/{identity}", self._profile_page),
                Route("/login", lambda _: HTMLResponse(pages.login())),
                Route("/checkpoint/challenge/{rest:path}", lambda _: HTMLResponse(pages.challenge())),
                Route(BUNDLE_PATH + "{name}", self._bundle),
            ]
        )

    # --- pages -----------------------------------------------------------------------------

    def _signed_in(self, request: Request) -> bool:
        return _cookies(request).get("li_at", "") in self.sessions

    def _login_redirect(self, request: Request) -> Response:
        return RedirectResponse(f"/login?session_redirect={quote(str(request.url.path), safe='')}", 302)

    async def _feed(self, request: Request) -> Response:
        self.page_visits.append(request.url.path)
        if not self._signed_in(request):
            return self._login_redirect(request)
        return HTMLResponse(pages.feed(self.data))

    async def _messaging(self, request: Request) -> Response:
        self.page_visits.append(request.url.path)
        if not self._signed_in(request):
            return self._login_redirect(request)
        scripts = tuple(f"{CDN_ORIGIN}{BUNDLE_PATH}{name}" for name in self.bundles)
        thread_id = request.path_params.get("thread_id")
        if thread_id is None:
            newest = self.data.newest_first()
            return HTMLResponse(pages.messaging(self.data, newest[0] if newest else None, scripts))
        try:
            conversation = self.data.conversation(unquote(thread_id))
        except KeyError:
            return HTMLResponse(pages.messaging(self.data, None, scripts), status_code=404)
        return HTMLResponse(pages.messaging(self.data, conversation, scripts))

    async def _profile_page(self, request: Request) -> Response:
        self.page_visits.append(request.url.path)
        if not self._signed_in(request):
            return self._login_redirect(request)
        member = self.data.member(unquote(request.path_params["identity"]))
        if member is None:
            return HTMLResponse(pages.not_found(), status_code=404)
        return HTMLResponse(pages.profile(self.data, member))

    async def _bundle(self, request: Request) -> Response:
        name = request.path_params["name"]
        self.bundle_reads.append(name)
        if name not in self.bundles:
            return PlainTextResponse("Not found", status_code=404)
        return Response(self.bundles[name], media_type="text/javascript")

    # --- Voyager ---------------------------------------------------------------------------

    async def _voyager(self, request: Request) -> Response:
        call = self._record(request)
        try:
            response = self._answer(request, call)
        except voyager.BadRequest as error:
            call.error = str(error)
            response = JSONResponse({"status": 400, "message": str(error)}, status_code=400)
        call.status = response.status_code
        async with self._changed:
            self._changed.notify_all()
        return response

    def _record(self, request: Request) -> VoyagerCall:
        raw_query = request.url.query
        cookies = _cookies(request)
        jsessionid = cookies.get("JSESSIONID")
        csrf = request.headers.get("csrf-token")
        endpoint, query_id, variables, error = "unknown", None, {}, None
        if request.url.path == ME_PATH:
            endpoint = "me"
        elif request.url.path == PROFILES_PATH:
            endpoint = "profile"
        elif request.url.path == GRAPHQL_PATH:
            raw_query_id = voyager.raw_query_param(raw_query, "queryId")
            query_id = unquote(raw_query_id) if raw_query_id is not None else None
            name = (query_id or "").partition(".")[0]
            endpoint = {voyager.CONVERSATIONS_QUERY: "conversations", voyager.MESSAGES_QUERY: "messages"}.get(
                name, "unknown"
            )
            try:
                variables = voyager.parse_variables(voyager.raw_query_param(raw_query, "variables") or "")
            except voyager.BadRequest as problem:
                error = str(problem)
        call = VoyagerCall(
            method=request.method,
            path=request.url.path,
            endpoint=endpoint,
            query_id=query_id,
            variables=variables,
            raw_query=raw_query,
            session_ok=cookies.get("li_at", "") in self.sessions,
            csrf_ok=jsessionid is not None and csrf is not None and csrf == jsessionid.strip('"'),
            from_page=request.headers.get("sec-fetch-site") == "same-origin",
            headers=dict(request.headers),
            error=error,
        )
        self.calls.append(call)
        return call

    def _answer(self, request: Request, call: VoyagerCall) -> Response:
        injected = self._take_failure(call.endpoint)
        if injected is not None:
            return _failure_response(injected)
        if self.refuse_worker_requests and not call.from_page:
            return PlainTextResponse("Forbidden", status_code=403)
        if not call.session_ok:
            return JSONResponse({"status": 401}, status_code=401)
        if not call.csrf_ok:
            return PlainTextResponse("CSRF check failed.", status_code=403)
        if request.method != "GET":
            return JSONResponse({"status": 405}, status_code=405)
        if call.endpoint == "me":
            return JSONResponse(voyager.me(self.data))
        if call.endpoint == "profile":
            return self._profile(request)
        if call.error is not None:
            raise voyager.BadRequest(call.error)
        if call.endpoint in self.query_ids and call.query_id != self.query_ids[call.endpoint]:
            raise voyager.BadRequest(f"persisted query not found: {call.query_id}")
        if call.endpoint == "conversations":
            return self._conversations(call.variables)
        if call.endpoint == "messages":
            return self._messages(call.variables)
        if call.path == GRAPHQL_PATH:
            raise voyager.BadRequest(f"unknown queryId {call.query_id!r}")
        return JSONResponse({"status": 404}, status_code=404)

    def _profile(self, request: Request) -> Response:
        params = request.query_params
        if params.get("q") != "memberIdentity" or params.get("decorationId") != voyager.PROFILE_DECORATION:
            raise voyager.BadRequest(f"unsupported profile query {request.url.query!r}")
        member = self.data.member(params.get("memberIdentity", ""))
        if member is None or self.data.profiles[member.member_id].gone:
            return JSONResponse({"status": 404}, status_code=404)
        return JSONResponse(voyager.profile(self.data, member))

    def _take_failure(self, endpoint: str) -> _Injected | None:
        for injected in self._failures:
            if injected.endpoint in (None, endpoint):
                self._failures.remove(injected)
                return injected
        return None

    def _conversations(self, variables: dict[str, str]) -> Response:
        if variables.get("mailboxUrn") != self.data.me.urn:
            raise voyager.BadRequest(f"mailboxUrn must be {self.data.me.urn}, got {variables.get('mailboxUrn')!r}")
        before = voyager.int_variable(variables, "lastUpdatedBefore")
        page = self.data.conversation_page(before)
        return JSONResponse(voyager.conversations_page(self.data, page, first_page=before is None))

    def _messages(self, variables: dict[str, str]) -> Response:
        try:
            conversation = self.data.conversation(variables.get("conversationUrn", ""))
        except KeyError as error:
            raise voyager.BadRequest(f"unknown conversationUrn {variables.get('conversationUrn')!r}") from error
        before = voyager.int_variable(variables, "deliveredAt")
        count = voyager.int_variable(variables, "countBefore")
        if before is None and count is not None:
            raise voyager.BadRequest("countBefore needs deliveredAt")
        if (voyager.int_variable(variables, "countAfter") or 0) != 0:
            raise voyager.BadRequest("only countAfter:0 is served")
        messages = self.data.message_page(conversation, before, min(count if count is not None else 20, 20))
        return JSONResponse(voyager.messages_page(conversation, messages, anchored=before is not None))


def _cookies(request: Request) -> dict[str, str]:
    """Cookie values exactly as sent (Starlette's parser drops JSESSIONID's quotes, which matter here)."""
    found: dict[str, str] = {}
    for part in request.headers.get("cookie", "").split(";"):
        name, equals, value = part.strip().partition("=")
        if equals:
            found.setdefault(name, value)
    return found


def _failure_response(injected: _Injected) -> Response:
    failure = injected.failure
    if failure is Failure.UNAUTHORIZED:
        return JSONResponse({"status": 401}, status_code=401)
    if failure is Failure.RATE_LIMITED:
        headers = {"Retry-After": str(injected.retry_after)} if injected.retry_after is not None else {}
        return Response(status_code=429, headers=headers)
    if failure is Failure.BLOCKED:
        return HTMLResponse(pages.challenge(), status_code=999)
    if failure is Failure.QUERY_ROTATED:
        return JSONResponse({"status": 400, "message": "persisted query not found"}, status_code=400)
    if failure is Failure.CHALLENGE_PAGE:
        return HTMLResponse(pages.challenge())
    return RedirectResponse(CHECKPOINT_PATH, 302)

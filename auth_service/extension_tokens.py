"""Renewing extension tokens, also after they expired (up to a grace period)."""

from __future__ import annotations

from auth_service.sessions import ExtensionSessions
from auth_service.signing import EXTENSION_REFRESH_GRACE, IssuedToken, TokenSigner
from pingcrm_common.errors import Unauthenticated
from pingcrm_common.tokens import EXTENSION_AUDIENCE, TokenVerifier

REFRESH_DECLINED = "refresh_declined"


class ExtensionTokens:
    def __init__(self, verifier: TokenVerifier, signer: TokenSigner, sessions: ExtensionSessions) -> None:
        self._verifier = verifier
        self._signer = signer
        self._sessions = sessions

    async def refresh(self, token: str) -> IssuedToken:
        """A fresh token for the same session, if `token` is ours, not too old and its session active.

        Every refusal has the code `refresh_declined`: the extension then
        forgets its token and shows the unpaired view.
        """
        try:
            claims = self._verifier.decode(
                token, [EXTENSION_AUDIENCE], leeway_seconds=EXTENSION_REFRESH_GRACE.total_seconds()
            )
        except Unauthenticated as error:
            if error.code == "token_expired":
                raise Unauthenticated(
                    "extension token expired too long ago to be renewed; pair again", code=REFRESH_DECLINED
                ) from error
            raise Unauthenticated("not a valid extension token; pair again", code=REFRESH_DECLINED) from error
        user_id = str(claims.get("sub") or "")
        session_id = str(claims.get("sid") or "")
        if not await self._sessions.is_active(user_id, session_id):
            raise Unauthenticated("extension session was disconnected; pair again", code=REFRESH_DECLINED)
        return self._signer.extension_token(user_id, session_id)

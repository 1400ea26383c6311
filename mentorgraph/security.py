"""Bearer tokens (JWT, HS256) for signed-in users.

A token from logIn, signUp or refreshSession names its session (`sid`,
`models/accounts/sessions.py`): it is short-lived (`access_token_ttl_minutes`) and refused as soon
as its session ends. Tokens without `sid` (issued by `issue` without a session: tests, benchmarks,
tokens from before sessions existed) are valid until they expire, as before.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

import jwt

from mentorgraph.models import clock
from mentorgraph.models.accounts import sessions
from mentorgraph.models.accounts.users import User
from mentorgraph.models.safety import standing
from mentorgraph.settings import Settings

__all__ = ["Credentials", "InvalidToken", "TokenService"]


SESSION_ENDED = "The token's session has ended: sign in again."
# Tokens whose signature was verified, kept with what they say: a signed-in client sends the
# same token with every request until it refreshes, and verifying the signature again was about
# a tenth of a compiled answer's CPU (docs/benchmarks.md, round nine). Only valid tokens are
# kept, the least recently used out past this many (a few hundred KB at most).
VERIFIED_TOKENS_KEPT = 1024


class InvalidToken(Exception):
    """The token is malformed, forged, expired, or names no user."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a valid token says: whose it is and until when (seconds since the epoch)."""

    user_id: int
    expires_at: float
    # The session it belongs to; None for a session-less token (see the module's docstring).
    session_id: int | None = None


class TokenService:
    def __init__(self, secret: str, ttl: timedelta, session_ttl: timedelta | None = None) -> None:
        self._secret = secret
        # Session-less tokens (`issue` without a session), e.g. `mentorgraph token`'s.
        self._ttl = ttl
        # Tokens of a session (logIn, signUp, refreshSession).
        self._session_ttl = session_ttl or ttl
        self._verified: OrderedDict[str, Credentials] = OrderedDict()

    @property
    def long_ttl(self) -> timedelta:
        """The lifetime of tokens for scripts (`mentorgraph token`): a session's."""
        return self._ttl

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenService:
        return cls(
            settings.resolved_jwt_secret,
            timedelta(minutes=settings.token_ttl_minutes),
            timedelta(minutes=settings.access_token_ttl_minutes),
        )

    def issue(self, user: User, session_id: int | None = None, ttl: timedelta | None = None) -> str:
        """A token for `user` in `session_id` (access-token lifetime), or session-less."""
        issued = clock.now()
        if ttl is None:
            ttl = self._ttl if session_id is None else self._session_ttl
        claims: dict[str, object] = {"sub": str(user.id), "iat": issued, "exp": issued + ttl}
        if session_id is not None:
            claims["sid"] = session_id
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def user_id_for(self, token: str) -> int:
        """The id a valid token names (its user may have been deleted since: `viewer_for`)."""
        return self.credentials_for(token).user_id

    def credentials_for(self, token: str) -> Credentials:
        known = self._verified.get(token)
        if known is not None:
            # Expiry checked again as PyJWT checks it (`exp <= now` is expired, the real clock).
            if known.expires_at > time.time():
                self._verified.move_to_end(token)
                return known
            del self._verified[token]
        credentials = self._verify(token)
        self._verified[token] = credentials
        if len(self._verified) > VERIFIED_TOKENS_KEPT:
            self._verified.popitem(last=False)
        return credentials

    def _verify(self, token: str) -> Credentials:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                options={"require": ["sub", "exp"], "verify_iat": False},
            )
            sid = claims.get("sid")
            if sid is not None and (not isinstance(sid, int) or isinstance(sid, bool)):
                raise ValueError("sid")
            return Credentials(int(claims["sub"]), float(claims["exp"]), sid)
        except (jwt.PyJWTError, ValueError, TypeError):
            raise InvalidToken("The token is invalid or expired: sign in again.") from None

    async def viewer_for(self, credentials: Credentials) -> User:
        """The user a token names, if its session is live (a session-less token has none to
        end) and the account exists in good standing: one statement."""
        user, live = await sessions.user_if_live(credentials.user_id, credentials.session_id)
        if not live:
            raise InvalidToken(SESSION_ENDED)
        return self.in_standing(user)

    @staticmethod
    def in_standing(user: User | None) -> User:
        """The token's user, unless the account is gone, suspended or banned."""
        # An anonymised account (`models/accounts/account_deletion.py`) is gone, whatever the token.
        if user is None or user.deleted_at is not None:
            raise InvalidToken("The token's account no longer exists: sign in again.")
        if not standing.in_good_standing(user):
            # Suspended or banned: even a token without a session (`issue`) stops here.
            raise InvalidToken("The token's account is suspended or banned.")
        return user

    def user_id_for_header(self, header: str | None) -> int | None:
        """None for no header; InvalidToken for a bad one (never silently anonymous)."""
        credentials = self.credentials_for_header(header)
        return None if credentials is None else credentials.user_id

    def credentials_for_header(self, header: str | None) -> Credentials | None:
        """None for no header; InvalidToken for a bad one (never silently anonymous)."""
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("Send the token as 'Authorization: Bearer <token>'.")
        return self.credentials_for(token.strip())

    async def user_for_header(self, header: str | None) -> User | None:
        """None for no header; InvalidToken for a bad one (never silently anonymous)."""
        credentials = self.credentials_for_header(header)
        return None if credentials is None else await self.viewer_for(credentials)

"""Bearer tokens (JWT, HS256) for signed-in users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import jwt

from mentorgraph.settings import Settings
from models import clock
from models.users import User

__all__ = ["Credentials", "InvalidToken", "TokenService"]


class InvalidToken(Exception):
    """The token is malformed, forged, expired, or names no user."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a valid token says: whose it is and until when (seconds since the epoch)."""

    user_id: int
    expires_at: float


class TokenService:
    def __init__(self, secret: str, ttl: timedelta) -> None:
        self._secret = secret
        self._ttl = ttl

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenService:
        return cls(settings.resolved_jwt_secret, timedelta(minutes=settings.token_ttl_minutes))

    def issue(self, user: User) -> str:
        issued = clock.now()
        claims = {"sub": str(user.id), "iat": issued, "exp": issued + self._ttl}
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def user_id_for(self, token: str) -> int:
        """The id a valid token names (its user may have been deleted since: `user_by_id`)."""
        return self.credentials_for(token).user_id

    def credentials_for(self, token: str) -> Credentials:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                options={"require": ["sub", "exp"], "verify_iat": False},
            )
            return Credentials(int(claims["sub"]), float(claims["exp"]))
        except (jwt.PyJWTError, ValueError, TypeError):
            raise InvalidToken("The token is invalid or expired: sign in again.") from None

    @staticmethod
    async def user_by_id(user_id: int) -> User:
        user = await User.get_or_none(id=user_id)
        if user is None:
            raise InvalidToken("The token's account no longer exists: sign in again.")
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
        user_id = self.user_id_for_header(header)
        return None if user_id is None else await self.user_by_id(user_id)

"""Sessions and passwords (issue 16): `sessions`, `refreshSession`, `logOut`,
`logOutEverywhere`, `endSession`, `changePassword`, `requestPasswordReset`, `resetPassword`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from mentorgraph.models.accounts.auth import Session as SessionModel
from mentorgraph.models.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
from mentorgraph.models.accounts.passwords import MIN_LENGTH as PASSWORD_MIN
from mentorgraph.resolvers.accounts import accounts
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.schema.accounts.accounts import AuthPayload
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import INPUT
from mentorgraph.schema.errors import UserError, payload, user_errors_field
from mentorgraph.schema.resolver_fields import field_resolver, mutation

__all__ = ["SessionMutation", "SessionQuery"]


@strawberry.type(description="One of your sign-ins, live until it ends or goes unused too long.")
class Session:
    id: strawberry.ID = strawberry.field(description="Its id, for `endSession`.")
    user_agent: str = strawberry.field(
        description="What the client said it was (its User-Agent), at sign-in or last refresh."
    )
    address: str = strawberry.field(description="The client address it was last used from.")
    created_at: datetime = strawberry.field(description="When you signed in.")
    last_used_at: datetime = strawberry.field(
        description="The sign-in or the last `refreshSession` (not every request)."
    )
    current: bool = strawberry.field(description="Whether it is the one asking.")

    @classmethod
    def of(cls, row: SessionModel, current_id: int | None) -> Session:
        return cls(
            id=strawberry.ID(encode_global_id("Session", row.id)),
            user_agent=row.user_agent,
            address=row.address,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            current=row.id == current_id,
        )


@strawberry.input(description="The refresh token of your session.")
class RefreshSessionInput:
    refresh_token: str = strawberry.field(
        description="The last `refreshToken` you were given; each one works once."
    )


@strawberry.type(description="The result of `logOut`, `logOutEverywhere` and `endSession`.")
class EndSessionsPayload:
    ended: int | None = strawberry.field(
        description="How many sessions were ended; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="One of your sessions, to end.")
class EndSessionInput:
    id: strawberry.ID = strawberry.field(description="The session's id (from `sessions`).")


@strawberry.input(description="Your password, and the one to have instead.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="The password you have now.")
    new_password: str = strawberry.field(description=f"{PASSWORD_MIN}-{PASSWORD_MAX} characters.")


@strawberry.type(description="The result of `changePassword`.")
class ChangePasswordPayload:
    ended_sessions: int | None = strawberry.field(
        description="How many of your other sessions were ended; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="Where to send a password reset link.")
class RequestPasswordResetInput:
    email: str = strawberry.field(description="Your account's email (case-insensitive).")


@strawberry.input(description="An emailed reset token, and the new password.")
class ResetPasswordInput:
    token: str = strawberry.field(description="The token from the emailed link; works once.")
    new_password: str = strawberry.field(description=f"{PASSWORD_MIN}-{PASSWORD_MAX} characters.")


@strawberry.type(description="The result of `requestPasswordReset` and `resetPassword`.")
class PasswordResetPayload:
    ok: bool | None = strawberry.field(
        description="True when done (for `requestPasswordReset`: whether or not an account has"
        " the email, which it does not tell); null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type
class SessionQuery:
    @field_resolver(
        description="Your live sessions, most recently used first (signed in; at most 100)."
    )
    async def sessions(self, info: Info) -> list[Session]:
        rows = await accounts.sessions_of_viewer(info.context)
        return [Session.of(row, info.context.session_id) for row in rows]


@strawberry.type
class SessionMutation:
    @mutation(
        description="Spend your refresh token for a new access token and refresh token."
        " INVALID_REFRESH_TOKEN when it is unknown or its session ended; REFRESH_TOKEN_REUSED"
        " when it was spent before (its whole session is then ended)."
    )
    async def refresh_session(
        self, info: Info, input: Annotated[RefreshSessionInput, INPUT]
    ) -> AuthPayload:
        work = accounts.refresh_session(info.context, input.refresh_token)
        return await payload(AuthPayload, work, "token", "refresh_token", "viewer")

    @mutation(
        description="End the session of the token you send (signed in): its tokens stop"
        " working, and its WebSockets are closed."
    )
    async def log_out(self, info: Info) -> EndSessionsPayload:
        return await payload(EndSessionsPayload, accounts.log_out(info.context), "ended")

    @mutation(description="End every one of your sessions, this one too (signed in).")
    async def log_out_everywhere(self, info: Info) -> EndSessionsPayload:
        work = accounts.log_out_everywhere(info.context)
        return await payload(EndSessionsPayload, work, "ended")

    @mutation(
        description="End one of your sessions (signed in); NOT_FOUND unless it is yours and live."
    )
    async def end_session(
        self, info: Info, input: Annotated[EndSessionInput, INPUT]
    ) -> EndSessionsPayload:
        work = accounts.end_session(info.context, input.id)
        return await payload(EndSessionsPayload, work, "ended")

    @mutation(
        description="Change your password (signed in), ending your other sessions."
        " INVALID_CREDENTIALS for a wrong current password; PASSWORD_THROTTLED after several."
    )
    async def change_password(
        self, info: Info, input: Annotated[ChangePasswordInput, INPUT]
    ) -> ChangePasswordPayload:
        work = accounts.change_password(
            info.context,
            current_password=input.current_password,
            new_password=input.new_password,
        )
        return await payload(ChangePasswordPayload, work, "ended_sessions")

    @mutation(
        description="Email a single-use link to reset the password. The answer is the same"
        " whether an account has this email or not; PASSWORD_RESET_THROTTLED when too many"
        " were asked for this email or from here."
    )
    async def request_password_reset(
        self, info: Info, input: Annotated[RequestPasswordResetInput, INPUT]
    ) -> PasswordResetPayload:
        work = accounts.request_password_reset(info.context, input.email)
        return await payload(PasswordResetPayload, work, "ok")

    @mutation(
        description="Set a new password with an emailed token, ending every session of the"
        " account (then sign in). INVALID_RESET_TOKEN when the token is unknown, used or"
        " expired; PASSWORD_THROTTLED after many bad tokens from one address."
    )
    async def reset_password(
        self, info: Info, input: Annotated[ResetPasswordInput, INPUT]
    ) -> PasswordResetPayload:
        work = accounts.reset_password(
            info.context, token=input.token, new_password=input.new_password
        )
        return await payload(PasswordResetPayload, work, "ok")

"""signUp, logIn, sessions, passwords, updateProfile, setAvailability."""

from __future__ import annotations

from datetime import datetime

from mentorgraph.models.accounts import accounts, password_reset, sessions
from mentorgraph.models.accounts.accounts import ProfileChanges
from mentorgraph.models.accounts.auth import Session
from mentorgraph.models.accounts.sessions import EndReason, SignedIn
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.mentor_availability import set_own_availability
from mentorgraph.models.requests.requests import MentorshipRequest
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.ids import decode_id_of

__all__ = [
    "change_password",
    "end_session",
    "log_in",
    "log_out",
    "log_out_everywhere",
    "refresh_session",
    "request_password_reset",
    "reset_password",
    "sessions_of_viewer",
    "set_availability",
    "sign_up",
    "update_profile",
]

# (access token, refresh token, user): what a sign-in answers.
Tokens = tuple[str, str, User]


def _answer(ctx: Context, signed_in: SignedIn) -> Tokens:
    token = ctx.sign_in(signed_in.user, signed_in.session.id)
    return token, signed_in.refresh_token, signed_in.user


async def _start(ctx: Context, user: User) -> Tokens:
    started = await sessions.start(user, address=ctx.client_address, user_agent=ctx.user_agent)
    return _answer(ctx, started)


async def sign_up(ctx: Context, *, email: str, password: str, name: str) -> Tokens:
    user = await accounts.sign_up(
        email=email, password=password, name=name, client_address=ctx.client_address
    )
    return await _start(ctx, user)


async def log_in(ctx: Context, *, email: str, password: str) -> Tokens:
    user = await accounts.authenticate(
        email=email, password=password, client_address=ctx.client_address
    )
    return await _start(ctx, user)


async def refresh_session(ctx: Context, refresh_token: str) -> Tokens:
    refreshed = await sessions.refresh(
        refresh_token, address=ctx.client_address, user_agent=ctx.user_agent
    )
    return _answer(ctx, refreshed)


async def log_out(ctx: Context) -> int:
    viewer = ctx.require_viewer()
    if ctx.session_id is None:
        return 0  # a session-less token: nothing to end (it expires by itself)
    return await sessions.end_all_of(viewer, [ctx.session_id], EndReason.LOG_OUT)


async def log_out_everywhere(ctx: Context) -> int:
    viewer = ctx.require_viewer()
    return await sessions.end_all(viewer.id, EndReason.LOG_OUT_EVERYWHERE)


async def end_session(ctx: Context, session_id: str) -> int:
    viewer = ctx.require_viewer()
    pk = decode_id_of("Session", session_id)
    await sessions.end_session(viewer, pk, EndReason.ENDED_BY_OWNER)
    return 1


async def sessions_of_viewer(ctx: Context) -> list[Session]:
    return await sessions.active_sessions(ctx.require_viewer())


async def change_password(ctx: Context, *, current_password: str, new_password: str) -> int:
    return await password_reset.change_password(
        ctx.require_viewer(),
        current_password=current_password,
        new_password=new_password,
        keep_session=ctx.session_id,
    )


async def request_password_reset(ctx: Context, email: str) -> bool:
    await password_reset.request_reset(email=email, client_address=ctx.client_address)
    return True


async def reset_password(ctx: Context, *, token: str, new_password: str) -> bool:
    await password_reset.reset_password(
        token=token, new_password=new_password, client_address=ctx.client_address
    )
    return True


async def update_profile(ctx: Context, changes: ProfileChanges) -> User:
    return await accounts.update_profile(ctx.require_viewer(), changes)


async def set_availability(
    ctx: Context, available: bool, *, until: datetime | None, decline_waiting: bool
) -> tuple[User, list[MentorshipRequest]]:
    return await set_own_availability(
        ctx.require_viewer(), available=available, until=until, decline_waiting=decline_waiting
    )

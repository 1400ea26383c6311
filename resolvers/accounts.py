"""signUp, logIn, updateProfile, setAvailability."""

from __future__ import annotations

from datetime import datetime

from models import accounts
from models.accounts import ProfileChanges
from models.mentor_availability import set_own_availability
from models.requests import MentorshipRequest
from models.users import User
from resolvers.context import Context

__all__ = ["log_in", "set_availability", "sign_up", "update_profile"]


async def sign_up(ctx: Context, *, email: str, password: str, name: str) -> tuple[str, User]:
    user = await accounts.sign_up(
        email=email, password=password, name=name, client_address=ctx.client_address
    )
    return ctx.sign_in(user), user


async def log_in(ctx: Context, *, email: str, password: str) -> tuple[str, User]:
    user = await accounts.authenticate(
        email=email, password=password, client_address=ctx.client_address
    )
    return ctx.sign_in(user), user


async def update_profile(ctx: Context, changes: ProfileChanges) -> User:
    return await accounts.update_profile(ctx.require_viewer(), changes)


async def set_availability(
    ctx: Context, available: bool, *, until: datetime | None, decline_waiting: bool
) -> tuple[User, list[MentorshipRequest]]:
    return await set_own_availability(
        ctx.require_viewer(), available=available, until=until, decline_waiting=decline_waiting
    )

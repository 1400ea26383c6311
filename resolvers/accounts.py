"""signUp, logIn, updateProfile, setAvailability."""

from __future__ import annotations

from models import accounts
from models.accounts import ProfileChanges
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


async def set_availability(ctx: Context, available: bool) -> User:
    return await accounts.set_availability(ctx.require_viewer(), available)

"""Accounts and profiles: `viewer`, `signUp`, `logIn`, `updateProfile`, `setAvailability`."""

from __future__ import annotations

import strawberry

from models.accounts import ProfileChanges
from resolvers import accounts
from schema.context import Info
from schema.errors import UserError, payload
from schema.types.user import ChannelType, User

__all__ = ["AccountMutation", "AccountQuery"]


@strawberry.input
class SignUpInput:
    email: str
    password: str
    name: str


@strawberry.input
class LogInInput:
    email: str
    password: str


@strawberry.type
class AuthPayload:
    token: str | None
    viewer: User | None
    user_errors: list[UserError]


@strawberry.input
class ChannelInput:
    type: ChannelType  # type: ignore[valid-type]
    handle: str


@strawberry.input(description="Profile fields to change; those left out stay as they are.")
class UpdateProfileInput:
    name: str | None = None
    avatar_url: str | None = None
    title: str | None = None
    bio: str | None = None
    country: str | None = None
    spoken_languages: list[str] | None = None
    tags: list[str] | None = None
    capacity: int | None = None
    channels: list[ChannelInput] | None = None


@strawberry.type
class UpdateProfilePayload:
    user: User | None
    user_errors: list[UserError]


@strawberry.input
class SetAvailabilityInput:
    available: bool


@strawberry.type
class SetAvailabilityPayload:
    user: User | None
    user_errors: list[UserError]


@strawberry.type
class AccountQuery:
    @strawberry.field(description="The signed-in user, or null when anonymous.")
    def viewer(self, info: Info) -> User | None:
        return info.context.viewer  # type: ignore[return-value]


@strawberry.type
class AccountMutation:
    @strawberry.mutation
    async def sign_up(self, info: Info, input: SignUpInput) -> AuthPayload:
        work = accounts.sign_up(
            info.context, email=input.email, password=input.password, name=input.name
        )
        return await payload(AuthPayload, work, "token", "viewer")

    @strawberry.mutation
    async def log_in(self, info: Info, input: LogInInput) -> AuthPayload:
        work = accounts.log_in(info.context, email=input.email, password=input.password)
        return await payload(AuthPayload, work, "token", "viewer")

    @strawberry.mutation
    async def update_profile(self, info: Info, input: UpdateProfileInput) -> UpdateProfilePayload:
        changes = ProfileChanges(
            name=input.name,
            avatar_url=input.avatar_url,
            title=input.title,
            bio=input.bio,
            country=input.country,
            spoken_languages=input.spoken_languages,
            tags=input.tags,
            capacity=input.capacity,
            channels=(
                [(c.type, c.handle) for c in input.channels] if input.channels is not None else None
            ),
        )
        return await payload(
            UpdateProfilePayload, accounts.update_profile(info.context, changes), "user"
        )

    @strawberry.mutation
    async def set_availability(
        self, info: Info, input: SetAvailabilityInput
    ) -> SetAvailabilityPayload:
        work = accounts.set_availability(info.context, input.available)
        return await payload(SetAvailabilityPayload, work, "user")

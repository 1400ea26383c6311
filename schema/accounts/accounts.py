"""Accounts and profiles: `viewer`, `signUp`, `logIn`, `updateProfile`, `setAvailability`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from mentorgraph.models.accounts.accounts import ProfileChanges
from mentorgraph.models.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
from mentorgraph.models.accounts.passwords import MIN_LENGTH as PASSWORD_MIN
from mentorgraph.models.accounts.validation import (
    MAX_AVATAR_URL_LENGTH,
    MAX_BIO_LENGTH,
    MAX_CAPACITY,
    MAX_CHANNELS,
    MAX_EMAIL_LENGTH,
    MAX_HANDLE_LENGTH,
    MAX_LANGUAGES,
    MAX_NAME_LENGTH,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    MAX_TITLE_LENGTH,
)
from mentorgraph.models.limits import Limits
from mentorgraph.resolvers.accounts import accounts
from mentorgraph.schema.accounts.user_types import ChannelType, User
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import INPUT
from mentorgraph.schema.errors import UserError, payload, user_errors_field
from mentorgraph.schema.resolver_fields import field_resolver, mutation

if TYPE_CHECKING:
    from mentorgraph.schema.requests.request_types import MentorshipRequest

__all__ = ["AccountMutation", "AccountQuery"]

# The rules' defaults, for the documentation (the server's settings may differ).
RULES = Limits()


@strawberry.input(description="A new member account (anyone may become a mentor later).")
class SignUpInput:
    email: str = strawberry.field(
        description=f"How you sign in; at most {MAX_EMAIL_LENGTH} characters, case-insensitive."
    )
    password: str = strawberry.field(description=f"{PASSWORD_MIN}-{PASSWORD_MAX} characters.")
    name: str = strawberry.field(description=f"Shown to others: 1-{MAX_NAME_LENGTH} characters.")


@strawberry.input(description="The credentials of an existing account.")
class LogInInput:
    email: str = strawberry.field(description="The account's email (case-insensitive).")
    password: str = strawberry.field(description="The account's password.")


@strawberry.type(description="A signed-in session: its tokens and whom they name.")
class AuthPayload:
    token: str | None = strawberry.field(
        description="The access token: send it as `Authorization: Bearer <token>` (HTTP) or in"
        " `connectionParams` (WebSocket). Short-lived: before it expires, get a new one with"
        " `refreshSession` (or sign in again). Null when refused."
    )
    refresh_token: str | None = strawberry.field(
        description="Keep it secret, and spend it with `refreshSession` for new tokens; each"
        " works once. Null when refused.",
    )
    viewer: User | None = strawberry.field(description="The signed-in user; null when refused.")
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="A way to reach you, shown to your approved mentees.")
class ChannelInput:
    type: ChannelType = strawberry.field(description="Which service; each at most once.")
    handle: str = strawberry.field(
        description=f"Your handle or address there (at most {MAX_HANDLE_LENGTH} characters,"
        " in the service's format)."
    )


@strawberry.input(description="Profile fields to change; those left out stay as they are.")
class UpdateProfileInput:
    name: str | None = strawberry.field(
        default=None, description=f"1-{MAX_NAME_LENGTH} characters."
    )
    avatar_url: str | None = strawberry.field(
        default=None,
        description=f"An https:// URL of at most {MAX_AVATAR_URL_LENGTH} characters;"
        " empty removes it.",
    )
    title: str | None = strawberry.field(
        default=None, description=f"At most {MAX_TITLE_LENGTH} characters (e.g. your job)."
    )
    bio: str | None = strawberry.field(
        default=None, description=f"At most {MAX_BIO_LENGTH} characters about you."
    )
    country: str | None = strawberry.field(
        default=None, description="ISO 3166-1 alpha-2 code (like DE); empty removes it."
    )
    spoken_languages: list[str] | None = strawberry.field(
        default=None, description=f"ISO 639-1 codes (like en), at most {MAX_LANGUAGES}."
    )
    tags: list[str] | None = strawberry.field(
        default=None,
        description=f"Your topics, most important first: 1-{MAX_TAGS} of 1-{MAX_TAG_LENGTH}"
        " letters, digits, spaces or + # . - (stored lower-cased).",
    )
    capacity: int | None = strawberry.field(
        default=None, description=f"Mentors: how many active mentees you take, 0-{MAX_CAPACITY}."
    )
    channels: list[ChannelInput] | None = strawberry.field(
        default=None,
        description=f"Replaces all your channels: 1-{MAX_CHANNELS} of them.",
    )
    locale: str | None = strawberry.field(
        default=None,
        description="The language of your emails: an ISO 639-1 code, optionally with a country"
        " (like en or pt-BR); where no translation exists yet, emails come in English.",
    )


@strawberry.type(description="The result of `updateProfile`.")
class UpdateProfilePayload:
    user: User | None = strawberry.field(description="You, as changed; null when refused.")
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(
    description="Whether you, a mentor, accept new requests; going unavailable, optionally"
    " until a date (a pause) and declining your waiting requests in the same step."
)
class SetAvailabilityInput:
    available: bool = strawberry.field(
        description="False: you leave the directory's available mentors; waiting requests stay"
        " unless `declineWaitingRequests`. Time away never counts against you: no reminders"
        " reach you, and nothing that happens meanwhile counts as silence when you are back."
    )
    unavailable_until: datetime | None = strawberry.field(
        default=None,
        description="With `available: false`: pause until then (UTC if no zone is given),"
        f" in the future (PAUSE_IN_PAST) and at most {RULES.max_pause_days:g} days ahead"
        " (PAUSE_TOO_LONG, by default); you are available again automatically. Null: until"
        " you come back yourself.",
    )
    decline_waiting_requests: bool = strawberry.field(
        default=False,
        description="With `available: false`: decline your NEW and VIEWED requests now"
        " (NO_CAPACITY, as your answer); each mentee is told at once, with other mentors.",
    )


@strawberry.type(description="The result of `setAvailability`.")
class SetAvailabilityPayload:
    user: User | None = strawberry.field(description="You, as changed; null when refused.")
    declined_requests: (
        list[
            Annotated[
                MentorshipRequest, strawberry.lazy("mentorgraph.schema.requests.request_types")
            ]
        ]
        | None
    ) = strawberry.field(description="The requests declined now (`declineWaitingRequests`).")
    user_errors: list[UserError] = user_errors_field()


@strawberry.type
class AccountQuery:
    @field_resolver(description="The signed-in user, or null when anonymous.")
    def viewer(self, info: Info) -> User | None:
        return info.context.viewer  # type: ignore[return-value]


@strawberry.type
class AccountMutation:
    @mutation(
        description="Create an account and sign in; EMAIL_TAKEN if it exists, SIGN_UP_THROTTLED"
        " after too many sign-ups from one address."
    )
    async def sign_up(self, info: Info, input: Annotated[SignUpInput, INPUT]) -> AuthPayload:
        work = accounts.sign_up(
            info.context, email=input.email, password=input.password, name=input.name
        )
        return await payload(AuthPayload, work, "token", "refresh_token", "viewer")

    @mutation(
        description="Sign in: a token for the account. After repeated failures for an email"
        " or from an address, attempts are refused for a while (LOGIN_THROTTLED)."
    )
    async def log_in(self, info: Info, input: Annotated[LogInInput, INPUT]) -> AuthPayload:
        work = accounts.log_in(info.context, email=input.email, password=input.password)
        return await payload(AuthPayload, work, "token", "refresh_token", "viewer")

    @mutation(description="Change your own profile (signed in).")
    async def update_profile(
        self, info: Info, input: Annotated[UpdateProfileInput, INPUT]
    ) -> UpdateProfilePayload:
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
            locale=input.locale,
        )
        return await payload(
            UpdateProfilePayload, accounts.update_profile(info.context, changes), "user"
        )

    @mutation(description="Mentors: open or close yourself to new requests, or pause until a date.")
    async def set_availability(
        self, info: Info, input: Annotated[SetAvailabilityInput, INPUT]
    ) -> SetAvailabilityPayload:
        work = accounts.set_availability(
            info.context,
            input.available,
            until=input.unavailable_until,
            decline_waiting=input.decline_waiting_requests,
        )
        return await payload(SetAvailabilityPayload, work, "user", "declined_requests")

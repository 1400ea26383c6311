"""Accounts: sign-up, credential checks with throttling, profile changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from mentorgraph.models.accounts import validation
from mentorgraph.models.accounts.email_verification import send_link
from mentorgraph.models.accounts.login_guard import (
    login_failed,
    login_succeeded,
    reserve_login,
    reserve_sign_up,
    reserve_verification_email,
)
from mentorgraph.models.accounts.passwords import (
    DUMMY_HASH,
    hash_password_off_loop,
    password_problem,
    verify_password_off_loop,
)
from mentorgraph.models.accounts.users import Channel, ChannelType, User, UserLanguage, UserTag
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.limits import limits
from mentorgraph.models.safety import standing

__all__ = [
    "ProfileChanges",
    "authenticate",
    "create_user",
    "sign_up",
    "update_profile",
]


async def create_user(
    *,
    email: str,
    password: str,
    name: str,
    is_mentor: bool = False,
    is_admin: bool = False,
) -> User:
    """Create an account after validating every field; raises RuleViolations."""
    clean_email, clean_name = _validated(email, password, name)
    return await _insert_user(clean_email, clean_name, password, is_mentor, is_admin)


def _validated(email: str, password: str, name: str) -> tuple[str, str]:
    collector = validation.Collector()
    clean_email = collector.clean(validation.clean_email, email)
    clean_name = collector.clean(validation.clean_name, name)
    problem = password_problem(password)
    if problem:
        collector.violations.append(RuleViolation(ErrorCode.INVALID_INPUT, problem, ["password"]))
    collector.raise_if_any()
    assert clean_email is not None and clean_name is not None
    return clean_email, clean_name


async def _insert_user(
    email: str, name: str, password: str, is_mentor: bool, is_admin: bool, verified: bool = True
) -> User:
    taken = RuleViolation(
        ErrorCode.EMAIL_TAKEN, "An account with this email already exists.", ["email"]
    )
    if await User.filter(email=email).exists():
        raise taken
    try:
        return await User.create(
            email=email,
            password_hash=await hash_password_off_loop(password),
            name=name,
            is_mentor=is_mentor,
            is_admin=is_admin,
            capacity=limits().default_mentor_capacity,
            email_verified=verified,
        )
    except IntegrityError:
        # Two sign-ups with one address raced past the check; the unique index decided.
        raise taken from None


async def sign_up(*, email: str, password: str, name: str, client_address: str) -> User:
    """A new account; past the per-address ceiling, SIGN_UP_THROTTLED (counted once the input
    is valid, before the email is looked up or the password hashed). With verification
    required, the account starts unverified and its address is sent a confirmation link
    (`models/accounts/email_verification.py`)."""
    clean_email, clean_name = _validated(email, password, name)
    await reserve_sign_up(client_address)
    required = limits().require_email_verification
    user = await _insert_user(clean_email, clean_name, password, False, False, not required)
    if required:
        await reserve_verification_email(user.id)  # the account's first: never refused
        async with in_transaction() as connection:
            await send_link(connection, user, user.email)
    return user


async def authenticate(*, email: str, password: str, client_address: str) -> User:
    """The user with these credentials; raises INVALID_CREDENTIALS or LOGIN_THROTTLED
    (`models/accounts/login_guard.py`)."""
    normalized = email.strip().lower()
    # Tortoise refuses to compare a value longer than the column: no such account (sign-up
    # refuses it), and it is counted like any other wrong guess.
    fits = len(normalized) <= validation.MAX_EMAIL_LENGTH
    user = await User.get_or_none(email=normalized) if fits else None
    reservation = await reserve_login(normalized, client_address, user)
    # An unknown email costs as much as a wrong password, and is counted the same.
    password_hash = user.password_hash if user is not None else DUMMY_HASH
    if not await verify_password_off_loop(password_hash, password) or user is None:
        raise login_failed()
    await login_succeeded(reservation, user)
    # Only the owner (right password) learns of a suspension or a ban; strangers do not.
    refused = standing.refusal(user)
    if refused is not None:
        raise refused
    return user


@dataclass
class ProfileChanges:
    """Fields of `updateProfile`; None means "leave as it is"."""

    name: str | None = None
    avatar_url: str | None = None
    title: str | None = None
    bio: str | None = None
    country: str | None = None
    spoken_languages: Sequence[str] | None = None
    tags: Sequence[str] | None = None
    capacity: int | None = None
    channels: Sequence[tuple[ChannelType, str]] | None = None
    locale: str | None = None


async def update_profile(user: User, changes: ProfileChanges) -> User:
    """Validate every given field, then apply them all in one transaction (or none)."""
    c = validation.Collector()
    plain: dict[str, object] = {}
    if changes.name is not None:
        plain["name"] = c.clean(validation.clean_name, changes.name)
    if changes.title is not None:
        plain["title"] = c.clean(validation.clean_title, changes.title)
    if changes.bio is not None:
        plain["bio"] = c.clean(validation.clean_bio, changes.bio)
    if changes.avatar_url is not None:
        plain["avatar_url"] = c.clean(validation.clean_avatar_url, changes.avatar_url)
    if changes.country is not None:
        plain["country"] = c.clean(validation.clean_country, changes.country)
    if changes.capacity is not None:
        plain["capacity"] = c.clean(validation.clean_capacity, changes.capacity)
    if changes.locale is not None:
        plain["locale"] = c.clean(validation.clean_locale, changes.locale)
    tags = c.clean(validation.clean_tags, changes.tags) if changes.tags is not None else None
    languages = (
        c.clean(validation.clean_languages, changes.spoken_languages)
        if changes.spoken_languages is not None
        else None
    )
    channels = (
        c.clean(validation.clean_channels, changes.channels)
        if changes.channels is not None
        else None
    )
    c.raise_if_any()

    async with in_transaction():
        if plain:
            for key, value in plain.items():
                setattr(user, key, value)
            await user.save(update_fields=[*plain.keys(), "updated_at"])
        if tags is not None:
            await UserTag.filter(user_id=user.id).delete()
            await UserTag.bulk_create(
                [UserTag(user_id=user.id, tag=tag, position=i) for i, tag in enumerate(tags)]
            )
        if languages is not None:
            await UserLanguage.filter(user_id=user.id).delete()
            await UserLanguage.bulk_create(
                [
                    UserLanguage(user_id=user.id, language=code, position=i)
                    for i, code in enumerate(languages)
                ]
            )
        if channels is not None:
            await Channel.filter(user_id=user.id).delete()
            await Channel.bulk_create(
                [
                    Channel(user_id=user.id, type=kind, handle=handle, position=i)
                    for i, (kind, handle) in enumerate(channels)
                ]
            )
    return user

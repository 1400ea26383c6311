"""Accounts: sign-up, credential checks with throttling, profile changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import clock, validation
from models.auth import LoginFailure
from models.errors import ErrorCode, RuleViolation
from models.limits import limits
from models.passwords import DUMMY_HASH, hash_password, password_problem, verify_password
from models.users import Channel, ChannelType, User, UserLanguage, UserTag

__all__ = [
    "LoginThrottled",
    "ProfileChanges",
    "authenticate",
    "create_user",
    "set_availability",
    "sign_up",
    "update_profile",
]


class LoginThrottled(Exception):
    """Too many failed logIns for this email or client address; try again later."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"Too many failed attempts. Try again in {retry_after_seconds} seconds.")
        self.retry_after_seconds = retry_after_seconds


async def create_user(
    *,
    email: str,
    password: str,
    name: str,
    is_mentor: bool = False,
    is_admin: bool = False,
) -> User:
    """Create an account after validating every field; raises RuleViolations."""
    collector = validation.Collector()
    clean_email = collector.clean(validation.clean_email, email)
    clean_name = collector.clean(validation.clean_name, name)
    problem = password_problem(password)
    if problem:
        collector.violations.append(RuleViolation(ErrorCode.INVALID_INPUT, problem, ["password"]))
    collector.raise_if_any()
    assert clean_email is not None and clean_name is not None
    taken = RuleViolation(
        ErrorCode.EMAIL_TAKEN, "An account with this email already exists.", ["email"]
    )
    if await User.filter(email=clean_email).exists():
        raise taken
    try:
        return await User.create(
            email=clean_email,
            password_hash=hash_password(password),
            name=clean_name,
            is_mentor=is_mentor,
            is_admin=is_admin,
            capacity=limits().default_mentor_capacity,
        )
    except IntegrityError:
        # Two sign-ups with one address raced past the check; the unique index decided.
        raise taken from None


async def sign_up(*, email: str, password: str, name: str) -> User:
    return await create_user(email=email, password=password, name=name)


async def authenticate(*, email: str, password: str, client_address: str) -> User:
    """The user with these credentials; raises INVALID_CREDENTIALS or LoginThrottled."""
    normalized = email.strip().lower()
    keys = [f"email:{normalized}", f"ip:{client_address}"]
    window = timedelta(seconds=limits().login_window_seconds)
    since = clock.now() - window
    for key in keys:
        failures = await LoginFailure.filter(key=key, created_at__gte=since).count()
        if failures >= limits().login_max_failures:
            raise LoginThrottled(limits().login_window_seconds)

    user = await User.get_or_none(email=normalized)
    if user is not None and verify_password(user.password_hash, password):
        await LoginFailure.filter(key=keys[0]).delete()
        return user
    if user is None:
        verify_password(DUMMY_HASH, password)
    await LoginFailure.filter(key__in=keys, created_at__lt=since).delete()
    await LoginFailure.bulk_create([LoginFailure(key=key) for key in keys])
    raise RuleViolation(
        ErrorCode.INVALID_CREDENTIALS, "Email or password is incorrect.", ["password"]
    )


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


async def set_availability(user: User, available: bool) -> User:
    if not user.is_mentor:
        raise RuleViolation(
            ErrorCode.FORBIDDEN, "Only mentors have an availability to set.", ["available"]
        )
    user.available = available
    await user.save(update_fields=["available", "updated_at"])
    return user

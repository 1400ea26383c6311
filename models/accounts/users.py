"""Accounts, profiles and what hangs off them (tags, languages, contact channels, favourites)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import PartialIndex
from tortoise.models import Model

__all__ = ["Channel", "ChannelType", "Favorite", "Role", "User", "UserLanguage", "UserTag"]


class ChannelType(StrEnum):
    EMAIL = "EMAIL"
    SLACK = "SLACK"
    LINKEDIN = "LINKEDIN"
    GITHUB = "GITHUB"
    TWITTER = "TWITTER"
    WEBSITE = "WEBSITE"


class Role(StrEnum):
    MEMBER = "MEMBER"
    MENTOR = "MENTOR"
    ADMIN = "ADMIN"


class User(Model):
    id = fields.IntField(primary_key=True)
    # Stored lower-cased, so the unique index makes addresses unique case-insensitively.
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=255)
    name = fields.CharField(max_length=100)
    avatar_url = fields.CharField(max_length=500, null=True)
    title = fields.CharField(max_length=100, default="")
    bio = fields.TextField(default="")
    country = fields.CharField(max_length=2, null=True)
    is_mentor = fields.BooleanField(default=False)
    is_admin = fields.BooleanField(default=False)
    available = fields.BooleanField(default=True)
    capacity = fields.IntField(default=3)
    # A mentor's own pause: unavailable until then, when the sweep makes them available again
    # (`models/directory/mentor_availability.py`). NULL when not paused (or unavailable with no
    # end).
    unavailable_until = fields.DatetimeField(null=True)
    # When the availability last changed, whoever changed it (the mentor, an admin, the
    # system, the end of a pause). The silent-mentor rule counts only what happened since:
    # nothing that happened while a mentor was away counts against them on their return.
    availability_changed_at = fields.DatetimeField(null=True)
    # The directory's RESPONSIVENESS order: the response rate in basis points (0-10000), -1 while
    # unknown. Maintained by `models/directory/response_scores.py` after each answer or expiry and
    # by the sweep, so the directory can page it with keyset cursors like any other column.
    response_score = fields.IntField(default=-1)
    # The language emails are written in: a BCP 47 tag such as "en" or "pt-BR"
    # (`validation.clean_locale`); templates missing in it fall back to English.
    locale = fields.CharField(max_length=16, default="en")
    # Standing (`models/safety/standing.py`): suspended while `suspended_until` is ahead (it ends by
    # itself then; the sweep clears the past date), banned once `banned_at` is set.
    suspended_until = fields.DatetimeField(null=True)
    banned_at = fields.DatetimeField(null=True)
    # Whether the owner confirmed the address (`models/accounts/email_verification.py`). True unless
    # a sign-up asked for a confirmation that has not come yet (the database default too: the
    # accounts of before verification existed count as verified). Until then the member sends
    # no requests and is never available as a mentor (the one rule every listing reads).
    email_verified = fields.BooleanField(default=True)
    # `deleteAccount`: when the grace period ends and the sweep anonymises the account
    # (`models/accounts/account_deletion.py`); NULL when no deletion is scheduled. While set, the
    # member is unavailable, sends no requests, and may cancel.
    deletion_due_at = fields.DatetimeField(null=True)
    # When the account was anonymised ("Deleted member"); NULL for a live account.
    deleted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "users"
        indexes = [
            # The directory: mentors, newest first or by name, optionally by country.
            ("is_mentor", "available", "id"),
            ("is_mentor", "available", "name", "id"),
            # On PostgreSQL it also carries `available` (migration 0006): counts by country
            # read the index alone.
            ("is_mentor", "country", "id"),
            ("is_mentor", "available", "response_score", "id"),
            # Newest mentors first, whatever the share of members among the newest ids: the
            # planner prices the composite indexes above by their leading column (is_mentor),
            # which says nothing about order, and would walk the primary key backwards through
            # every newer member instead (500,000 of them in the 100,000-mentor benchmark).
            PartialIndex(fields=["id"], condition={"is_mentor": True}),
            # The sweep's pauses that have ended: a few rows, not a scan of every user.
            ("unavailable_until",),
            # Admins' member list by standing (few rows each; `models/admin/members.py`).
            ("suspended_until",),
            ("banned_at",),
            # The sweep's deletions that are due: a few rows, not a scan of every user.
            ("deletion_due_at",),
        ]

    @property
    def roles(self) -> list[Role]:
        return [
            role
            for role, held in (
                (Role.MEMBER, True),
                (Role.MENTOR, self.is_mentor),
                (Role.ADMIN, self.is_admin),
            )
            if held
        ]

    def __str__(self) -> str:
        return f"User({self.id}, {self.email})"


class UserTag(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tag_rows", on_delete=fields.CASCADE
    )
    tag = fields.CharField(max_length=40)
    position = fields.SmallIntField(default=0)

    class Meta:
        table = "user_tags"
        unique_together = (("user", "tag"),)
        indexes = [("tag", "user_id")]


class UserLanguage(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="language_rows", on_delete=fields.CASCADE
    )
    language = fields.CharField(max_length=2)
    position = fields.SmallIntField(default=0)

    class Meta:
        table = "user_languages"
        unique_together = (("user", "language"),)
        indexes = [("language", "user_id")]


class Channel(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="channels", on_delete=fields.CASCADE
    )
    type = fields.CharEnumField(ChannelType, max_length=16)
    handle = fields.CharField(max_length=200)
    position = fields.SmallIntField(default=0)

    class Meta:
        table = "channels"
        unique_together = (("user", "type"),)


class Favorite(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="favorites", on_delete=fields.CASCADE
    )
    mentor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="favorited_by", on_delete=fields.CASCADE, db_index=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "favorites"
        unique_together = (("user", "mentor"),)

"""Writes planned people to the database in bulk: a few statements per chunk of accounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tortoise.expressions import F

from mentorgraph.demo.people import DemoPerson
from mentorgraph.demo.progress import Progress
from mentorgraph.models.accounts.users import Channel, User, UserLanguage, UserTag

__all__ = ["StoredPeople", "store_people"]

CHUNK = 25


@dataclass
class StoredPeople:
    """Database ids of the stored people by email, for the steps that build on them."""

    ids: dict[str, int] = field(default_factory=dict)

    def id_of(self, person: DemoPerson) -> int:
        return self.ids[person.email]


async def store_people(
    people: Sequence[DemoPerson],
    password_hash: str,
    stored: StoredPeople,
    progress: Progress | None = None,
) -> None:
    """Insert `people` in order (so ids follow `created_at`), chunk by chunk."""
    for start in range(0, len(people), CHUNK):
        chunk = people[start : start + CHUNK]
        await User.bulk_create([_user(person, password_hash) for person in chunk])
        # bulk_create leaves primary keys unset on PostgreSQL: read them back by email.
        emails = [person.email for person in chunk]
        rows = await User.filter(email__in=emails).values_list("email", "id")
        stored.ids.update({str(email): int(pk) for email, pk in rows})
        # auto_now stamps updated_at with the wall clock; a seeded profile was last changed
        # when it was made, which also keeps the rows identical from run to run.
        await User.filter(email__in=emails).update(updated_at=F("created_at"))
        await _store_lists(chunk, stored)
        if progress is not None:
            progress.advance(len(chunk))


def _user(person: DemoPerson, password_hash: str) -> User:
    return User(
        email=person.email,
        password_hash=password_hash,
        name=person.name,
        avatar_url=person.avatar_url,
        title=person.title,
        bio=person.bio,
        country=person.country,
        is_mentor=person.is_mentor,
        is_admin=person.is_admin,
        available=person.available,
        capacity=person.capacity,
        created_at=person.created_at,
    )


async def _store_lists(chunk: Sequence[DemoPerson], stored: StoredPeople) -> None:
    tags, languages, channels = [], [], []
    for person in chunk:
        user_id = stored.id_of(person)
        tags += [UserTag(user_id=user_id, tag=tag, position=i) for i, tag in enumerate(person.tags)]
        languages += [
            UserLanguage(user_id=user_id, language=code, position=i)
            for i, code in enumerate(person.languages)
        ]
        channels += [
            Channel(user_id=user_id, type=kind, handle=handle, position=i)
            for i, (kind, handle) in enumerate(person.channels)
        ]
    await UserTag.bulk_create(tags)
    await UserLanguage.bulk_create(languages)
    await Channel.bulk_create(channels)

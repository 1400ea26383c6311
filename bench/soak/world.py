"""The soak's starting world, written straight through the models: mentors (who log in over
HTTP with PASSWORD) and an admin. Mentees sign up over HTTP during the run."""

from __future__ import annotations

from dataclasses import dataclass

from mentorgraph.db import close_db, init_db, migrate_db
from mentorgraph.models.accounts.passwords import hash_password
from mentorgraph.models.accounts.users import Channel, ChannelType, User, UserTag

__all__ = ["PASSWORD", "Seeded", "seed"]

PASSWORD = "soak-password-1234"
TAGS = ["python", "graphql", "postgres", "career", "design", "rust"]


@dataclass(frozen=True)
class Seeded:
    # The mentors who log in and answer, and their ids.
    mentor_emails: list[str]
    mentor_ids: list[int]
    admin_email: str


# A long profile: the directory pages that slow readers ask for weigh ~100 KB each.
LONG_BIO = "Mentoring since 2010: architecture, reviews, career questions, interviews. " * 25


async def seed(database_url: str, mentors: int, listed: int) -> Seeded:
    """`mentors` who take part, and `listed` more who are only in the directory."""
    await migrate_db(database_url)
    await init_db(database_url)
    try:
        password_hash = hash_password(PASSWORD)
        emails, ids = [], []
        for n in range(mentors):
            user = await User.create(
                email=f"mentor{n}@soak.example.org",
                password_hash=password_hash,
                name=f"Mentor {n}",
                is_mentor=True,
                capacity=2 + n % 3,
                title="Engineer",
                bio="Happy to help with " + TAGS[n % len(TAGS)],
            )
            await UserTag.create(user_id=user.id, tag=TAGS[n % len(TAGS)], position=0)
            await Channel.create(
                user_id=user.id, type=ChannelType.GITHUB, handle=f"m{n}", position=0
            )
            emails.append(user.email)
            ids.append(user.id)
        await User.bulk_create(
            [
                User(
                    email=f"listed{n}@soak.example.org",
                    password_hash=password_hash,
                    name=f"Listed Mentor {n}",
                    is_mentor=True,
                    title="Staff engineer",
                    bio=LONG_BIO,
                )
                for n in range(listed)
            ]
        )
        admin = await User.create(
            email="admin@soak.example.org",
            password_hash=password_hash,
            name="Admin",
            is_admin=True,
        )
        return Seeded(emails, ids, admin.email)
    finally:
        await close_db()

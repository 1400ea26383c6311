"""A realistic data set in PostgreSQL at a chosen scale, written with COPY after our migrations.

Scale 1 is 10,000 mentors, 50,000 mentees and 200,000 requests (each with its events); every
count grows linearly with `--scale` unless `--requests` names one. Deterministic for a seed.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from mentorgraph.demo.names import NAMES
from mentorgraph.demo.places import COUNTRIES
from mentorgraph.demo.progress import Progress
from mentorgraph.demo.vocabulary import CAREER_TAGS, TRACKS

__all__ = ["Plan", "generate"]

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = Path(__file__).resolve().parent / "sql"
# Relative to today: responsiveness looks at the last 180 days.
NOW = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
# Nobody logs in with these accounts; the benchmark signs tokens for them directly.
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YmVuY2g$YmVuY2hiZW5jaGJlbmNoYmVuY2g"
CHANNEL_KINDS = ("GITHUB", "LINKEDIN", "SLACK", "TWITTER", "WEBSITE", "EMAIL")
# Final status of a request and how it got there (statuses after NEW), with relative weights.
PATHS: tuple[tuple[tuple[str, ...], int], ...] = (
    ((), 4),
    (("VIEWED",), 3),
    (("VIEWED", "APPROVED"), 3),
    (("APPROVED",), 2),
    (("VIEWED", "APPROVED", "COMPLETED"), 20),
    (("VIEWED", "DECLINED"), 25),
    (("DECLINED",), 8),
    (("CANCELLED",), 10),
    (("VIEWED", "CANCELLED"), 5),
    (("EXPIRED",), 15),
    (("VIEWED", "EXPIRED"), 5),
)
OPEN = {"NEW", "VIEWED", "APPROVED"}
DECLINE_REASONS = ("NOT_A_GOOD_FIT", "NO_CAPACITY", "OUT_OF_EXPERTISE", "MENTOR_INACTIVE")


@dataclass(frozen=True)
class Plan:
    mentors: int
    mentees: int
    requests: int
    seed: int = 6

    @classmethod
    def at_scale(cls, scale: float, requests: int | None = None) -> Plan:
        return cls(
            mentors=round(10_000 * scale),
            mentees=round(50_000 * scale),
            requests=requests if requests is not None else round(200_000 * scale),
        )

    @property
    def admin_id(self) -> int:
        return self.mentors + self.mentees + 1


def _weighted(pairs: Sequence[tuple[str, int]]) -> tuple[list[str], list[int]]:
    return [p[0] for p in pairs], [p[1] for p in pairs]


class Writer:
    """Rows per table, flushed with COPY in batches so memory stays flat at any scale."""

    BATCH = 50_000

    def __init__(self, conn: asyncpg.Connection, columns: dict[str, Sequence[str]]) -> None:
        self.conn = conn
        self.columns = columns
        self.rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in columns}

    async def add(self, table: str, row: tuple[Any, ...]) -> None:
        rows = self.rows[table]
        rows.append(row)
        if len(rows) >= self.BATCH:
            await self.flush()

    async def flush(self) -> None:
        # Every table, parents first, so foreign keys always find their rows.
        for name in self.rows:
            if self.rows[name]:
                await self.conn.copy_records_to_table(
                    name, records=self.rows[name], columns=list(self.columns[name])
                )
                self.rows[name] = []


COLUMNS: dict[str, Sequence[str]] = {
    "users": [
        "id",
        "email",
        "password_hash",
        "name",
        "avatar_url",
        "title",
        "bio",
        "country",
        "is_mentor",
        "is_admin",
        "available",
        "capacity",
        "created_at",
        "updated_at",
    ],
    "user_tags": ["id", "user_id", "tag", "position"],
    "user_languages": ["id", "user_id", "language", "position"],
    "channels": ["id", "user_id", "type", "handle", "position"],
    "favorites": ["id", "user_id", "mentor_id", "created_at"],
    "mentorship_requests": [
        "id",
        "mentor_id",
        "mentee_id",
        "status",
        "message",
        "background",
        "expectation",
        "decline_reason",
        "response_message",
        "created_at",
        "updated_at",
        "viewed_at",
        "responded_at",
    ],
    "request_events": [
        "id",
        "request_id",
        "from_status",
        "to_status",
        "actor_id",
        "occurred_at",
        "note",
    ],
}


class Generator:
    def __init__(self, plan: Plan, writer: Writer) -> None:
        self.plan = plan
        self.w = writer
        self.rng = random.Random(plan.seed)
        self.ids = dict.fromkeys(COLUMNS, 0)
        track_weights = [t.weight for t in TRACKS]
        self.track_weights = track_weights
        self.career = _weighted(CAREER_TAGS)
        self.countries = [c for c in COUNTRIES]
        self.country_weights = [c.weight for c in COUNTRIES]
        # Popular mentors get many more requests than most (a long tail, as in real directories).
        self.mentor_ids = range(1, plan.mentors + 1)
        self.popularity = list(
            itertools.accumulate(self.rng.paretovariate(1.5) for _ in self.mentor_ids)
        )

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def when(self, days_back: float) -> datetime:
        return NOW - timedelta(days=self.rng.uniform(0, days_back))

    async def user(self, user_id: int, *, mentor: bool, admin: bool = False) -> None:
        rng = self.rng
        country = rng.choices(self.countries, self.country_weights)[0]
        first, last = NAMES[country.region]
        name = f"{rng.choice(first)} {rng.choice(last)}"
        created = self.when(900)
        if mentor:
            track = rng.choices(TRACKS, self.track_weights)[0]
            title = f"{rng.choice(track.roles)}"
            tag_names, tag_weights = _weighted(track.tags)
            tags = list(dict.fromkeys(rng.choices(tag_names, tag_weights, k=rng.randint(2, 5))))
            if rng.random() < 0.6:
                tags += [t for t in rng.choices(*self.career, k=2) if t not in tags][:1]
            bio = f"{name.split()[0]} has years of experience {track.doing}. " * 3
        else:
            title, tags, bio = "Aspiring developer", [], ""
        await self.w.add(
            "users",
            (
                user_id,
                f"user{user_id}@bench.example",
                PASSWORD_HASH,
                name,
                f"https://avatars.example/{user_id}.png" if rng.random() < 0.7 else None,
                title,
                bio,
                country.code,
                mentor,
                admin,
                not mentor or rng.random() < 0.8,
                rng.randint(1, 5) if mentor else 3,
                created,
                created,
            ),
        )
        for position, tag in enumerate(tags):
            await self.w.add("user_tags", (self.next_id("user_tags"), user_id, tag, position))
        languages = [code for code, p in country.languages if rng.random() < p] or ["en"]
        for position, code in enumerate(languages):
            row = (self.next_id("user_languages"), user_id, code, position)
            await self.w.add("user_languages", row)
        if mentor:
            kinds = rng.sample(CHANNEL_KINDS, rng.randint(1, 3))
            for position, kind in enumerate(kinds):
                handle = f"{kind.lower()}-{user_id}"
                channel = (self.next_id("channels"), user_id, kind, handle, position)
                await self.w.add("channels", channel)

    async def request(self, open_pairs: set[tuple[int, int]]) -> None:
        rng, plan = self.rng, self.plan
        mentor_id = rng.choices(self.mentor_ids, cum_weights=self.popularity)[0]
        mentee_id = plan.mentors + rng.randint(1, plan.mentees)
        path = rng.choices([p for p, _ in PATHS], [w for _, w in PATHS])[0]
        final = path[-1] if path else "NEW"
        if final in OPEN:
            if (mentor_id, mentee_id) in open_pairs:
                path, final = ("CANCELLED",), "CANCELLED"
            else:
                open_pairs.add((mentor_id, mentee_id))
        request_id = self.next_id("mentorship_requests")
        created = self.when(400)
        moment = created
        events: list[tuple[str | None, str, int | None, datetime]] = [
            (None, "NEW", mentee_id, created)
        ]
        viewed_at = responded_at = None
        decline_reason = response_message = None
        previous = "NEW"
        for status in path:
            moment = min(NOW, moment + timedelta(hours=rng.expovariate(1 / 30)))
            actor: int | None = mentor_id
            if status == "VIEWED":
                viewed_at = moment
            elif status in ("APPROVED", "DECLINED"):
                responded_at = moment
                response_message = "Happy to help." if status == "APPROVED" else None
                if status == "DECLINED":
                    decline_reason = rng.choice(DECLINE_REASONS)
                    if decline_reason == "MENTOR_INACTIVE":
                        actor = None
            elif status == "CANCELLED":
                actor = mentee_id
            elif status == "EXPIRED":
                actor = None
            events.append((previous, status, actor, moment))
            previous = status
        await self.w.add(
            "mentorship_requests",
            (
                request_id,
                mentor_id,
                mentee_id,
                final,
                "I would love your help with my next step.",
                "Two years of self-study, one small project shipped.",
                "An hour every two weeks.",
                decline_reason,
                response_message,
                created,
                moment,
                viewed_at,
                responded_at,
            ),
        )
        for from_status, to_status, actor_id, occurred in events:
            row = (self.next_id("request_events"), request_id, from_status, to_status)
            await self.w.add("request_events", (*row, actor_id, occurred, None))

    async def run(self, out: Any) -> None:
        plan = self.plan
        people = Progress("users", plan.mentors + plan.mentees + 1, out)
        for user_id in range(1, plan.admin_id + 1):
            await self.user(user_id, mentor=user_id <= plan.mentors, admin=user_id == plan.admin_id)
            if user_id % 10_000 == 0:
                people.advance(10_000)
        people.finish()
        requests = Progress("requests", plan.requests, out)
        open_pairs: set[tuple[int, int]] = set()
        for i in range(1, plan.requests + 1):
            await self.request(open_pairs)
            if i % 10_000 == 0:
                requests.advance(10_000)
        requests.finish()
        for mentee_id in range(plan.mentors + 1, plan.mentors + plan.mentees + 1, 7):
            for mentor_id in {self.rng.randint(1, plan.mentors) for _ in range(3)}:
                row = (self.next_id("favorites"), mentee_id, mentor_id, self.when(300))
                await self.w.add("favorites", row)
        await self.w.flush()


def admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


async def recreate_database(url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?")[0]
    if not name.startswith("mg_bench_"):
        raise SystemExit(f"Refusing to recreate '{name}': benchmark databases are mg_bench_*.")
    conn = await asyncpg.connect(admin_url(url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", "from mentorgraph.cli import main; main()", "migrate"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


async def load(url: str, plan: Plan, out: Any) -> None:
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            await Generator(plan, Writer(conn, COLUMNS)).run(out)
        for table in COLUMNS:
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        # VACUUM too, not only ANALYZE: with autovacuum off (as on the machine these figures come
        # from) a fresh table has no visibility map, and every index-only scan reads the heap.
        await conn.execute("VACUUM ANALYZE")
        await install_sql(conn)
    finally:
        await conn.close()


async def install_sql(conn: asyncpg.Connection) -> None:
    """The functions PostGraphile and the bare endpoint read the shapes through."""
    for path in sorted(SQL_DIR.glob("*.sql")):
        await conn.execute(path.read_text())


def generate(url: str, plan: Plan, out: Any = sys.stderr) -> None:
    asyncio.run(recreate_database(url))
    migrate(url)
    asyncio.run(load(url, plan, out))

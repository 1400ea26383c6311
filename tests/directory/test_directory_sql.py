"""The directory's SQL: statements per operation do not grow with the page size, and on
PostgreSQL every filter is served by an index."""

from __future__ import annotations

import importlib

import pytest
from tortoise import connections

from devkit.factories import make_mentor, make_user
from mentorgraph.models.accounts.users import ChannelType, Favorite, User
from mentorgraph.models.directory import directory
from tests.utils.client import GraphQLClient
from tests.utils.explain import index_named, plan_of, postgres_only, sql_of
from tests.utils.sql_counter import fewest_statements

NESTED = """
query($first: Int) {
  mentors(first: $first, filter: {availableOnly: false}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id name title country tags spokenLanguages isFavorite email
        channels { type handle }
      }
    }
  }
}
"""


async def _statements(client: GraphQLClient, first: int, viewer: User | None) -> int:
    result = await client.execute(NESTED, {"first": first}, as_user=viewer)
    assert len(result.data["mentors"]["edges"]) == first
    return await fewest_statements(lambda: client.execute(NESTED, {"first": first}, as_user=viewer))


async def test_statements_do_not_grow_with_page_size(ordinary_client: GraphQLClient) -> None:
    # The ordinary executor (the fast read path answers this in one statement on PostgreSQL:
    # tests/api/test_fast_reads.py).
    client = ordinary_client
    mentee = await make_user()
    admin = await make_user(admin=True)
    for i in range(100):
        mentor = await make_mentor(
            name=f"Mentor {i}",
            country="DE",
            tags=["python", f"tag{i}"],
            languages=["en", "de"],
            channels=[(ChannelType.GITHUB, f"m{i}"), (ChannelType.TWITTER, f"t{i}")],
            available=i % 3 != 0,
        )
        if i % 2:
            await Favorite.create(user_id=mentee.id, mentor_id=mentor.id)

    for viewer in (None, mentee, admin):
        small = await _statements(client, 10, viewer)
        large = await _statements(client, 100, viewer)
        assert small == large, viewer
    # Anonymous: page, count, tags, languages. Signed in: also the viewer, their favourites,
    # and which of the users revealed their contact (channels, email) to the viewer as a partner;
    # an admin reads every channel at once.
    assert [await _statements(client, 100, v) for v in (None, mentee, admin)] == [4, 7, 7]


async def test_favorite_mentors_statements_do_not_grow(client: GraphQLClient) -> None:
    mentee = await make_user()
    for i in range(100):
        mentor = await make_mentor(tags=[f"t{i}"], languages=["en"])
        await Favorite.create(user_id=mentee.id, mentor_id=mentor.id)
    query = """
    query($first: Int) { viewer { favoriteMentors(first: $first) {
      totalCount nodes { name tags spokenLanguages isFavorite channels { handle } }
    } } }
    """
    counts = []
    for first in (10, 100):
        result = await client.execute(query, {"first": first}, as_user=mentee)
        assert len(result.data["viewer"]["favoriteMentors"]["nodes"]) == first
        run = lambda first=first: client.execute(query, {"first": first}, as_user=mentee)  # noqa: E731
        counts.append(await fewest_statements(run))
    assert counts[0] == counts[1]


# Each filter, and the end of the definition of the index that should serve it (the migrations
# name most indexes with a hash, so they are found by what they index).
FILTERS = {
    "search": (directory.MentorFilter(words=("lovelace",)), "gin_trgm_ops) WHERE is_mentor"),
    "tag": (directory.MentorFilter(tags=("rust",)), "user_tags USING btree (tag, user_id)"),
    "country": (
        directory.MentorFilter(country="IS"),
        "USING btree (is_mentor, country, id) INCLUDE (available)",
    ),
    "language": (
        directory.MentorFilter(spoken_language="is"),
        "user_languages USING btree (language, user_id)",
    ),
}


async def _fill_directory(size: int) -> None:
    """`size` mentors; a few rare ones (what a selective filter finds), the rest common."""
    conn = connections.get("default")
    await conn.execute_script(
        f"""
        INSERT INTO users (email, password_hash, name, title, bio, country, is_mentor,
                           is_admin, available, capacity, created_at, updated_at)
        SELECT 'm' || i || '@example.org', 'x', 'Mentor ' || i,
               CASE WHEN i % 997 = 0 THEN 'Lovelace fan' ELSE 'Engineer' END,
               'Builds software and helps people grow, mentor number ' || i,
               CASE WHEN i % 997 = 0 THEN 'IS' ELSE 'DE' END,
               true, false, true, 3, now(), now()
        FROM generate_series(1, {size}) AS i;
        INSERT INTO user_tags (user_id, tag, position)
        SELECT id, CASE WHEN id % 997 = 0 THEN 'rust' ELSE 'python' END, 0 FROM users;
        INSERT INTO user_languages (user_id, language, position)
        SELECT id, CASE WHEN id % 997 = 0 THEN 'is' ELSE 'en' END, 0 FROM users;
        """
    )
    # VACUUM also flushes the trigram index's pending list (GIN "fastupdate"), as autovacuum
    # would: until then the planner prices the index scan too high to choose it.
    for table in ("users", "user_tags", "user_languages"):
        await conn.execute_script(f"VACUUM ANALYZE {table}")


@postgres_only
@pytest.mark.parametrize("name", sorted(FILTERS))
async def test_each_filter_is_served_by_an_index(db: None, name: str) -> None:
    await _fill_directory(20_000)
    mentor_filter, definition_end = FILTERS[name]
    index = await index_named(definition_end)
    # Nothing switched off or forced: on this data the planner picks the index by itself.
    page = directory.matching_mentors(mentor_filter).order_by("-id").limit(21)
    plan = await plan_of(*sql_of(page))
    assert index in plan, plan
    assert await directory.matching_mentors(mentor_filter).count() == 20


async def _members_after_mentors(mentors: int, members: int) -> None:
    """`mentors` mentors, then `members` newer members (as when mentors come first and mentees
    flood in after a launch: the 100,000-mentor benchmark's data set has 500,000 of them)."""
    conn = connections.get("default")
    await conn.execute_script(
        f"""
        INSERT INTO users (email, password_hash, name, title, bio, is_mentor, is_admin,
                           available, capacity, created_at, updated_at)
        SELECT 'u' || i || '@example.org', 'x', 'User ' || i, '', '', i <= {mentors}, false,
               true, 3, now(), now()
        FROM generate_series(1, {mentors + members}) AS i
        """
    )
    await conn.execute_script("VACUUM ANALYZE users")


@postgres_only
@pytest.mark.parametrize("available_only", [True, False])
async def test_newest_mentors_come_from_the_mentor_index(db: None, available_only: bool) -> None:
    # Walking the primary key back from the newest user would read every newer member first.
    await _members_after_mentors(2_000, 20_000)
    index = await index_named("USING btree (id) WHERE (is_mentor = true)")
    newest = directory.MentorFilter(available_only=available_only)
    plan = await plan_of(*sql_of(directory.matching_mentors(newest).order_by("-id").limit(21)))
    assert index in plan, plan


def test_search_uses_the_indexed_expression() -> None:
    # PostgreSQL's expression index serves only its own expression: keep the two in step.
    migration = importlib.import_module("mentorgraph.models.migrations.0002_constraints")
    trigram_index = next(sql for sql in migration.POSTGRES if "idx_users_search_trgm" in sql)
    assert f"({directory.SEARCH_TEXT} gin_trgm_ops) WHERE is_mentor" in trigram_index

"""The fast read path answers exactly as the ordinary executor does (issue 6).

Generated read operations (`tests/utils/query_gen.py`), after a few written by hand that read the
whole world (`tests/utils/fixed_operations.py`), over a varied world (`tests/utils/world.py`) go,
as every viewer in turn (and with the token of a deleted account), to two apps on the same
database built from the same settings: one with `fast_reads` off, one with it on. Status and
body must be identical: bodies compared without their whitespace, which is all the two paths may
differ in, and several errors as a set (the ordinary path itself lists them in an order that
varies from run to run; see `tests/utils/differences.py`). Paged operations follow each answer's
`endCursor` to the next page (paging backward, its `startCursor` to the previous one). The fast
path must serve most supported operations itself, and none of its statements may fail (a failure
falls back, and would hide behind an identical answer).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.applications import Starlette

from devkit.schema_queries import SchemaOperation, schema_operations
from mentorgraph.models.accounts.users import User
from mentorgraph.models.policies import POLICIES
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.settings import Settings
from tests.utils.app_pair import AppPair, app_pair
from tests.utils.client import GraphQLResponse
from tests.utils.differences import Difference, compare, report
from tests.utils.fixed_operations import fixed_operations
from tests.utils.query_gen import MAX_PAGES, Operation, Vocabulary, generate_operations
from tests.utils.world import World, build_world

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="the fast read path serves PostgreSQL only; on SQLite both apps are the same path",
)

SEED = 20_250_6
OPERATIONS = 200  # each sent as every viewer
# A viewer whose token is good but whose account is gone: refused (401) on both paths.
GONE = "gone"
# Of the requests written only with what the fast path supports, the share it must serve
# itself: otherwise the test could pass with a fast path that always hands over.
MIN_SERVED_SHARE = 0.8


@pytest.fixture
async def world(db: None) -> World:
    return await build_world()


@pytest.fixture
async def apps(settings: Settings, db: None) -> AsyncIterator[AppPair]:
    async with app_pair(settings) as pair:
        yield pair


def _counter(app: Starlette, name: str) -> int:
    """A counter of the fast path (`served`, `declined`, `failed`)."""
    return int(getattr(app.state.fast_reads, name))


def _next_cursor(operation: Operation, answer: GraphQLResponse) -> tuple[str, str] | None:
    """The variable and cursor of a paged operation's next page (in its direction), if any."""
    page = (answer.body.get("data") or {}).get(operation.follow or "")
    info = page.get("pageInfo") if isinstance(page, dict) else None
    if not info:
        return None
    if operation.backward:
        return ("before", info["startCursor"]) if info["hasPreviousPage"] else None
    return ("after", info["endCursor"]) if info["hasNextPage"] else None


@dataclass
class Tally:
    sent: int = 0
    supported: int = 0
    supported_and_clean: int = 0
    # (size, viewer, query, variables) of each request whose fast statement failed.
    failed: list[tuple[int, str, str, dict[str, Any]]] = field(default_factory=list)


async def _both_paths(
    apps: AppPair, operation: Operation, viewer_name: str, viewer: User | None, tally: Tally
) -> list[Difference]:
    """The operation (and its next pages) on both paths as one viewer; where they differ."""
    differences = []
    variables: dict[str, Any] = dict(operation.variables)
    for _ in range(MAX_PAGES):
        ordinary = await apps.ordinary.execute(operation.query, variables, as_user=viewer)
        failed_before = _counter(apps.fast_app, "failed")
        fast = await apps.fast.execute(operation.query, variables, as_user=viewer)
        if _counter(apps.fast_app, "failed") > failed_before:
            size = len(operation.query) + len(str(variables))
            tally.failed.append((size, viewer_name, operation.query, dict(variables)))
        tally.sent += 1
        if operation.expect_fast and viewer_name != GONE:
            tally.supported += 1
            tally.supported_and_clean += ordinary.status == 200 and not ordinary.errors
        if not compare(ordinary, fast):
            differences.append(
                Difference(viewer_name, operation.query, dict(variables), ordinary, fast)
            )
        following = _next_cursor(operation, ordinary)
        if following is None:
            break
        name, cursor = following
        variables[name] = cursor
    return differences


async def test_fast_path_answers_as_the_ordinary_path(world: World, apps: AppPair) -> None:
    assert apps.ordinary_app.state.fast_reads is None
    assert apps.fast_app.state.fast_reads is not None
    vocabulary = Vocabulary(
        user_ids=[encode_global_id("User", pk) for pk in world.user_ids],
        request_ids=[encode_global_id("MentorshipRequest", pk) for pk in world.request_ids],
    )
    viewers = [*world.viewers.items(), (GONE, world.gone)]
    served_before = _counter(apps.fast_app, "served")
    differences: list[Difference] = []
    tally = Tally()
    operations = fixed_operations(vocabulary) + generate_operations(SEED, OPERATIONS, vocabulary)
    for index, operation in enumerate(operations):
        # Every viewer in turn on the same two apps, a different one first each time: what the
        # fast path prepares or caches for one viewer is then reused for the others.
        shift = index % len(viewers)
        for viewer_name, viewer in viewers[shift:] + viewers[:shift]:
            differences += await _both_paths(apps, operation, viewer_name, viewer, tally)

    served = _counter(apps.fast_app, "served") - served_before
    print(f"{tally.sent} requests, {tally.supported} supported, {served} served fast")
    assert not differences, report(differences)
    # The generator's own promise: what it wrote as supported is valid and answers cleanly.
    assert tally.supported_and_clean == tally.supported
    assert tally.supported >= tally.sent // 2
    # A statement that fails falls back to the ordinary path: the bodies then agree, but the
    # fast path has a bug.
    shortest_failed = sorted(tally.failed, key=lambda failed: failed[0])[:3]
    assert not tally.failed, f"{len(tally.failed)} fast statements failed; the shortest:\n" + (
        "\n".join(
            f"{viewer}: {query} {variables}" for _, viewer, query, variables in shortest_failed
        )
    )
    assert served >= MIN_SERVED_SHARE * tally.supported, f"{served} of {tally.supported}"


# --- The vocabulary of the schema itself (`devkit/schema_queries.py`) ------------------

SCHEMA_SEED = 12
SCHEMA_OPERATIONS = 150
# At most this many more, while a declared field or argument was not asked yet.
UNTIL_COVERED = 400


def _vocabulary(world: World) -> Vocabulary:
    return Vocabulary(
        user_ids=[encode_global_id("User", pk) for pk in world.user_ids],
        request_ids=[encode_global_id("MentorshipRequest", pk) for pk in world.request_ids],
    )


async def _schema_round(
    apps: AppPair, world: World, operations: list[SchemaOperation], stop_at_first: bool
) -> tuple[list[Difference], int, int]:
    """Every operation as every viewer on both paths: the differences, how many requests were
    sent, and how many of them the ordinary path answered cleanly (no error)."""
    differences: list[Difference] = []
    sent = clean = 0
    viewers = list(world.viewers.items())
    for index, operation in enumerate(operations):
        shift = index % len(viewers)
        for viewer_name, viewer in viewers[shift:] + viewers[:shift]:
            ordinary = await apps.ordinary.execute(
                operation.query, operation.variables, as_user=viewer
            )
            fast = await apps.fast.execute(operation.query, operation.variables, as_user=viewer)
            sent += 1
            clean += ordinary.status == 200 and not ordinary.errors
            if not compare(ordinary, fast):
                differences.append(
                    Difference(viewer_name, operation.query, operation.variables, ordinary, fast)
                )
                if stop_at_first:
                    return differences, sent, clean
    return differences, sent, clean


async def test_every_compiled_field_and_argument_answers_as_the_ordinary_path(
    world: World, apps: AppPair
) -> None:
    schema = apps.fast_app.state.fast_reads.schema
    operations, coverage = schema_operations(
        schema, SCHEMA_SEED, SCHEMA_OPERATIONS, _vocabulary(world), until_covered=UNTIL_COVERED
    )
    # New fields and arguments are written by construction: each one was asked.
    assert coverage.missing(schema) == []
    served_before = _counter(apps.fast_app, "served")
    failed_before = _counter(apps.fast_app, "failed")
    differences, sent, clean = await _schema_round(apps, world, operations, stop_at_first=False)
    served = _counter(apps.fast_app, "served") - served_before
    print(f"schema vocabulary: {sent} requests, {clean} answered cleanly, {served} compiled")
    assert not differences, report(differences)
    assert _counter(apps.fast_app, "failed") == failed_before
    # Every field is compiled: only what the ordinary path refuses (cost, a bad value, an
    # admins' view asked by anyone else) is not.
    assert served >= 0.8 * clean, f"{served} of {clean}"


# What random operations seldom reach with data behind it: every completed request's feedback
# (comments) as its mentor, its mentee and admins (`FEEDBACK_COMMENT`).
REACHING = [
    SchemaOperation(
        "{ viewer { sentRequests(first: 100, status: [COMPLETED]) { nodes { feedback {"
        " comment } } } receivedRequests(first: 100, status: [COMPLETED]) { nodes {"
        " feedback { comment } } } } adminRequests(first: 100, filter: {status: COMPLETED}) {"
        " nodes { feedback { comment } } } }",
        {},
    )
]


@pytest.mark.parametrize("policy_name", sorted(POLICIES))
async def test_a_broken_policy_is_caught(
    world: World, apps: AppPair, policy_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The policy's SQL form negated (everyone it hid from sees, everyone it showed to does
    not): some generated operation, as some viewer, tells the two paths apart."""
    policy = POLICIES[policy_name]
    kept = policy.sql
    calls = []

    def broken(viewer: str | None, subject: str) -> str:
        calls.append(subject)
        return f"NOT ({kept(viewer, subject)})"

    monkeypatch.setattr(policy, "sql", broken)
    schema = apps.fast_app.state.fast_reads.schema
    operations, _ = schema_operations(schema, SCHEMA_SEED, SCHEMA_OPERATIONS, _vocabulary(world))
    differences, sent, _ = await _schema_round(
        apps, world, [*operations, *REACHING], stop_at_first=True
    )
    if not calls:
        pytest.skip(f"no compiled field reads {policy_name} yet (exempt: `exemptions.py`)")
    assert differences, f"{policy_name} broken, yet {sent} requests answered alike"

"""Mutation payloads read compiled answer exactly as the executor completes them (issue 12).

Every mutation of the schema is sent, as the viewer it is meant for, through a small story
(sign up, ask, view, message, approve, complete, rate, decline, cancel, remind, apply, review,
pause, sessions and passwords) and again where it is refused (userErrors), each time with a
payload selection written from the schema (`devkit/schema_queries.payload_operation`:
declared fields, arguments, fragments, `@include`/`@skip`, aliases). A mutation the story does
not know (added tomorrow) is sent with an input made from its type. Each payload the compiler
reads is also completed the ordinary way, by the same executor, right after, on the same write
(both readings are of one state: nothing runs between them); the two must be equal. A mutation
cannot be sent twice on one state, so this is the differential: the same payload object, both
readings.
"""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from graphql import get_named_type

from devkit.factories import PASSWORD, TEXT, make_mentor, make_request, make_user
from devkit.query_inputs import Vocabulary
from devkit.schema_queries import Coverage, _Values, payload_operation
from mentorgraph.models import clock
from mentorgraph.models.accounts import sessions
from mentorgraph.models.accounts.users import ChannelType, User
from mentorgraph.models.directory.application_records import MentorApplication
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.models.safety.safety_records import MemberBlock, MemberReport, ReportCategory
from mentorgraph.resolvers.fast_reads.fields import FIELDS
from mentorgraph.resolvers.fast_reads.payloads import HOLDERS
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.schema.compiled_payloads import CompiledPayloads
from mentorgraph.settings import Settings
from tests.utils.app_pair import AppPair, app_pair

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="payloads are read compiled on PostgreSQL only",
)

SEED = 1212
# Each step is set up and sent this many times, each with another selection (a step on a new
# request acts each time; the others act once and are refused after: both kinds compared).
SENDS = 3


@pytest.fixture
async def apps(settings: Settings, db: None) -> AsyncIterator[AppPair]:
    async with app_pair(settings) as pair:
        yield pair


def gid(type_name: str, pk: int) -> str:
    return encode_global_id(type_name, pk)


class Cast:
    """Who acts in the story."""

    def __init__(self, admin: User, mentor: User, other: User, mentee: User, second: User):
        self.admin, self.mentor, self.other = admin, mentor, other
        self.mentee, self.second = mentee, second


async def _cast() -> Cast:
    return Cast(
        await make_user(name="Ada Admin", admin=True),
        await make_mentor(name="Mo Mentor", channels=[(ChannelType.GITHUB, "mo")]),
        await make_mentor(name="Oli Other"),
        await make_user(
            name="Mia Mentee",
            title="Engineer",
            bio="Building things.",
            tags=["python"],
            channels=[(ChannelType.GITHUB, "mia")],
        ),
        await make_user(name="Sam Second"),
    )


# A step: the viewer (their role in the cast, None: anonymous) and the input, set up when reached.
Step = tuple[User | None, dict[str, Any] | None]
Setup = Callable[[Cast], Awaitable[Step]]


def _fixed(viewer: str | None, given: Callable[[Cast], dict[str, Any] | None]) -> Setup:
    async def step(cast: Cast) -> Step:
        return (None if viewer is None else getattr(cast, viewer)), given(cast)

    return step


def _on_request(viewer: str, status: RequestStatus, extra: dict[str, Any]) -> Setup:
    """On a new request to the mentor from a new mentee, already in `status`, as `viewer`
    (the mentor, an admin, or "asker": that mentee)."""

    async def step(cast: Cast) -> Step:
        asker = await make_user(name="Asker")
        request = await make_request(mentee=asker, mentor=cast.mentor, status=status)
        acting = asker if viewer == "asker" else getattr(cast, viewer)
        return acting, {"requestId": gid("MentorshipRequest", request.id), **extra}

    return step


async def _keep_one(cast: Cast) -> Step:
    asker = await make_user(name="Keeper")
    kept = await make_request(mentee=asker, mentor=cast.mentor, status=RequestStatus.APPROVED)
    await make_request(mentee=asker, mentor=cast.other)
    return asker, {"keepRequestId": gid("MentorshipRequest", kept.id)}


async def _review(cast: Cast) -> Step:
    application = await MentorApplication.create(
        user_id=cast.second.id, motivation=TEXT, created_at=clock.now()
    )
    decision = {"applicationId": gid("MentorApplication", application.id), "decision": "APPROVE"}
    return cast.admin, decision


async def _pause_other(cast: Cast) -> Step:
    await make_request(mentee=cast.second, mentor=cast.other)
    paused = {"mentorId": gid("User", cast.other.id), "available": False}
    return cast.admin, {**paused, "declineOpenRequests": True}


async def _pause(cast: Cast) -> Step:
    await make_request(mentee=await make_user(name="Waiting"), mentor=cast.mentor)
    return cast.mentor, {"available": False, "declineWaitingRequests": True}


async def _refresh(cast: Cast) -> Step:
    signed_in = await sessions.start(cast.second, address="test", user_agent="test")
    return None, {"refreshToken": signed_in.refresh_token}


def _mentor(cast: Cast) -> dict[str, Any]:
    return {"mentorId": gid("User", cast.mentor.id)}


REASON = "Sent the same link to every mentee."


async def _block(cast: Cast) -> Step:
    return cast.mentee, {"userId": gid("User", (await make_user(name="Blocked")).id)}


async def _unblock(cast: Cast) -> Step:
    blocked = await make_user(name="Unblocked")
    await MemberBlock.create(
        blocker_id=cast.mentee.id, blocked_id=blocked.id, created_at=clock.now()
    )
    return cast.mentee, {"userId": gid("User", blocked.id)}


async def _report(cast: Cast) -> Step:
    reporter = await make_user(name="Reporter")
    return reporter, {"userId": gid("User", cast.other.id), "category": "SPAM", "reason": REASON}


async def _open_report(cast: Cast) -> MemberReport:
    reporter = await make_user(name="Reporter")
    return await MemberReport.create(
        reporter_id=reporter.id,
        target_user_id=cast.other.id,
        target_key=f"user:{cast.other.id}:{reporter.id}",
        category=ReportCategory.SPAM,
        reason=REASON,
        created_at=clock.now(),
    )


async def _dismiss(cast: Cast) -> Step:
    report = await _open_report(cast)
    return cast.admin, {"reportId": gid("MemberReport", report.id), "note": "Not spam."}


def _moderate(*, suspended: bool = False, until: bool = False) -> Setup:
    """An admin acting on a new member (`suspended`: one already suspended; `until`: the
    suspension's end, a week ahead)."""

    async def step(cast: Cast) -> Step:
        member = await make_user(name="Member")
        if suspended:
            await User.filter(id=member.id).update(suspended_until=clock.now() + timedelta(days=3))
        given: dict[str, Any] = {"userId": gid("User", member.id), "reason": REASON}
        if until:
            given["until"] = (clock.now() + timedelta(days=7)).isoformat()
        return cast.admin, given

    return step


NEW_PASSWORD = "another-s3cret!"
STORY: list[tuple[str, Setup]] = [
    (
        "signUp",
        _fixed(None, lambda _: {"email": "n@example.org", "name": "N", "password": PASSWORD}),
    ),
    ("logIn", _fixed(None, lambda _: {"email": "n@example.org", "password": PASSWORD})),
    ("updateProfile", _fixed("mentee", lambda _: {"name": "Mia M.", "tags": ["python", "go"]})),
    ("addFavoriteMentor", _fixed("mentee", _mentor)),
    ("removeFavoriteMentor", _fixed("mentee", _mentor)),
    (
        "createMentorshipRequest",
        _fixed(
            "second",
            lambda cast: {
                **_mentor(cast),
                "message": TEXT,
                "background": TEXT,
                "expectation": TEXT,
            },
        ),
    ),
    ("markMentorshipRequestViewed", _on_request("mentor", RequestStatus.NEW, {})),
    (
        "sendMentorshipRequestMessage",
        _on_request("asker", RequestStatus.VIEWED, {"text": "Hello there!"}),
    ),
    ("approveMentorshipRequest", _on_request("mentor", RequestStatus.VIEWED, {"message": "Yes"})),
    ("completeMentorship", _on_request("mentor", RequestStatus.APPROVED, {"note": "Done."})),
    (
        "leaveMentorshipFeedback",
        _on_request("asker", RequestStatus.COMPLETED, {"rating": 5, "comment": "Great."}),
    ),
    (
        "declineMentorshipRequest",
        _on_request("mentor", RequestStatus.NEW, {"reason": "NOT_A_GOOD_FIT"}),
    ),
    ("sendMentorReminder", _on_request("admin", RequestStatus.NEW, {})),
    ("cancelMentorshipRequest", _on_request("asker", RequestStatus.NEW, {})),
    ("cancelOtherMentorshipRequests", _keep_one),
    ("applyToMentor", _fixed("mentee", lambda _: {"motivation": TEXT})),
    ("reviewMentorApplication", _review),
    ("setMentorAvailability", _pause_other),
    ("setAvailability", _pause),
    (
        "changePassword",
        _fixed("second", lambda _: {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}),
    ),
    ("endSession", _fixed("mentee", lambda _: {"id": gid("Session", 1)})),
    ("logOutEverywhere", _fixed("second", lambda _: None)),
    ("logOut", _fixed("mentee", lambda _: None)),
    ("refreshSession", _refresh),
    ("requestPasswordReset", _fixed(None, lambda _: {"email": "nobody@example.org"})),
    (
        "resetPassword",
        _fixed(None, lambda _: {"token": "not-a-token", "newPassword": NEW_PASSWORD}),
    ),
    ("blockMember", _block),
    ("unblockMember", _unblock),
    ("reportMember", _report),
    (
        "reportMentorshipRequest",
        _on_request("asker", RequestStatus.VIEWED, {"category": "OTHER", "reason": REASON}),
    ),
    ("dismissReport", _dismiss),
    ("warnMember", _moderate()),
    ("suspendMember", _moderate(until=True)),
    ("banMember", _moderate()),
    ("unsuspendMember", _moderate(suspended=True)),
]


class Readings:
    """Each payload the compiler read, and the executor's own completion of it."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, Any, Any]] = []
        self.declined = 0


@pytest.fixture
def readings(monkeypatch: pytest.MonkeyPatch) -> Readings:
    seen = Readings()
    compiled_payload = CompiledPayloads.complete_payload

    async def both(self: CompiledPayloads, reads: Any, *args: Any) -> Any:
        served = reads.served
        answer = await compiled_payload(self, reads, *args)
        if reads.served == served:  # declined: completed the ordinary way already
            seen.declined += 1
            return answer
        field_name = args[2].field_name
        seen.pairs.append((field_name, answer, await self.ordinary_payload(*args)))
        return answer

    monkeypatch.setattr(CompiledPayloads, "complete_payload", both)
    return seen


async def test_every_payload_reads_as_the_executor_completes_it(
    apps: AppPair, readings: Readings
) -> None:
    schema = apps.fast_app.state.fast_reads.schema
    mutation_type = schema.mutation_type
    cast = await _cast()
    rng = random.Random(SEED)
    vocabulary = Vocabulary(
        user_ids=[gid("User", u.id) for u in (cast.mentor, cast.other, cast.mentee)],
        request_ids=[gid("MentorshipRequest", 1)],
    )
    coverage = Coverage()
    story = list(STORY)
    # Mutations the story does not know: an input made from the type, as the mentee.
    values = _Values(rng, vocabulary)
    told = {name for name, _ in story}
    for name, definition in sorted(mutation_type.fields.items()):
        if name not in told:
            made = values.of("input", definition.args["input"].type) if definition.args else None
            story.append((name, _fixed("mentee", lambda _, made=made: made)))  # type: ignore[misc]
    sent: set[str] = set()
    errors = []
    for mutation, setup in story:
        payload = get_named_type(mutation_type.fields[mutation].type)
        held = [n for n, f in payload.fields.items() if get_named_type(f.type).name in HOLDERS]
        for send in range(SENDS):
            viewer, given = await setup(cast)
            # The first send also asks for what the payload holds (the write then reads it).
            operation = payload_operation(
                schema, rng, vocabulary, coverage, mutation, given or {}, held if not send else ()
            )
            answer = await apps.fast.execute(operation.query, operation.variables, as_user=viewer)
            sent.add(mutation)
            # A hostile page size is refused by both paths alike; nothing may fail inside.
            if "INTERNAL_SERVER_ERROR" in answer.error_codes or answer.status >= 500:
                errors.append((mutation, operation.query, answer.body))
    assert sent == set(mutation_type.fields)
    assert not errors, "\n".join(f"{m}: {q}\n{b}" for m, q, b in errors[:2])
    different = [
        (name, fast, ordinary) for name, fast, ordinary in readings.pairs if fast != ordinary
    ]
    assert not different, different[:3]
    counters = apps.fast_app.state.fast_reads.payloads
    assert counters.failed == 0
    compared = {name for name, _, _ in readings.pairs}
    print(f"{len(readings.pairs)} payloads compared, {readings.declined} declined; {compared}")
    # Every payload field was asked, and most mutations were read compiled at least once.
    payloads = {get_named_type(f.type) for f in mutation_type.fields.values()}
    asked = [(t.name, n) for t in (*payloads, schema.type_map["UserError"]) for n in t.fields]
    missing = [key for key in asked if key not in coverage.fields]
    assert missing == [], missing
    # Every mutation whose payload holds an object was read compiled (the others hold only
    # what Python holds, which the executor completes without the database).
    holding = {
        name
        for name, f in mutation_type.fields.items()
        if any(
            get_named_type(p.type).name in HOLDERS for p in get_named_type(f.type).fields.values()
        )
    }
    assert holding - compared == set(), holding - compared
    assert all(key in FIELDS for key in coverage.fields)

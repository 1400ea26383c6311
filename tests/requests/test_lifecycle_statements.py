"""How many statements a status change takes (issue 12, shape 9): the request is read once,
locked, by the change; marking an already VIEWED request viewed reads it and writes nothing.

On PostgreSQL a lock is one `SELECT ... FOR NO KEY UPDATE`; on SQLite, where that does nothing,
a no-op write and then the read (`request_guards`). Counted at the models, on both databases."""

from __future__ import annotations

import os
import re

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from tests.utils.sql_counter import StatementLog, count_statements

S = RequestStatus
POSTGRES = os.environ.get("TEST_DB", "sqlite") == "postgres"


def _on(table: str, log: StatementLog) -> list[str]:
    return [s for s in log.statements if re.search(rf'\bFROM "?{table}"?|\bUPDATE "?{table}"?', s)]


def _locks(table: str, log: StatementLog) -> list[str]:
    """The statements that lock a row of `table`, as this database takes a lock."""
    if POSTGRES:
        return [s for s in _on(table, log) if "FOR NO KEY UPDATE" in s]
    return [
        s
        for s in _on(table, log)
        if s.lstrip().upper().startswith("UPDATE")
        and ('"updated_at"="updated_at"' in s.replace(" ", ""))
    ]


async def test_marking_a_viewed_request_viewed_again_reads_it_once_and_locks_nothing(
    db: None,
) -> None:
    mentor = await make_mentor()
    request = await make_request(mentee=await make_user(), mentor=mentor, status=S.VIEWED)
    with count_statements() as log:
        same = await lifecycle.transition(
            request.id, S.VIEWED, actor=mentor, unchanged_if_already=True
        )
    assert same.id == request.id and same.status is S.VIEWED
    assert len(log) == 1, log.statements
    assert _on("mentorship_requests", log) == log.statements
    assert not _locks("mentorship_requests", log)


async def test_a_change_reads_its_request_once_and_locked(db: None) -> None:
    """NEW -> VIEWED and a mentee's cancel: the request's only read is the locked one (no
    unlocked read before the transaction), and one lock statement on PostgreSQL."""
    mentor, mentees = await make_mentor(), [await make_user(), await make_user()]
    for to, actor, mentee, extra in (
        (S.VIEWED, mentor, mentees[0], {"unchanged_if_already": True}),
        (S.CANCELLED, mentees[1], mentees[1], {}),
    ):
        request = await make_request(mentee=mentee, mentor=mentor)
        with count_statements() as log:
            changed = await lifecycle.transition(request.id, to, actor=actor, **extra)  # type: ignore[arg-type]
        assert changed.status is to
        assert len(_locks("mentorship_requests", log)) == 1, log.statements
        reads = [
            s
            for s in _on("mentorship_requests", log)
            if s.lstrip().upper().startswith("SELECT") and re.search(r'WHERE "?id"? ?=', s)
        ]
        if to is S.VIEWED:  # the no-op check's unlocked read, then the locked one
            assert len(reads) == 2, log.statements
        else:
            assert len(reads) == 1, log.statements
        if POSTGRES:  # the lock is the read
            assert reads[-1] in _locks("mentorship_requests", log)


async def test_a_refusal_after_the_lock_changes_nothing(db: None) -> None:
    """The roles are checked on the locked row now: a refused change rolls back, its request
    as it was, and no event is written."""
    mentor, mentee = await make_mentor(), await make_user()
    outsider = await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    for actor, to, code in (
        (outsider, S.CANCELLED, ErrorCode.NOT_FOUND),
        (mentee, S.APPROVED, ErrorCode.FORBIDDEN),
        (mentor, S.COMPLETED, ErrorCode.INVALID_TRANSITION),
    ):
        try:
            await lifecycle.transition(request.id, to, actor=actor)
        except RuleViolation as refused:
            assert refused.code is code
        else:
            raise AssertionError(f"{to} by {actor.name} was not refused")
    after = await MentorshipRequest.get(id=request.id)
    assert (after.status, after.updated_at) == (S.NEW, request.updated_at)


async def test_the_plain_sql_reads_give_the_orm_s_rows(db: None) -> None:
    """The request read (unlocked and locked) and the mentor's locked row, built from plain SQL,
    hold every field as the ORM reads them, on this database."""
    from tortoise.transactions import in_transaction

    from mentorgraph.models.accounts.users import User
    from mentorgraph.models.requests.request_guards import lock_request, lock_user, read_request

    mentor = await make_mentor()
    request = await make_request(mentee=await make_user(), mentor=mentor, status=S.VIEWED)
    async with in_transaction() as conn:
        locked, locked_mentor = (
            await lock_request(conn, request.id),
            await lock_user(conn, mentor.id),
        )
    for read, model, pk in (
        (await read_request(request.id), MentorshipRequest, request.id),
        (locked, MentorshipRequest, request.id),
        (locked_mentor, User, mentor.id),
    ):
        orm = await model.get(id=pk)
        assert read is not None
        for name in model._meta.db_fields:
            field = model._meta.fields_db_projection_reverse.get(name, name)
            assert getattr(read, field) == getattr(orm, field), name
    assert await read_request(request.id + 1000) is None


async def test_cancel_others_reads_the_kept_request_once_and_locked(db: None) -> None:
    mentee = await make_user()
    keep = await make_request(mentee=mentee, mentor=await make_mentor(), status=S.APPROVED)
    other = await make_request(mentee=mentee, mentor=await make_mentor())
    with count_statements() as log:
        cancelled = await lifecycle.cancel_others(keep.id, actor=mentee)
    assert [r.id for r in cancelled] == [other.id]
    reads = [
        s
        for s in _on("mentorship_requests", log)
        if s.lstrip().upper().startswith("SELECT") and re.search(r'WHERE "?id"? ?=', s)
    ]
    # The kept request and the other one, each read once, locked (SQLite: after its no-op write).
    assert len(reads) == 2, log.statements
    assert len(_locks("mentorship_requests", log)) == 2, log.statements

"""The request lifecycle: its transition table, and the only code that changes a status.

`TRANSITIONS` is the table; `docs/lifecycle.md` is written from it (`make docs`).

Every status change (the mutations, and the sweep's expiries and declines with `actor=None`)
goes through `transition` or `cancel_others`, and each change is one transaction: lock the row,
re-read it, check the table and the rules, write the new status and its timestamps, then
`record_change`: exactly one `RequestEvent` and the change's emails in the outbox; commit, then
announce it with `committed` and refresh the mentor's response score.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum
from typing import cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.admin import audit
from mentorgraph.models.directory.response_scores import refresh_scores
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.notifications.request_notifications import announce_change
from mentorgraph.models.privacy import can_see_request
from mentorgraph.models.requests.events import committed, record_event
from mentorgraph.models.requests.request_guards import (
    OPEN_STATUSES,
    ensure_mentor_has_room,
    lock_request,
    lock_user,
    read_request,
)
from mentorgraph.models.requests.requests import (
    SYSTEM_DECLINE_REASONS,
    DeclineReason,
    MentorshipRequest,
    RequestEvent,
    RequestStatus,
)
from mentorgraph.models.safety.safety_records import AuditAction

__all__ = [
    "REASON_GIVERS",
    "TRANSITIONS",
    "Actor",
    "answers_unchanged",
    "cancel_others",
    "close_requests_of_leaving",
    "complete_mentorships_between",
    "decline_open_requests",
    "is_allowed",
    "may_ever",
    "may_give",
    "party_request",
    "record_change",
    "request_not_found",
    "roles_of",
    "transition",
    "withdraw_open_requests",
]


class Actor(StrEnum):
    """The part someone plays for one request (an admin may also be its mentor)."""

    MENTEE = "MENTEE"
    MENTOR = "MENTOR"
    ADMIN = "ADMIN"
    SYSTEM = "SYSTEM"


S = RequestStatus
_ANSWERS = (S.APPROVED, S.DECLINED)
# Changes that move a mentor's response rate (`users.response_score`).
_SCORED = (S.APPROVED, S.DECLINED, S.EXPIRED)

# (from, to) -> who may make that change. `None` is "no request yet". Anything else is refused.
TRANSITIONS: Mapping[tuple[RequestStatus | None, RequestStatus], frozenset[Actor]] = {
    (None, S.NEW): frozenset({Actor.MENTEE}),
    (S.NEW, S.VIEWED): frozenset({Actor.MENTOR}),
    **{(f, S.APPROVED): frozenset({Actor.MENTOR}) for f in (S.NEW, S.VIEWED)},
    **{
        (f, S.DECLINED): frozenset({Actor.MENTOR, Actor.ADMIN, Actor.SYSTEM})
        for f in (S.NEW, S.VIEWED)
    },
    **{(f, S.CANCELLED): frozenset({Actor.MENTEE, Actor.ADMIN}) for f in (S.NEW, S.VIEWED)},
    **{(f, S.EXPIRED): frozenset({Actor.SYSTEM}) for f in (S.NEW, S.VIEWED)},
    (S.APPROVED, S.COMPLETED): frozenset({Actor.MENTOR, Actor.MENTEE}),
}

# Who may state each of the system's decline reasons (`SYSTEM_DECLINE_REASONS`: a fact about
# the mentor rather than their choice). A mentor never does: their decline would be counted as
# the system's, not as their answer (docs/request-rules.md). An admin may judge a mentor
# inactive; the other reasons (an account closed) are the system's alone.
_ADMINS_MAY_STATE = frozenset({DeclineReason.MENTOR_INACTIVE})
REASON_GIVERS: Mapping[DeclineReason, frozenset[Actor]] = {
    reason: frozenset({Actor.SYSTEM} | ({Actor.ADMIN} if reason in _ADMINS_MAY_STATE else set()))
    for reason in sorted(SYSTEM_DECLINE_REASONS)
}

_VERBS = {
    S.NEW: ("create", "created"),
    S.VIEWED: ("mark viewed", "marked viewed"),
    S.APPROVED: ("approve", "approved"),
    S.DECLINED: ("decline", "declined"),
    S.CANCELLED: ("cancel", "cancelled"),
    S.EXPIRED: ("expire", "expired"),
    S.COMPLETED: ("complete", "completed"),
}
_WHO = {
    Actor.MENTEE: "the mentee",
    Actor.MENTOR: "the mentor",
    Actor.ADMIN: "an admin",
    Actor.SYSTEM: "the system",
}


def roles_of(actor: User | None, request: MentorshipRequest) -> frozenset[Actor]:
    if actor is None:
        return frozenset({Actor.SYSTEM})
    held = {
        Actor.MENTOR: actor.id == request.mentor_id,
        Actor.MENTEE: actor.id == request.mentee_id,
        Actor.ADMIN: actor.is_admin,
    }
    return frozenset(role for role, holds in held.items() if holds)


def is_allowed(
    from_status: RequestStatus | None, to: RequestStatus, roles: frozenset[Actor]
) -> bool:
    return bool(roles & TRANSITIONS.get((from_status, to), frozenset()))


def may_ever(to: RequestStatus, roles: frozenset[Actor]) -> bool:
    """Whether these roles may make a change to `to` from some status (else: FORBIDDEN)."""
    return any(roles & actors for (_, target), actors in TRANSITIONS.items() if target == to)


def request_not_found(field: str = "requestId") -> RuleViolation:
    # Also for requests that exist but are not the viewer's: existence is not revealed.
    return RuleViolation(ErrorCode.NOT_FOUND, "No such mentorship request.", [field])


async def party_request(author: User, request_id: int, forbidden: str) -> MentorshipRequest:
    """The request `author` is the mentor or the mentee of, for what only the two parties do
    (feedback, the message thread): NOT_FOUND when they may not see it, FORBIDDEN (`forbidden`
    says why) for an admin who is neither."""
    request = await MentorshipRequest.get_or_none(id=request_id)
    if request is None or not can_see_request(author, request):
        raise request_not_found()
    if author.id not in (request.mentor_id, request.mentee_id):
        raise RuleViolation(ErrorCode.FORBIDDEN, forbidden, ["requestId"])
    return request


def _forbidden(to: RequestStatus, field: str) -> RuleViolation:
    actors = {a for (_, target), who in TRANSITIONS.items() if target == to for a in who}
    people = " or ".join(_WHO[a] for a in Actor if a in actors)
    return RuleViolation(
        ErrorCode.FORBIDDEN, f"Only {people} may {_VERBS[to][0]} this request.", [field]
    )


def may_give(reason: DeclineReason, roles: frozenset[Actor]) -> bool:
    """Whether these roles may decline for `reason` (those of `REASON_GIVERS`, else anyone who
    may decline)."""
    return bool(roles & REASON_GIVERS.get(reason, roles))


def _reason_not_theirs(reason: DeclineReason) -> RuleViolation:
    givers = " or ".join(_WHO[a] for a in Actor if a in REASON_GIVERS[reason])
    return RuleViolation(
        ErrorCode.FORBIDDEN,
        f"Only {givers} may decline a request as {reason.value}; choose another reason.",
        ["reason"],
    )


def _invalid_transition(
    from_status: RequestStatus, to: RequestStatus, field: str = "requestId"
) -> RuleViolation:
    froms = [f.value for (f, target) in TRANSITIONS if target == to and f is not None]
    return RuleViolation(
        ErrorCode.INVALID_TRANSITION,
        f"This request is {from_status.value}; only {' or '.join(froms)} requests can be"
        f" {_VERBS[to][1]}.",
        [field],
    )


def _checked(
    actor: User | None,
    request: MentorshipRequest | None,
    to: RequestStatus,
    decline_reason: DeclineReason | None,
) -> tuple[MentorshipRequest, frozenset[Actor]]:
    """The request and `actor`'s roles in it: NOT_FOUND when it is absent or not theirs to
    see, FORBIDDEN when those roles may never change a request to `to`, or may not give this
    decline reason (`REASON_GIVERS`)."""
    if request is None or (actor is not None and not can_see_request(actor, request)):
        raise request_not_found()
    roles = roles_of(actor, request)
    if not may_ever(to, roles):
        raise _forbidden(to, "requestId")
    if to is S.DECLINED and decline_reason is not None and not may_give(decline_reason, roles):
        raise _reason_not_theirs(decline_reason)
    return request, roles


def _unchanged(
    actor: User | None,
    request: MentorshipRequest | None,
    to: RequestStatus,
    decline_reason: DeclineReason | None = None,
) -> MentorshipRequest | None:
    """`request` when a change to `to` that may be a no-op (`unchanged_if_already`) answers it
    as it is, None when it must change; the rules' refusals raised (`_checked`)."""
    checked, _ = _checked(actor, request, to, decline_reason)
    return checked if checked.status == to else None


def answers_unchanged(
    actor: User | None, request: MentorshipRequest | None, to: RequestStatus
) -> bool:
    """Whether `transition(request.id, to, actor=actor, unchanged_if_already=True)`, finding
    `request` as it is, answers it unchanged: nothing written, nothing refused. The fast path
    asks this of the rows it read (`mentorgraph.resolvers.fast_reads.unchanged`)."""
    try:
        return _unchanged(actor, request, to) is not None
    except RuleViolation:
        return False


async def transition(
    request_id: int,
    to: RequestStatus,
    *,
    actor: User | None,
    note: str | None = None,
    decline_reason: DeclineReason | None = None,
    response_message: str | None = None,
    unchanged_if_already: bool = False,
    also: Callable[[BaseDBAsyncClient], Awaitable[None]] | None = None,
) -> MentorshipRequest:
    """Move one request to `to` as `actor` (None: the system); returns the request.

    Refusals: NOT_FOUND (absent, or not the actor's to see), FORBIDDEN (the actor's role may
    never make this change, or may not give this decline reason: `REASON_GIVERS`),
    INVALID_TRANSITION (not from the current status), MENTOR_AT_CAPACITY (approvals). With
    `unchanged_if_already`, a request already in `to` is returned as it is, and nothing is
    written. `also` runs in the change's transaction once every rule passed, before the write
    (an email link spends itself there: what it raises rolls the change back).
    """
    if to is S.DECLINED and decline_reason is None:
        raise ValueError("A decline needs a DeclineReason.")
    if unchanged_if_already:
        # A change that may be a no-op is read first, unlocked: a request already in `to`
        # is answered as it is without a transaction (what it was at that read is what the
        # locked path would have found then too). Otherwise the locked read below decides.
        request = _unchanged(actor, await read_request(request_id), to, decline_reason)
        if request is not None:
            return request

    async with in_transaction() as conn:
        # Approvals serialise on the mentor's row, so concurrent ones count each other. Only
        # the request's mentor may approve: that row is the actor's, locked before the
        # request's (users rows first); anyone else is refused below and rolled back.
        approver = actor if to is S.APPROVED else None
        mentor = await lock_user(conn, approver.id) if approver is not None else None
        # The request read and locked in one: the rules below see it as it is now, and a
        # refusal just rolls back.
        current, roles = _checked(actor, await lock_request(conn, request_id), to, decline_reason)
        if approver is not None and mentor is None:
            raise request_not_found()  # the mentor's account is gone
        if unchanged_if_already and current.status == to:
            return current
        if not is_allowed(current.status, to, roles):
            raise _invalid_transition(current.status, to)
        if mentor is not None:
            await ensure_mentor_has_room(conn, mentor, field="requestId")
        if also is not None:
            await also(conn)
        event = await _apply(
            conn,
            current,
            to,
            actor=actor,
            roles=roles,
            note=note,
            decline_reason=decline_reason,
            response_message=response_message,
        )
        if actor is not None and roles == {Actor.ADMIN}:
            await _audit_admin_change(conn, actor, current, to, note)
    committed([event])
    if to in _SCORED:
        await refresh_scores([current.mentor_id])
    return current


_AUDITED = {S.DECLINED: AuditAction.DECLINE_REQUEST, S.CANCELLED: AuditAction.CANCEL_REQUEST}


async def _audit_admin_change(
    conn: BaseDBAsyncClient,
    admin: User,
    request: MentorshipRequest,
    to: RequestStatus,
    note: str | None,
) -> None:
    """An admin who is neither side of the request changed it: the audit says so, in the
    change's transaction."""
    action = _AUDITED.get(to)
    if action is not None:
        await audit.record(
            conn,
            admin,
            action,
            reason=note,
            target_user_id=request.mentee_id if to is S.CANCELLED else request.mentor_id,
            target_request_id=request.id,
        )


async def cancel_others(keep_request_id: int, *, actor: User) -> list[MentorshipRequest]:
    """The mentee keeps an APPROVED request and cancels every other open one of theirs.

    One transaction, one event per cancelled request; requests that were answered meanwhile
    are left as they are. Returns the cancelled requests.
    """
    field = "keepRequestId"
    cancelled: list[MentorshipRequest] = []
    events: list[RequestEvent] = []
    async with in_transaction() as conn:
        # The mentee's row: no request of theirs can be created while this runs. Only the
        # request's mentee may do this, so it is the actor's row, locked before the request's
        # (users rows first); anyone else is refused below and rolled back.
        await lock_user(conn, actor.id)
        current = await lock_request(conn, keep_request_id)
        if current is None or not can_see_request(actor, current):
            raise request_not_found(field)
        roles = roles_of(actor, current)
        if Actor.MENTEE not in roles:
            raise RuleViolation(
                ErrorCode.FORBIDDEN, "Only the mentee may cancel their other requests.", [field]
            )
        if current.status != S.APPROVED:
            raise RuleViolation(
                ErrorCode.INVALID_TRANSITION,
                f"The request to keep is {current.status.value}; keep an APPROVED one.",
                [field],
            )
        other_ids = cast(
            "list[int]",
            await MentorshipRequest.filter(mentee_id=current.mentee_id, status__in=OPEN_STATUSES)
            .exclude(id=current.id)
            .using_db(conn)
            .order_by("id")
            .values_list("id", flat=True),
        )
        # Every row locked (in id order) before the first event: `record_event` holds the event
        # lock to commit, and waiting for a row while holding it deadlocks with a transaction
        # that holds that row and waits for the event lock (an approval of one of these).
        others = [await lock_request(conn, other_id) for other_id in other_ids]
        for other in others:
            if other is None or not is_allowed(other.status, S.CANCELLED, roles):
                continue
            events.append(
                await _apply(
                    conn,
                    other,
                    S.CANCELLED,
                    actor=actor,
                    roles=roles,
                    note="The mentee went ahead with another mentorship.",
                )
            )
            cancelled.append(other)
    committed(events)
    return cancelled


async def decline_open_requests(
    conn: BaseDBAsyncClient,
    mentor_id: int,
    *,
    reason: DeclineReason,
    note: str,
    actor: User | None = None,
    mentee_id: int | None = None,
) -> tuple[list[MentorshipRequest], list[RequestEvent]]:
    """The system (or the mentor themselves, as `actor`: pausing) declines every NEW or VIEWED
    request of the mentor (only `mentee_id`'s, when given: a block), inside the caller's
    transaction (whose commit makes them all declined, or none), which holds the mentor's row.
    Returns the declined requests and their events, for the caller to announce after commit."""
    mine = MentorshipRequest.filter(mentor_id=mentor_id, status__in=OPEN_STATUSES)
    if mentee_id is not None:
        mine = mine.filter(mentee_id=mentee_id)
    open_ids = cast(
        "list[int]",
        await mine.using_db(conn).order_by("id").values_list("id", flat=True),
    )
    # Every row locked (in id order) before the first event, as in `cancel_others`.
    requests = [await lock_request(conn, request_id) for request_id in open_ids]
    roles = frozenset({Actor.SYSTEM}) if actor is None else frozenset({Actor.MENTOR})
    declined: list[MentorshipRequest] = []
    events: list[RequestEvent] = []
    for request in requests:
        if request is None or not is_allowed(request.status, S.DECLINED, roles):
            continue  # answered or withdrawn meanwhile
        events.append(
            await _apply(
                conn,
                request,
                S.DECLINED,
                actor=actor,
                roles=roles,
                note=note,
                decline_reason=reason,
            )
        )
        declined.append(request)
    return declined, events


async def withdraw_open_requests(
    conn: BaseDBAsyncClient,
    mentee_id: int,
    *,
    actor: User,
    note: str,
    mentor_id: int | None = None,
) -> tuple[list[MentorshipRequest], list[RequestEvent]]:
    """Cancel every NEW or VIEWED request of the mentee (only those to `mentor_id`, when given),
    as `actor`: the mentee themselves (a block) or an admin (a suspension), inside the caller's
    transaction, which holds the mentee's row. Returns the cancelled requests and their events,
    for the caller to announce after commit."""
    theirs = MentorshipRequest.filter(mentee_id=mentee_id, status__in=OPEN_STATUSES)
    if mentor_id is not None:
        theirs = theirs.filter(mentor_id=mentor_id)
    open_ids = cast(
        "list[int]", await theirs.using_db(conn).order_by("id").values_list("id", flat=True)
    )
    # Every row locked (in id order) before the first event, as in `cancel_others`.
    requests = [await lock_request(conn, request_id) for request_id in open_ids]
    cancelled: list[MentorshipRequest] = []
    events: list[RequestEvent] = []
    for request in requests:
        if request is None:
            continue
        roles = roles_of(actor, request)
        if not is_allowed(request.status, S.CANCELLED, roles):
            continue  # answered meanwhile
        events.append(await _apply(conn, request, S.CANCELLED, actor=actor, roles=roles, note=note))
        cancelled.append(request)
    return cancelled, events


async def complete_mentorships_between(
    conn: BaseDBAsyncClient, member: User, other_id: int, *, note: str
) -> tuple[list[MentorshipRequest], list[RequestEvent]]:
    """End every active (APPROVED) mentorship between `member` and `other_id`, either way round,
    as `member`'s own act in their role (mentor or mentee): APPROVED -> COMPLETED is the only
    way out of APPROVED the table has, and either side may take it. Inside the caller's
    transaction, which holds both members' rows (a block). Returns the requests and their
    events, for the caller to announce after commit."""
    ids = cast(
        "list[int]",
        await MentorshipRequest.filter(
            Q(mentor_id=member.id, mentee_id=other_id) | Q(mentor_id=other_id, mentee_id=member.id),
            status=S.APPROVED,
        )
        .using_db(conn)
        .order_by("id")
        .values_list("id", flat=True),
    )
    # Every row locked (in id order) before the first event, as in `cancel_others`.
    rows = [await lock_request(conn, request_id) for request_id in ids]
    completed: list[MentorshipRequest] = []
    events: list[RequestEvent] = []
    for request in rows:
        if request is None:
            continue
        roles = roles_of(member, request) & {Actor.MENTOR, Actor.MENTEE}
        if not is_allowed(request.status, S.COMPLETED, roles):
            continue  # completed meanwhile
        events.append(
            await _apply(conn, request, S.COMPLETED, actor=member, roles=roles, note=note)
        )
        completed.append(request)
    return completed, events


# The note of every change made as a member's account is anonymised (`models/account_deletion`).
LEFT_NOTE = "The member closed their account."


async def close_requests_of_leaving(
    conn: BaseDBAsyncClient, member: User
) -> tuple[list[MentorshipRequest], list[RequestEvent]]:
    """A member's account is anonymised: inside the caller's transaction (which holds their
    row), each open request they sent is cancelled and each active mentorship completed as
    their own last acts, and each open request they received is declined by the system
    (ACCOUNT_CLOSED, with `LEFT_NOTE`); the other side is told as for any change. Answered
    and finished requests stay as they are. Returns the changed requests and their events."""
    ids = cast(
        "list[int]",
        await MentorshipRequest.filter(
            Q(mentee_id=member.id) | Q(mentor_id=member.id),
            status__in=(*OPEN_STATUSES, S.APPROVED),
        )
        .using_db(conn)
        .order_by("id")
        .values_list("id", flat=True),
    )
    # Every row locked (in id order) before the first event, as in `cancel_others`.
    rows = [await lock_request(conn, request_id) for request_id in ids]
    changed: list[MentorshipRequest] = []
    events: list[RequestEvent] = []
    for request in rows:
        if request is None:
            continue
        if request.status is S.APPROVED:
            to, roles, actor, reason = S.COMPLETED, roles_of(member, request), member, None
        elif request.mentee_id == member.id:
            to, roles, actor, reason = S.CANCELLED, frozenset({Actor.MENTEE}), member, None
        else:
            to, roles, actor = S.DECLINED, frozenset({Actor.SYSTEM}), None
            reason = DeclineReason.ACCOUNT_CLOSED
        if not is_allowed(request.status, to, roles):
            continue
        events.append(
            await _apply(
                conn,
                request,
                to,
                actor=actor,
                roles=roles,
                note=LEFT_NOTE,
                decline_reason=reason,
            )
        )
        changed.append(request)
    return changed, events


async def _apply(
    conn: BaseDBAsyncClient,
    request: MentorshipRequest,
    to: RequestStatus,
    *,
    actor: User | None,
    roles: frozenset[Actor],
    note: str | None = None,
    decline_reason: DeclineReason | None = None,
    response_message: str | None = None,
) -> RequestEvent:
    """Write one checked change of a request whose row this transaction has locked."""
    now = clock.now()
    from_status = request.status
    by_mentor = Actor.MENTOR in roles
    changes: dict[str, object] = {"status": to, "updated_at": now}
    # An answer implies the mentor read the request, even without marking it viewed.
    if to is S.VIEWED or (by_mentor and to in _ANSWERS and request.viewed_at is None):
        changes["viewed_at"] = now
    # `respondedAt` measures the mentor's responsiveness: only their own answers count.
    if by_mentor and to in _ANSWERS:
        changes["responded_at"] = now
    if to is S.DECLINED:
        changes["decline_reason"] = decline_reason
    if to in _ANSWERS and response_message is not None:
        changes["response_message"] = response_message
    # The row is locked, so the status is still the one checked; the condition only guards it.
    updated = (
        await MentorshipRequest.filter(id=request.id, status=from_status)
        .using_db(conn)
        .update(**changes)
    )
    if updated != 1:
        raise RuntimeError(f"request {request.id} changed under its row lock")
    for name, value in changes.items():
        setattr(request, name, value)
    return await record_change(
        conn, request, from_status, to, actor_id=actor.id if actor is not None else None, note=note
    )


async def record_change(
    conn: BaseDBAsyncClient,
    request: MentorshipRequest,
    from_status: RequestStatus | None,
    to: RequestStatus,
    *,
    actor_id: int | None,
    note: str | None,
) -> RequestEvent:
    """What every status change writes besides the row: its event and its emails (one hook)."""
    event = await record_event(
        request,
        from_status=from_status,
        to_status=to,
        actor_id=actor_id,
        note=note,
        connection=conn,
    )
    await announce_change(conn, request, to, note=note, actor_id=actor_id)
    return event

"""Every (from status, change, role) of the lifecycle table, through GraphQL and the models.

The expected table (docs/lifecycle.md) is written out here on purpose, not imported from
`mentorgraph.models.requests.lifecycle`: changing who may do what takes changing this test too,
knowingly.
"""

from __future__ import annotations

from typing import Any

import pytest

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import RuleViolation
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.requests import (
    SYSTEM_DECLINE_REASONS,
    DeclineReason,
    MentorshipRequest,
    RequestEvent,
    RequestStatus,
)
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import OPERATIONS, act, codes, request_gid, result_of

S = RequestStatus

TARGET = {
    "markViewed": S.VIEWED,
    "approve": S.APPROVED,
    "decline": S.DECLINED,
    "cancel": S.CANCELLED,
    "complete": S.COMPLETED,
}
# (operation, from) -> roles allowed, as docs/lifecycle.md says.
ALLOWED: dict[tuple[str, RequestStatus], set[str]] = {
    ("markViewed", S.NEW): {"mentor"},
    ("approve", S.NEW): {"mentor"},
    ("approve", S.VIEWED): {"mentor"},
    ("decline", S.NEW): {"mentor", "admin"},
    ("decline", S.VIEWED): {"mentor", "admin"},
    ("cancel", S.NEW): {"mentee", "admin"},
    ("cancel", S.VIEWED): {"mentee", "admin"},
    ("complete", S.APPROVED): {"mentor", "mentee"},
}
# Roles that may make the change from some status: for the others it is FORBIDDEN.
EVER = {op: set().union(*(r for (o, _), r in ALLOWED.items() if o == op)) for op in OPERATIONS}
ROLES = ("mentee", "mentor", "admin", "other member", "other mentor")
OUTSIDERS = ("other member", "other mentor")


def expected_code(operation: str, status: RequestStatus, role: str) -> str | None:
    """None when the change must succeed; else the userError code."""
    if role in OUTSIDERS:
        return "NOT_FOUND"
    if role in ALLOWED.get((operation, status), set()):
        return None
    if operation == "markViewed" and status is S.VIEWED and role == "mentor":
        return None  # documented idempotent no-op
    return "FORBIDDEN" if role not in EVER[operation] else "INVALID_TRANSITION"


def snapshot(request: MentorshipRequest) -> dict[str, Any]:
    return {
        name: getattr(request, name)
        for name in (
            "status",
            "updated_at",
            "viewed_at",
            "responded_at",
            "decline_reason",
            "response_message",
        )
    }


async def people() -> tuple[User, User, dict[str, User]]:
    mentee, mentor = await make_user(), await make_mentor()
    cast = {
        "mentee": mentee,
        "mentor": mentor,
        "admin": await make_user(admin=True),
        "other member": await make_user(),
        "other mentor": await make_mentor(),
    }
    return mentee, mentor, cast


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("operation", list(OPERATIONS))
async def test_transition_table_through_graphql(
    client: GraphQLClient, operation: str, status: RequestStatus
) -> None:
    mismatches = []
    for role in ROLES:
        mentee, mentor, cast = await people()
        request = await make_request(mentee=mentee, mentor=mentor, status=status)
        before = snapshot(request)
        payload = result_of(await act(client, operation, request.id, cast[role]), operation)
        after = await MentorshipRequest.get(id=request.id)
        events = await RequestEvent.filter(request_id=request.id)
        want = expected_code(operation, status, role)
        case = f"{operation} on {status.value} as {role}"

        if want is not None:
            if codes(payload) != [want] or payload["request"] is not None:
                mismatches.append(f"{case}: wanted {want}, got {payload}")
            if snapshot(after) != before or events:
                mismatches.append(f"{case}: refused but changed the request or wrote events")
        elif status is TARGET[operation]:  # the idempotent markViewed
            if payload["userErrors"] or snapshot(after) != before or events:
                mismatches.append(f"{case}: should be an unchanged no-op, got {payload}")
        else:
            to = TARGET[operation]
            if payload["userErrors"] or payload["request"]["status"] != to.value:
                mismatches.append(f"{case}: wanted success, got {payload}")
            if after.status != to or after.updated_at <= before["updated_at"]:
                mismatches.append(f"{case}: stored status {after.status}")
            changes = [(e.from_status, e.to_status, e.actor_id) for e in events]
            if changes != [(status, to, cast[role].id)]:
                mismatches.append(f"{case}: wanted exactly one event, got {changes}")
    assert mismatches == []


async def test_changes_set_their_timestamps_and_answers(client: GraphQLClient) -> None:
    mentee, mentor, cast = await people()
    viewed = await make_request(mentee=mentee, mentor=mentor)
    payload = result_of(await act(client, "markViewed", viewed.id, mentor), "markViewed")
    assert payload["request"]["viewedAt"] is not None
    assert payload["request"]["respondedAt"] is None

    approved = result_of(await act(client, "approve", viewed.id, mentor), "approve")["request"]
    assert approved["respondedAt"] is not None
    assert approved["viewedAt"] == payload["request"]["viewedAt"]
    assert approved["responseMessage"] == "Welcome aboard."

    # A mentor may answer without marking viewed first: answering implies having read it.
    other_mentee = await make_user()
    fresh = await make_request(mentee=other_mentee, mentor=mentor)
    declined = result_of(await act(client, "decline", fresh.id, mentor), "decline")["request"]
    assert declined["declineReason"] == "NOT_A_GOOD_FIT"
    assert declined["viewedAt"] == declined["respondedAt"] is not None

    # respondedAt measures the mentor: an admin's decline is not a response of theirs.
    third = await make_request(mentee=await make_user(), mentor=mentor)
    by_admin = result_of(await act(client, "decline", third.id, cast["admin"]), "decline")
    assert by_admin["request"]["respondedAt"] is None
    assert by_admin["request"]["status"] == "DECLINED"


async def test_events_keep_the_notes_given_with_each_change(client: GraphQLClient) -> None:
    mentee, mentor, _ = await people()
    request = await make_request(mentee=mentee, mentor=mentor, status=S.VIEWED)
    result_of(await act(client, "cancel", request.id, mentee), "cancel")
    event = await RequestEvent.get(request_id=request.id)
    assert (event.to_status, event.note) == (S.CANCELLED, "I found help elsewhere.")


# The system (sweeps; actor None) and every other role, for every (from, to) — in the models,
# since no mutation lets a client act as the system or expire a request.
MODEL_ALLOWED: dict[tuple[RequestStatus, RequestStatus], set[str]] = {
    **{(to, frm): roles for (op, frm), roles in ALLOWED.items() for to in [TARGET[op]]},
    (S.DECLINED, S.NEW): {"mentor", "admin", "system"},
    (S.DECLINED, S.VIEWED): {"mentor", "admin", "system"},
    (S.EXPIRED, S.NEW): {"system"},
    (S.EXPIRED, S.VIEWED): {"system"},
}
MODEL_EVER = {to: set().union(*(r for (t, _), r in MODEL_ALLOWED.items() if t == to)) for to in S}
MODEL_EVER[S.NEW] = {"mentee"}  # creation, which has its own entry point


@pytest.mark.parametrize("status", list(S))
async def test_transition_table_in_the_models_including_the_system(
    db: None, status: RequestStatus
) -> None:
    mismatches = []
    for to in S:
        for role in ("mentee", "mentor", "admin", "system"):
            mentee, mentor, cast = await people()
            request = await make_request(mentee=mentee, mentor=mentor, status=status)
            actor = None if role == "system" else cast[role]
            if role in MODEL_ALLOWED.get((to, status), set()):
                want = None
            else:
                want = "FORBIDDEN" if role not in MODEL_EVER[to] else "INVALID_TRANSITION"
            try:
                # The mentor's own reason; the others may state the mentor's inactivity.
                reason = DeclineReason.OTHER if role == "mentor" else DeclineReason.MENTOR_INACTIVE
                await lifecycle.transition(request.id, to, actor=actor, decline_reason=reason)
                got = None
            except RuleViolation as violation:
                got = violation.code.value
            events = await RequestEvent.filter(request_id=request.id).count()
            stored = (await MentorshipRequest.get(id=request.id)).status
            if got != want or events != (want is None) or stored != (status if want else to):
                mismatches.append(f"{status.value}->{to.value} as {role}: {got}, {events} events")
    assert mismatches == []


async def test_system_changes_have_no_actor(db: None) -> None:
    request = await make_request(mentee=await make_user(), mentor=await make_mentor())
    await lifecycle.transition(request.id, S.EXPIRED, actor=None, note="No answer in 14 days.")
    event = await RequestEvent.get(request_id=request.id)
    assert (event.actor_id, event.to_status, event.note) == (
        None,
        S.EXPIRED,
        "No answer in 14 days.",
    )


# Who may give the reasons that state a fact about the mentor, as docs/lifecycle.md says.
REASON_GIVERS = {"MENTOR_INACTIVE": {"admin"}, "ACCOUNT_CLOSED": set()}


@pytest.mark.parametrize("reason", sorted(REASON_GIVERS))
async def test_a_mentor_never_gives_the_systems_reasons(client: GraphQLClient, reason: str) -> None:
    """A mentor declining as MENTOR_INACTIVE or ACCOUNT_CLOSED would be counted as the system's
    decline, not as their answer: refused, nothing changed. An admin may judge a mentor
    inactive; only the system closes an account. The system may give both."""
    assert {r.value for r in SYSTEM_DECLINE_REASONS} == set(REASON_GIVERS)
    decline = (
        "mutation($id: ID!, $reason: DeclineReason!) {"
        " declineMentorshipRequest(input: {requestId: $id, reason: $reason}) { request { status }"
        " userErrors { code field message } } }"
    )
    for role in ("mentor", "admin"):
        mentee, mentor, cast = await people()
        request = await make_request(mentee=mentee, mentor=mentor, status=S.VIEWED)
        before = snapshot(request)
        answer = await client.execute(
            decline, {"id": request_gid(request.id), "reason": reason}, as_user=cast[role]
        )
        payload = answer.data["declineMentorshipRequest"]
        if role in REASON_GIVERS[reason]:
            assert payload == {"request": {"status": "DECLINED"}, "userErrors": []}
            continue
        assert payload["request"] is None
        [error] = payload["userErrors"]
        assert (error["code"], error["field"]) == ("FORBIDDEN", ["reason"])
        assert reason in error["message"]
        assert snapshot(await MentorshipRequest.get(id=request.id)) == before
        assert await RequestEvent.filter(request_id=request.id).count() == 0
    request = await make_request(mentee=await make_user(), mentor=await make_mentor())
    await lifecycle.transition(
        request.id, S.DECLINED, actor=None, decline_reason=DeclineReason(reason)
    )
    assert (await MentorshipRequest.get(id=request.id)).decline_reason == reason


async def test_approvals_stop_at_the_mentors_capacity(client: GraphQLClient) -> None:
    mentor = await make_mentor(capacity=1)
    first = await make_request(mentee=await make_user(), mentor=mentor, status=S.VIEWED)
    second = await make_request(mentee=await make_user(), mentor=mentor, status=S.VIEWED)
    assert codes(result_of(await act(client, "approve", first.id, mentor), "approve")) == []

    refused = result_of(await act(client, "approve", second.id, mentor), "approve")
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("MENTOR_AT_CAPACITY", ["requestId"])
    ]
    assert (await MentorshipRequest.get(id=second.id)).status == S.VIEWED
    assert await RequestEvent.filter(request_id=second.id).count() == 0

    # Ending a mentorship frees its place.
    assert codes(result_of(await act(client, "complete", first.id, mentor), "complete")) == []
    assert codes(result_of(await act(client, "approve", second.id, mentor), "approve")) == []

"""Moderation (issue 16) over HTTP: only admins act; a suspended or banned member cannot sign
in, refresh, or keep using a token or a socket, leaves every listing, and their open requests
close; a suspension ends by itself; every admin action is in the audit log."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import httpx
import pytest

from devkit.factories import PASSWORD, make_mentor, make_request, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.account_deletion import DELETED_NAME
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.application_records import MentorApplication
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.safety.safety_records import (
    AdminAuditEntry,
    AuditAction,
    MemberReport,
    ReportStatus,
)
from mentorgraph.models.sweep import sweep
from mentorgraph.settings import Settings
from tests.accounts.test_sessions import LOG_IN, REFRESH, VIEWER, log_in, post
from tests.api.test_hostile_websockets import ask, closed, connected
from tests.conftest import StartServer
from tests.utils.app_pair import app_pair
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import act, create, request_gid, result_of, user_gid
from tests.utils.safety import (
    AUDIT,
    BAN,
    DISMISS,
    MEMBERS,
    REPORT_MEMBER,
    REPORT_REQUEST,
    REPORTS,
    SUSPEND,
    UNSUSPEND,
    WARN,
    codes,
    run,
)

REASON = "Repeated harassment of mentees, see the reports."
DIRECTORY = "query { mentors(filter: {availableOnly: false}) { nodes { id } } }"


def later(days: float) -> str:
    return (clock.now() + timedelta(days=days)).isoformat()


def operations(target: User) -> dict[str, tuple[str, dict[str, Any]]]:
    gid = user_gid(target.id)
    return {
        "reports": (REPORTS, {}),
        "adminAuditLog": (AUDIT, {}),
        "members": (MEMBERS, {}),
        "dismissReport": (DISMISS, {"id": "TWVtYmVyUmVwb3J0OjE"}),
        "warnMember": (WARN, {"id": gid, "reason": REASON}),
        "suspendMember": (SUSPEND, {"id": gid, "until": later(3), "reason": REASON}),
        "banMember": (BAN, {"id": gid, "reason": REASON}),
        "unsuspendMember": (UNSUSPEND, {"id": gid, "reason": REASON}),
    }


@pytest.mark.parametrize("role", ["anonymous", "member"])
@pytest.mark.parametrize(
    "operation",
    [
        "reports",
        "adminAuditLog",
        "members",
        "dismissReport",
        "warnMember",
        "suspendMember",
        "banMember",
        "unsuspendMember",
    ],
)
async def test_only_admins_moderate(client: GraphQLClient, role: str, operation: str) -> None:
    target = await make_mentor()
    reporter = await make_user()
    await run(
        client, REPORT_MEMBER, reporter, id=user_gid(target.id), category="SPAM", reason=REASON
    )
    cast = {"anonymous": None, "member": await make_mentor()}
    document, variables = operations(target)[operation]
    response = await client.execute(document, variables, as_user=cast[role])
    assert response.error_codes == ["UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"]
    fresh = await User.get(id=target.id)
    assert (fresh.suspended_until, fresh.banned_at, fresh.available) == (None, None, True)
    assert not await AdminAuditEntry.exists()
    assert await MemberReport.filter(status=ReportStatus.OPEN).count() == 1
    assert not await OutboxEmail.filter(kind="moderation_notice").exists()


async def test_a_suspension_closes_everything_and_ends_by_itself(
    client: GraphQLClient,
) -> None:
    admin = await make_user(admin=True)
    mentor = await make_mentor(email="mo@example.org", name="Mo")
    asking = await make_request(mentee=await make_user(), mentor=mentor)
    other_mentor = await make_mentor()
    own = await make_request(
        mentee=mentor, mentor=other_mentor
    )  # the suspended member's own request
    reporter = await make_user()
    filed = await run(
        client,
        REPORT_MEMBER,
        reporter,
        id=user_gid(mentor.id),
        category="HARASSMENT",
        reason=REASON,
    )
    signed_in = await log_in(client.http, "mo@example.org")
    listed = (await client.execute(DIRECTORY)).data["mentors"]["nodes"]
    assert {"id": user_gid(mentor.id)} in listed

    suspended = await run(
        client,
        SUSPEND,
        admin,
        id=user_gid(mentor.id),
        until=later(3),
        reason=REASON,
        report=filed["report"]["id"],
    )
    assert suspended["userErrors"] == []
    user = suspended["user"]
    assert (user["status"], user["available"]) == ("SUSPENDED", False)
    assert user["suspendedUntil"] is not None
    closed_requests = {r["id"]: r["status"] for r in suspended["requests"]}
    assert closed_requests == {
        request_gid(asking.id): "DECLINED",
        request_gid(own.id): "CANCELLED",
    }
    report = await MemberReport.get(id=1)
    assert report.status is ReportStatus.ACTIONED and report.resolved_by_id == admin.id
    entry = await AdminAuditEntry.get(action=AuditAction.SUSPEND_MEMBER)
    assert (entry.actor_id, entry.target_user_id, entry.reason) == (admin.id, mentor.id, REASON)
    assert entry.target_report_id == report.id
    email = await OutboxEmail.get(kind="moderation_notice", to_email="mo@example.org")
    assert "suspended your account until" in email.text_body and REASON in email.text_body

    # Gone from every listing (the directory shows unavailable mentors too: not them).
    listed = (await client.execute(DIRECTORY)).data["mentors"]["nodes"]
    assert {"id": user_gid(mentor.id)} not in listed
    # The session's token, its refresh token, a token without a session and the password:
    # all refused.
    status, body = await post(client.http, VIEWER, token=signed_in["token"])
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    refreshed = (await post(client.http, REFRESH, {"t": signed_in["refreshToken"]}))[1]
    assert codes(refreshed["data"]["refreshSession"]) in (
        ["INVALID_REFRESH_TOKEN"],
        ["ACCOUNT_SUSPENDED"],
    )
    plain = await client.execute(VIEWER, as_user=mentor)
    assert plain.error_codes == ["UNAUTHENTICATED"]
    login = {"input": {"email": "mo@example.org", "password": PASSWORD}}
    refused = (await post(client.http, LOG_IN, login))[1]["data"]["logIn"]
    assert codes(refused) == ["ACCOUNT_SUSPENDED"] and refused["token"] is None
    wrong = {"input": {"email": "mo@example.org", "password": "not the password"}}
    # A stranger without the password learns nothing of the suspension.
    assert codes((await post(client.http, LOG_IN, wrong))[1]["data"]["logIn"]) == [
        "INVALID_CREDENTIALS"
    ]
    # Asking them is asking an unavailable mentor.
    assert codes(await create(client, await make_user(), mentor.id)) == ["MENTOR_UNAVAILABLE"]

    # It ends by itself: at `until` they sign in again; the sweep lists them again.
    clock.advance(timedelta(days=3, seconds=1))
    again = (await post(client.http, LOG_IN, login))[1]["data"]["logIn"]
    assert again["userErrors"] == []
    await sweep()
    assert (await User.get(id=mentor.id)).suspended_until is None
    listed = (await client.execute(DIRECTORY)).data["mentors"]["nodes"]
    assert {"id": user_gid(mentor.id)} in listed


async def test_a_ban_lasts_until_lifted_and_both_are_audited(client: GraphQLClient) -> None:
    admin = await make_user(admin=True)
    member = await make_user(email="al@example.org")
    banned = await run(client, BAN, admin, id=user_gid(member.id), reason=REASON)
    assert banned["userErrors"] == [] and banned["user"]["status"] == "BANNED"
    login = {"input": {"email": "al@example.org", "password": PASSWORD}}
    clock.advance(timedelta(days=400))
    assert codes((await post(client.http, LOG_IN, login))[1]["data"]["logIn"]) == ["ACCOUNT_BANNED"]
    suspend = await run(
        client, SUSPEND, admin, id=user_gid(member.id), until=later(1), reason=REASON
    )
    assert codes(suspend) == ["ACCOUNT_BANNED"]
    lifted = await run(client, UNSUSPEND, admin, id=user_gid(member.id), reason="Appeal upheld.")
    assert lifted["userErrors"] == [] and lifted["user"]["status"] == "ACTIVE"
    assert (await post(client.http, LOG_IN, login))[1]["data"]["logIn"]["userErrors"] == []
    again = await run(client, UNSUSPEND, admin, id=user_gid(member.id), reason="Appeal upheld.")
    assert codes(again) == ["NOT_FOUND"]
    actions = [
        e.action for e in await AdminAuditEntry.filter(target_user_id=member.id).order_by("id")
    ]
    assert actions == [AuditAction.BAN_MEMBER, AuditAction.UNSUSPEND_MEMBER]


async def test_moderation_refusals(client: GraphQLClient) -> None:
    admin, other_admin, member = (
        await make_user(admin=True),
        await make_user(admin=True),
        await make_user(),
    )
    gid = user_gid(member.id)
    cases = [
        (SUSPEND, {"id": gid, "until": later(-1), "reason": REASON}, "INVALID_INPUT"),
        (SUSPEND, {"id": gid, "until": later(366), "reason": REASON}, "INVALID_INPUT"),
        (SUSPEND, {"id": gid, "until": later(1), "reason": " "}, "INVALID_INPUT"),
        (BAN, {"id": gid, "reason": "x" * 2001}, "INVALID_INPUT"),
        (BAN, {"id": user_gid(admin.id), "reason": REASON}, "INVALID_INPUT"),
        (BAN, {"id": user_gid(other_admin.id), "reason": REASON}, "FORBIDDEN"),
        (BAN, {"id": user_gid(10**6), "reason": REASON}, "NOT_FOUND"),
        (WARN, {"id": gid, "reason": REASON, "report": "TWVtYmVyUmVwb3J0OjQ0"}, "NOT_FOUND"),
    ]
    for document, variables, code in cases:
        assert codes(await run(client, document, admin, **variables)) == [code], variables
    assert not await AdminAuditEntry.exists()
    fresh = await User.get(id=member.id)
    assert (fresh.suspended_until, fresh.banned_at) == (None, None)


async def test_a_warning_is_emailed_and_acts_on_the_report(client: GraphQLClient) -> None:
    admin, member, reporter = await make_user(admin=True), await make_user(), await make_user()
    filed = await run(
        client, REPORT_MEMBER, reporter, id=user_gid(member.id), category="SPAM", reason=REASON
    )
    warned = await run(
        client,
        WARN,
        admin,
        id=user_gid(member.id),
        reason="No advertising, please.",
        report=filed["report"]["id"],
    )
    assert warned["userErrors"] == []
    email = await OutboxEmail.get(kind="moderation_notice", to_email=member.email)
    assert "No advertising, please." in email.text_body
    assert (await MemberReport.get(id=1)).status is ReportStatus.ACTIONED
    # A report about someone else cannot be closed by acting on this member.
    other = await make_user()
    filed = await run(
        client, REPORT_MEMBER, reporter, id=user_gid(other.id), category="SPAM", reason=REASON
    )
    wrong = await run(
        client, WARN, admin, id=user_gid(member.id), reason=REASON, report=filed["report"]["id"]
    )
    assert codes(wrong) == ["NOT_FOUND"]
    assert await OutboxEmail.filter(kind="moderation_notice").count() == 1


async def test_the_existing_admin_actions_are_audited_too(client: GraphQLClient) -> None:
    from tests.utils.admin import SEND_REMINDER, SET_AVAILABILITY

    admin = await make_user(admin=True)
    mentor = await make_mentor()
    request = await make_request(mentee=await make_user(), mentor=mentor)
    declined = await make_request(mentee=await make_user(), mentor=mentor)
    assert (
        result_of(await act(client, "decline", declined.id, admin), "decline")["userErrors"] == []
    )
    reminded = await client.execute(
        SEND_REMINDER, {"requestId": request_gid(request.id)}, as_user=admin
    )
    assert reminded.data["sendMentorReminder"]["userErrors"] == []
    availability = await client.execute(
        SET_AVAILABILITY,
        {"mentorId": user_gid(mentor.id), "available": False, "decline": False},
        as_user=admin,
    )
    assert availability.data["setMentorAvailability"]["userErrors"] == []
    applicant = await make_user()
    application = await MentorApplication.create(
        user_id=applicant.id, motivation="x" * 60, created_at=clock.now()
    )
    from mentorgraph.resolvers.ids import encode_global_id

    reviewed = await client.execute(
        "mutation($id: ID!) { reviewMentorApplication(input: {applicationId: $id,"
        " decision: APPROVE}) { userErrors { code } } }",
        {"id": encode_global_id("MentorApplication", application.id)},
        as_user=admin,
    )
    assert reviewed.data["reviewMentorApplication"]["userErrors"] == []
    # The mentor's own answer is no admin action: not audited.
    mine = await make_request(mentee=await make_user(), mentor=mentor)
    await act(client, "decline", mine.id, mentor)

    log = (await client.execute(AUDIT, {}, as_user=admin)).data["adminAuditLog"]
    assert [n["action"] for n in log["nodes"]] == [
        "REVIEW_APPLICATION",
        "SET_MENTOR_AVAILABILITY",
        "SEND_MENTOR_REMINDER",
        "DECLINE_REQUEST",
    ]
    assert all(n["actor"]["id"] == user_gid(admin.id) for n in log["nodes"])
    assert log["nodes"][3]["targetRequest"]["id"] == request_gid(declined.id)
    assert log["nodes"][0]["targetUser"]["id"] == user_gid(applicant.id)
    by_target = await client.execute(AUDIT, {"target": user_gid(mentor.id)}, as_user=admin)
    assert by_target.data["adminAuditLog"]["totalCount"] == 3
    by_action = await client.execute(AUDIT, {"action": "DECLINE_REQUEST"}, as_user=admin)
    assert by_action.data["adminAuditLog"]["totalCount"] == 1
    by_actor = await client.execute(AUDIT, {"actor": user_gid(mentor.id)}, as_user=admin)
    assert by_actor.data["adminAuditLog"]["totalCount"] == 0
    paged = (await client.execute(AUDIT, {"first": 3}, as_user=admin)).data["adminAuditLog"]
    rest = await client.execute(AUDIT, {"after": paged["pageInfo"]["endCursor"]}, as_user=admin)
    assert [n["action"] for n in rest.data["adminAuditLog"]["nodes"]] == ["DECLINE_REQUEST"]
    assert (await MentorshipRequest.get(id=mine.id)).status is RequestStatus.DECLINED


async def test_admins_list_members_by_role_standing_and_prefix(client: GraphQLClient) -> None:
    admin = await make_user(admin=True, name="Root", email="root@example.org")
    ada = await make_mentor(name="Ada Lovelace", email="ada@example.org")
    bob = await make_user(name="Bob", email="bob@example.org")
    eve = await make_user(name="Eve", email="ada.eve@example.org")
    await run(client, SUSPEND, admin, id=user_gid(eve.id), until=later(2), reason=REASON)
    await run(client, BAN, admin, id=user_gid(bob.id), reason=REASON)

    async def names(**variables: Any) -> list[str]:
        response = await client.execute(MEMBERS, variables, as_user=admin)
        return [n["name"] for n in response.data["members"]["nodes"]]

    assert await names() == ["Eve", "Bob", "Ada Lovelace", "Root"]
    assert await names(role="MENTOR") == ["Ada Lovelace"]
    assert await names(role="ADMIN") == ["Root"]
    assert await names(role="MEMBER") == ["Eve", "Bob"]
    assert await names(status="ACTIVE") == ["Ada Lovelace", "Root"]
    assert await names(status="SUSPENDED") == ["Eve"]
    assert await names(status="BANNED") == ["Bob"]
    # A prefix of the email or of the name, any case; LIKE's wildcards are plain characters.
    assert await names(search="ADA") == ["Eve", "Ada Lovelace"]
    assert await names(search="ada l") == ["Ada Lovelace"]
    assert await names(search="%") == []
    assert await names(search="_ob") == []
    rows = (await client.execute(MEMBERS, {"status": "SUSPENDED"}, as_user=admin)).data
    [row] = rows["members"]["nodes"]
    assert row["status"] == "SUSPENDED" and row["suspendedUntil"]
    assert row["email"] == "ada.eve@example.org"
    page = (await client.execute(MEMBERS, {"first": 3}, as_user=admin)).data["members"]
    assert page["totalCount"] == 4 and page["pageInfo"]["hasNextPage"]
    rest = await names(after=page["pageInfo"]["endCursor"])
    assert rest == ["Root"]
    # The suspension ends by itself: ACTIVE again, whether or not the sweep ran.
    clock.advance(timedelta(days=2, seconds=1))
    assert await names(status="SUSPENDED") == []
    assert "Eve" in await names(status="ACTIVE")
    too_long = await client.execute(MEMBERS, {"search": "a" * 101}, as_user=admin)
    assert too_long.error_codes == ["BAD_USER_INPUT"]
    # Members see no one's standing.
    own = await client.execute(
        "query($id: ID!) { node(id: $id) { ... on User { status suspendedUntil } } }",
        {"id": user_gid(ada.id)},
        as_user=ada,
    )
    assert own.data["node"] == {"status": None, "suspendedUntil": None}


async def leaving_and_unverified() -> dict[str, User]:
    """One member in each status of an account's own making (set directly: how each comes
    about is tested in test_email_verification.py and test_account_deletion.py)."""
    now = clock.now()
    members = {
        "UNVERIFIED": await make_user(name="Una", verified=False),
        "DELETION_PENDING": await make_mentor(name="Pat", available=False),
        "DELETED": await make_user(name=DELETED_NAME, verified=False),
        "SUSPENDED": await make_user(name="Sue", verified=False),
    }
    await User.filter(id=members["DELETION_PENDING"].id).update(
        deletion_due_at=now + timedelta(days=3)
    )
    await User.filter(id=members["DELETED"].id).update(
        deletion_due_at=now - timedelta(days=1), deleted_at=now
    )
    # A suspension outranks an unconfirmed address: the status says the stronger fact.
    await User.filter(id=members["SUSPENDED"].id).update(suspended_until=now + timedelta(days=1))
    return members


async def test_members_by_the_statuses_of_verification_and_leaving(client: GraphQLClient) -> None:
    admin = await make_user(admin=True, name="Root")
    members = await leaving_and_unverified()

    async def listed(status: str) -> list[tuple[str, str]]:
        response = await client.execute(MEMBERS, {"status": status}, as_user=admin)
        return [(n["name"], n["status"]) for n in response.data["members"]["nodes"]]

    for status, member in members.items():
        assert await listed(status) == [(member.name, status)], status
    assert await listed("ACTIVE") == [("Root", "ACTIVE")]
    # Each member in exactly one status.
    every = await client.execute(MEMBERS, {}, as_user=admin)
    assert every.data["members"]["totalCount"] == 5
    # The grace period's end without a sweep changes nothing: DELETED comes with the
    # anonymisation, not with the date.
    clock.advance(timedelta(days=4))
    assert await listed("DELETION_PENDING") == [("Pat", "DELETION_PENDING")]


async def test_a_suspended_members_open_socket_is_closed(serve: StartServer) -> None:
    url = await serve(ws_account_check_seconds=0.2)
    admin = await make_user(admin=True)
    member = await make_user(email="al@example.org")
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        signed_in = await log_in(http, "al@example.org")
        admin_in = await log_in(http, admin.email)
        socket = await connected(url, signed_in["token"])
        assert (await ask(socket, "v", VIEWER))["payload"]["data"]["viewer"] is not None
        _, body = await post(
            http,
            SUSPEND,
            {"id": user_gid(member.id), "until": later(1), "reason": REASON},
            token=admin_in["token"],
        )
        assert body["data"]["suspendMember"]["userErrors"] == []
        code, _reason = await closed(socket)
        assert code == 4403


@pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="the fast read path runs on PostgreSQL only",
)
async def test_the_fast_path_answers_the_admin_reads_itself(settings: Settings, db: None) -> None:
    admin = await make_user(admin=True, name="Root")
    mentor, member = await make_mentor(name="Ada"), await make_user(name="Bob")
    request = await make_request(mentee=member, mentor=mentor)
    async with app_pair(settings) as apps:
        await run(
            apps.ordinary,
            REPORT_MEMBER,
            member,
            id=user_gid(mentor.id),
            category="SPAM",
            reason=REASON,
        )
        await run(
            apps.ordinary,
            REPORT_REQUEST,
            mentor,
            id=request_gid(request.id),
            category="HARASSMENT",
            reason=REASON,
        )
        await run(
            apps.ordinary,
            SUSPEND,
            admin,
            id=user_gid(mentor.id),
            until=later(2),
            reason=REASON,
            report="TWVtYmVyUmVwb3J0OjE",
        )
        await run(apps.ordinary, BAN, admin, id=user_gid(member.id), reason=REASON)
        leaving = await leaving_and_unverified()
        checks: list[tuple[str, dict[str, Any]]] = [
            (REPORTS, {}),
            (REPORTS, {"status": "OPEN"}),
            (AUDIT, {}),
            (AUDIT, {"action": "BAN_MEMBER", "target": user_gid(member.id)}),
            (MEMBERS, {}),
            (MEMBERS, {"status": "SUSPENDED"}),
            (MEMBERS, {"status": "ACTIVE", "role": "ADMIN"}),
            (MEMBERS, {"search": "ad", "first": 1}),
            *((MEMBERS, {"status": status}) for status in leaving),
        ]
        for query, variables in checks:
            served = apps.fast_app.state.fast_reads.served
            fast = await apps.fast.execute(query, variables, as_user=admin)
            assert apps.fast_app.state.fast_reads.served == served + 1, query
            ordinary = await apps.ordinary.execute(query, variables, as_user=admin)
            assert fast.body == ordinary.body, (query, variables)
            # Anyone else: refused on both paths alike.
            assert (await apps.fast.execute(query, variables, as_user=mentor)).error_codes == [
                "UNAUTHENTICATED"  # suspended: the token itself is refused
            ]
        # After the suspension's end, without a sweep: ACTIVE on both paths.
        clock.advance(timedelta(days=2, seconds=1))
        fast = await apps.fast.execute(MEMBERS, {"status": "ACTIVE"}, as_user=admin)
        ordinary = await apps.ordinary.execute(MEMBERS, {"status": "ACTIVE"}, as_user=admin)
        assert fast.body == ordinary.body
        assert user_gid(mentor.id) in {n["id"] for n in fast.data["members"]["nodes"]}

"""Reports (issue 16) over HTTP: members report members and requests, bounded, one open report
per target, throttled; admins work through the queue and dismiss (audited)."""

from __future__ import annotations

import asyncio

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.safety.safety_records import (
    AdminAuditEntry,
    AuditAction,
    MemberReport,
    ReportStatus,
)
from mentorgraph.models.throttle import key
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import request_gid, user_gid
from tests.utils.safety import (
    DISMISS,
    REPORT_MEMBER,
    REPORT_REQUEST,
    REPORTS,
    codes,
    run,
)

REASON = "They keep sending me unsolicited offers."


async def test_a_member_reports_a_member_once_while_it_is_open(client: GraphQLClient) -> None:
    reporter, target = await make_user(), await make_user()
    filed = await run(
        client, REPORT_MEMBER, reporter, id=user_gid(target.id), category="SPAM", reason=REASON
    )
    assert filed["userErrors"] == []
    report = filed["report"]
    assert (report["category"], report["status"], report["reason"]) == ("SPAM", "OPEN", REASON)
    assert report["targetUser"]["id"] == user_gid(target.id) and report["targetRequest"] is None

    again = await run(
        client, REPORT_MEMBER, reporter, id=user_gid(target.id), category="OTHER", reason=REASON
    )
    assert codes(again) == ["DUPLICATE_REPORT"]
    # Concurrent duplicates: the partial unique index lets one through.
    other = await make_user()
    raced = await asyncio.gather(
        *(
            run(
                client, REPORT_MEMBER, other, id=user_gid(target.id), category="SPAM", reason=REASON
            )
            for _ in range(4)
        )
    )
    assert sorted(tuple(codes(r)) for r in raced) == [()] + [("DUPLICATE_REPORT",)] * 3
    assert await MemberReport.filter(target_user_id=target.id).count() == 2


async def test_bad_reports_are_refused(client: GraphQLClient) -> None:
    me, target = await make_user(), await make_user()
    cases = [
        ({"id": user_gid(me.id), "reason": REASON}, ["INVALID_INPUT"]),
        ({"id": user_gid(target.id), "reason": "short"}, ["INVALID_INPUT"]),
        ({"id": user_gid(target.id), "reason": "x" * 2001}, ["INVALID_INPUT"]),
        ({"id": user_gid(10**6), "reason": REASON}, ["NOT_FOUND"]),
    ]
    for variables, expected in cases:
        refused = await run(client, REPORT_MEMBER, me, category="SPAM", **variables)
        assert codes(refused) == expected, variables
    bad_category = await client.execute(
        REPORT_MEMBER, {"id": user_gid(target.id), "category": "NOPE", "reason": REASON}, as_user=me
    )
    assert bad_category.error_codes == ["BAD_USER_INPUT"]
    anonymous = await client.execute(
        REPORT_MEMBER, {"id": user_gid(target.id), "category": "SPAM", "reason": REASON}
    )
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert not await MemberReport.exists()


async def test_a_side_of_a_request_reports_it_about_the_other_side(client: GraphQLClient) -> None:
    mentor, mentee, outsider = await make_mentor(), await make_user(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    filed = await run(
        client,
        REPORT_REQUEST,
        mentor,
        id=request_gid(request.id),
        category="HARASSMENT",
        reason=REASON,
    )
    assert filed["userErrors"] == []
    assert filed["report"]["targetUser"]["id"] == user_gid(mentee.id)
    assert filed["report"]["targetRequest"]["id"] == request_gid(request.id)
    # Someone who is no side of it does not learn it exists.
    outside = await run(
        client, REPORT_REQUEST, outsider, id=request_gid(request.id), category="SPAM", reason=REASON
    )
    assert codes(outside) == ["NOT_FOUND"]
    # Reporting the request and its mentee are two targets.
    member = await run(
        client, REPORT_MEMBER, mentor, id=user_gid(mentee.id), category="SPAM", reason=REASON
    )
    assert member["userErrors"] == []


async def test_reports_are_throttled_per_reporter(client: GraphQLClient) -> None:
    reporter = await make_user()
    targets = [await make_user() for _ in range(11)]
    answers = [
        await run(
            client, REPORT_MEMBER, reporter, id=user_gid(t.id), category="SPAM", reason=REASON
        )
        for t in targets
    ]
    assert all(a["userErrors"] == [] for a in answers[:10])
    [refused] = answers[10]["userErrors"]
    assert refused["code"] == "TOO_SOON" and 0 < refused["retryAfterSeconds"] <= 3600
    assert await MemberReport.filter(reporter_id=reporter.id).count() == 10
    # Counted by the database under a key naming no one in the clear.
    assert len(key("report", str(reporter.id))) == 64


async def test_admins_page_the_queue_and_dismiss(client: GraphQLClient) -> None:
    admin = await make_user(admin=True)
    target = await make_user()
    reporters = [await make_user() for _ in range(3)]
    for reporter in reporters:
        await run(
            client, REPORT_MEMBER, reporter, id=user_gid(target.id), category="SPAM", reason=REASON
        )
    page = (await client.execute(REPORTS, {"first": 2}, as_user=admin)).data["reports"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    assert [n["reporter"]["id"] for n in page["nodes"]] == [user_gid(r.id) for r in reporters[:2]]
    oldest = page["nodes"][0]["id"]

    dismissed = await run(client, DISMISS, admin, id=oldest, note="Not spam: a job offer.")
    assert dismissed["userErrors"] == [] and dismissed["report"]["status"] == "DISMISSED"
    assert codes(await run(client, DISMISS, admin, id=oldest, note=None)) == ["NOT_FOUND"]

    open_ = (await client.execute(REPORTS, {"status": "OPEN"}, as_user=admin)).data["reports"]
    assert open_["totalCount"] == 2
    closed = (await client.execute(REPORTS, {"status": "DISMISSED"}, as_user=admin)).data
    [row] = closed["reports"]["nodes"]
    assert row["resolvedBy"]["id"] == user_gid(admin.id)
    assert row["resolutionNote"] == "Not spam: a job offer." and row["resolvedAt"]
    entry = await AdminAuditEntry.get(action=AuditAction.DISMISS_REPORT)
    assert (entry.actor_id, entry.target_user_id) == (admin.id, target.id)
    assert entry.reason == "Not spam: a job offer."
    assert await MemberReport.filter(status=ReportStatus.OPEN).count() == 2

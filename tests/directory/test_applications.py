"""Becoming a mentor: apply with a complete profile, an admin decides, the applicant is told."""

from __future__ import annotations

from devkit.factories import make_user
from mentorgraph.models.accounts.users import ChannelType, User
from mentorgraph.resolvers.ids import encode_global_id
from tests.utils.client import GraphQLClient
from tests.utils.mail import worker_for
from tests.utils.smtp import SmtpServer

APPLY = """mutation($m: String!) { applyToMentor(input: {motivation: $m}) {
  application { id status applicant { name } } userErrors { field code message } } }"""
REVIEW = """mutation($id: ID!, $d: ApplicationDecision!, $r: String) {
  reviewMentorApplication(input: {applicationId: $id, decision: $d, reason: $r}) {
    application { status decisionReason decidedAt } userErrors { field code } } }"""
MOTIVATION = "I was mentored at my first job and want to give that back to others."


async def complete_member(**kwargs: object) -> User:
    return await make_user(
        title="Backend engineer",
        bio="Ten years of Python.",
        tags=["python"],
        channels=[(ChannelType.GITHUB, "someone")],
        **kwargs,  # type: ignore[arg-type]
    )


async def test_an_incomplete_profile_is_told_what_is_missing(client: GraphQLClient) -> None:
    member = await make_user()
    result = await client.execute(APPLY, {"m": "too short"}, as_user=member)
    errors = result.data["applyToMentor"]["userErrors"]
    assert sorted(e["field"][0] for e in errors) == [
        "bio",
        "channels",
        "motivation",
        "tags",
        "title",
    ]


async def test_apply_then_approve_makes_a_mentor_and_emails_them(
    client: GraphQLClient, smtp: SmtpServer
) -> None:
    member = await complete_member(email="new@example.org")
    admin = await make_user(admin=True)
    applied = (await client.execute(APPLY, {"m": MOTIVATION}, as_user=member)).data
    application = applied["applyToMentor"]["application"]
    assert application["status"] == "PENDING"

    again = await client.execute(APPLY, {"m": MOTIVATION}, as_user=member)
    assert again.data["applyToMentor"]["userErrors"][0]["code"] == "APPLICATION_PENDING"

    reviewed = await client.execute(
        REVIEW, {"id": application["id"], "d": "APPROVE"}, as_user=admin
    )
    assert reviewed.data["reviewMentorApplication"]["userErrors"] == []
    assert reviewed.data["reviewMentorApplication"]["application"]["status"] == "APPROVED"
    await member.refresh_from_db()
    assert member.is_mentor and member.available

    twice = await client.execute(
        REVIEW, {"id": application["id"], "d": "REJECT", "r": "x"}, as_user=admin
    )
    assert twice.data["reviewMentorApplication"]["userErrors"][0]["code"] == "APPLICATION_DECIDED"

    assert (await worker_for(smtp).deliver_due()).sent == 1
    [message] = smtp.messages
    assert message["To"] == "new@example.org"
    assert "now a mentor" in message["Subject"]


async def test_rejection_needs_a_reason_and_tells_it(client: GraphQLClient) -> None:
    member = await complete_member()
    admin = await make_user(admin=True)
    applied = (await client.execute(APPLY, {"m": MOTIVATION}, as_user=member)).data
    app_id = applied["applyToMentor"]["application"]["id"]
    no_reason = await client.execute(REVIEW, {"id": app_id, "d": "REJECT"}, as_user=admin)
    assert no_reason.data["reviewMentorApplication"]["userErrors"] == [
        {"field": ["reason"], "code": "INVALID_INPUT"}
    ]
    rejected = await client.execute(
        REVIEW, {"id": app_id, "d": "REJECT", "r": "Please add a longer bio."}, as_user=admin
    )
    assert rejected.data["reviewMentorApplication"]["application"]["decisionReason"] == (
        "Please add a longer bio."
    )
    await member.refresh_from_db()
    assert not member.is_mentor


async def test_only_admins_review_and_list(client: GraphQLClient) -> None:
    member = await complete_member()
    applied = (await client.execute(APPLY, {"m": MOTIVATION}, as_user=member)).data
    app_id = applied["applyToMentor"]["application"]["id"]
    listing = "{ mentorApplications { totalCount nodes { status } } }"
    for viewer in [None, member, await make_user(), await make_user(mentor=True)]:
        review = await client.execute(REVIEW, {"id": app_id, "d": "APPROVE"}, as_user=viewer)
        expected = "UNAUTHENTICATED" if viewer is None else "FORBIDDEN"
        assert review.error_codes == [expected]
        assert (await client.execute(listing, as_user=viewer)).error_codes == [expected]
    admin = await make_user(admin=True)
    assert (await client.execute(listing, as_user=admin)).data["mentorApplications"] == {
        "totalCount": 1,
        "nodes": [{"status": "PENDING"}],
    }


async def test_an_application_is_visible_to_its_applicant_and_admins(
    client: GraphQLClient,
) -> None:
    member = await complete_member()
    applied = (await client.execute(APPLY, {"m": MOTIVATION}, as_user=member)).data
    app_id = applied["applyToMentor"]["application"]["id"]
    query = "query($id: ID!) { node(id: $id) { ... on MentorApplication { status } } }"
    assert (await client.execute(query, {"id": app_id}, as_user=member)).data["node"]
    assert (await client.execute(query, {"id": app_id}, as_user=await make_user())).data == {
        "node": None
    }
    bad = await client.execute(REVIEW, {"id": encode_global_id("User", 1), "d": "APPROVE"})
    assert bad.error_codes == ["BAD_USER_INPUT"]

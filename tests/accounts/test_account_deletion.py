"""Leaving (issue 16) through HTTP clients, with the emails delivered by a real SMTP server:
deleteAccount ends every session and hides the member at once; during the grace period they may
sign in and cancel, or cancel with the emailed link (once); after it the sweep anonymises the
account, closes its open requests through the lifecycle, and leaves the other side's record
whole; the old credentials open nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from devkit.factories import PASSWORD, make_mentor, make_request, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.account_deletion import DELETED_NAME, deleted_address
from mentorgraph.models.accounts.users import Channel, Favorite, User, UserTag
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent, RequestStatus
from mentorgraph.models.sweep import sweep
from tests.accounts.test_sessions import log_in, post, works
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import create, request_gid
from tests.utils.mail import inbox, part_of, text_of, worker_for
from tests.utils.smtp import SmtpServer
from tests.utils.threads import send

DELETE = """mutation($p: String!) {
  deleteAccount(input: {password: $p}) { deletionDueAt userErrors { code field } }
}"""
CANCEL = """mutation($t: String) {
  cancelAccountDeletion(input: {token: $t}) { ok userErrors { code field } }
}"""
LOG_IN = """mutation($e: String!, $p: String!) {
  logIn(input: {email: $e, password: $p}) { token userErrors { code } }
}"""
SET_AVAILABLE = """mutation {
  setAvailability(input: {available: true}) { user { available } userErrors { code } }
}"""
DIRECTORY = "{ mentors(first: 50) { nodes { name } } }"
REQUEST = """query($id: ID!) {
  node(id: $id) {
    ... on MentorshipRequest {
      status mentee { name } mentor { name }
      history { toStatus note }
      messages { note actor { name } }
    }
  }
}"""


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def delete(client: GraphQLClient, token: str, password: str = PASSWORD) -> dict[str, Any]:
    _, body = await post(client.http, DELETE, {"p": password}, token=token)
    return dict(body["data"]["deleteAccount"])


async def cancel_link(smtp: SmtpServer, address: str) -> str:
    await worker_for(smtp).deliver_due()
    mails = [m for m in inbox(smtp, address) if "will be deleted" in str(m["Subject"])]
    assert mails, [m["Subject"] for m in inbox(smtp, address)]
    found = re.findall(r"/keep-account#token=([A-Za-z0-9_-]+)", text_of(mails[-1]))
    assert len(found) == 1
    assert f"#token={found[0]}" in part_of(mails[-1], "text/html")
    return str(found[0])


async def names_listed(client: GraphQLClient) -> list[str]:
    answer = await client.execute(DIRECTORY)
    return [n["name"] for n in answer.data["mentors"]["nodes"]]


async def test_deleting_ends_sessions_hides_the_mentor_and_can_be_cancelled_by_link(
    client: GraphQLClient, smtp: SmtpServer
) -> None:
    mentor = await make_mentor(name="Grace", email="grace@example.org")
    here = await log_in(client.http, "grace@example.org")
    elsewhere = await log_in(client.http, "grace@example.org", "phone")
    assert await names_listed(client) == ["Grace"]

    wrong = await delete(client, here["token"], "not my password")
    assert wrong["deletionDueAt"] is None
    assert [(e["code"], e["field"]) for e in wrong["userErrors"]] == [
        ("INVALID_CREDENTIALS", ["password"])
    ]
    assert await works(client.http, here["token"])

    done = await delete(client, here["token"])
    assert done["userErrors"] == [] and done["deletionDueAt"]
    assert not await works(client.http, here["token"])
    assert not await works(client.http, elsewhere["token"])
    assert await names_listed(client) == []

    # During the grace period: signing in works, being listed does not.
    again = await log_in(client.http, "grace@example.org")
    _, body = await post(client.http, SET_AVAILABLE, token=again["token"])
    assert codes(body["data"]["setAvailability"]) == ["ACCOUNT_CLOSING"]
    someone = await make_user()
    assert codes(await create(client, someone, mentor.id)) == ["MENTOR_UNAVAILABLE"]

    token = await cancel_link(smtp, "grace@example.org")
    _, body = await post(client.http, CANCEL, {"t": token})
    assert body["data"]["cancelAccountDeletion"] == {"ok": True, "userErrors": []}
    _, body = await post(client.http, CANCEL, {"t": token})
    assert codes(body["data"]["cancelAccountDeletion"]) == ["INVALID_CANCELLATION_TOKEN"]
    await mentor.refresh_from_db()
    assert mentor.deletion_due_at is None

    # The mentor comes back when they choose to.
    _, body = await post(client.http, SET_AVAILABLE, token=again["token"])
    assert body["data"]["setAvailability"] == {"user": {"available": True}, "userErrors": []}
    assert await names_listed(client) == ["Grace"]
    await worker_for(smtp).deliver_due()
    subjects = [str(m["Subject"]) for m in inbox(smtp, "grace@example.org")]
    assert subjects[-1] == "Your mentorgraph account will not be deleted"

    clock.advance(timedelta(days=30))
    await sweep()
    await mentor.refresh_from_db()
    assert mentor.name == "Grace" and mentor.deleted_at is None


async def test_a_signed_in_member_cancels_and_a_leaving_member_asks_nobody(
    client: GraphQLClient,
) -> None:
    ada = await make_user(email="ada@example.org")
    mentor = await make_mentor()
    session = await log_in(client.http, "ada@example.org")
    assert (await delete(client, session["token"]))["userErrors"] == []
    assert codes(await create(client, ada, mentor.id)) == ["ACCOUNT_CLOSING"]

    session = await log_in(client.http, "ada@example.org")
    _, body = await post(client.http, CANCEL, {}, token=session["token"])
    assert body["data"]["cancelAccountDeletion"] == {"ok": True, "userErrors": []}
    _, body = await post(client.http, CANCEL, {}, token=session["token"])
    assert codes(body["data"]["cancelAccountDeletion"]) == ["INVALID_CANCELLATION_TOKEN"]
    assert (await create(client, ada, mentor.id))["userErrors"] == []

    _, body = await post(client.http, CANCEL, {"t": "made-up"})
    assert codes(body["data"]["cancelAccountDeletion"]) == ["INVALID_CANCELLATION_TOKEN"]
    _, body = await post(client.http, CANCEL, {})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_after_the_grace_period_the_account_is_anonymised_and_the_record_kept(
    client: GraphQLClient, smtp: SmtpServer
) -> None:
    leaving = await make_mentor(
        name="Grace Hopper", email="grace@example.org", tags=["cobol"], bio="Compilers."
    )
    mentee_waiting, mentee_active = await make_user(name="Ada"), await make_user(name="Alan")
    other_mentor = await make_mentor(name="Barbara")
    active = await make_request(mentee=mentee_active, mentor=leaving, status=RequestStatus.APPROVED)
    assert (await send(client, mentee_active, active.id, "See you Tuesday?"))["userErrors"] == []
    await Favorite.create(user_id=mentee_waiting.id, mentor_id=leaving.id)

    session = await log_in(client.http, "grace@example.org")
    due = (await delete(client, session["token"]))["deletionDueAt"]
    assert due

    # Not yet: a day before the end of the grace period, nothing happens.
    clock.advance(timedelta(days=13))
    await sweep()
    # Requests still open when the time comes (the ladder expires older ones as usual).
    waiting = await make_request(mentee=mentee_waiting, mentor=leaving)
    mine = await make_request(mentee=leaving, mentor=other_mentor)
    await leaving.refresh_from_db()
    assert leaving.deleted_at is None and leaving.name == "Grace Hopper"
    cancel_token = await cancel_link(smtp, "grace@example.org")

    clock.advance(timedelta(days=1, minutes=1))
    await sweep()
    await leaving.refresh_from_db()
    assert leaving.name == DELETED_NAME
    assert leaving.email == deleted_address(leaving.id)
    assert (leaving.bio, leaving.title, leaving.is_mentor, leaving.available) == (
        "",
        "",
        False,
        False,
    )
    assert leaving.deleted_at is not None
    assert not await UserTag.filter(user_id=leaving.id).exists()
    assert not await Channel.filter(user_id=leaving.id).exists()
    assert not await Favorite.filter(mentor_id=leaving.id).exists()

    # Each open request closed through the lifecycle, each with its event; none removed.
    statuses = {
        r.id: r.status for r in await MentorshipRequest.filter(id__in=[waiting.id, active.id])
    }
    assert statuses == {waiting.id: RequestStatus.DECLINED, active.id: RequestStatus.COMPLETED}
    assert (await MentorshipRequest.get(id=mine.id)).status is RequestStatus.CANCELLED
    for request in (waiting, active, mine):
        notes = await RequestEvent.filter(request_id=request.id).values_list("note", flat=True)
        assert "The member closed their account." in notes

    # The other side's record is whole, with the leaving member anonymous in it.
    seen = await client.execute(REQUEST, {"id": request_gid(active.id)}, as_user=mentee_active)
    node = seen.data["node"]
    assert node["status"] == "COMPLETED"
    assert node["mentor"] == {"name": DELETED_NAME} and node["mentee"] == {"name": "Alan"}
    assert [h["toStatus"] for h in node["history"]] == ["COMPLETED"]  # made by factory: no NEW
    assert node["messages"] == [{"note": "See you Tuesday?", "actor": {"name": "Alan"}}]

    # The old credentials, the old tokens and the cancellation link open nothing.
    _, body = await post(client.http, LOG_IN, {"e": "grace@example.org", "p": PASSWORD})
    assert codes(body["data"]["logIn"]) == ["INVALID_CREDENTIALS"]
    _, body = await post(client.http, LOG_IN, {"e": leaving.email, "p": PASSWORD})
    assert codes(body["data"]["logIn"]) == ["INVALID_CREDENTIALS"]
    stale = await client.execute("{ viewer { name } }", as_user=leaving)
    assert stale.error_codes == ["UNAUTHENTICATED"]
    _, body = await post(client.http, CANCEL, {"t": cancel_token})
    assert codes(body["data"]["cancelAccountDeletion"]) == ["INVALID_CANCELLATION_TOKEN"]

    # The last email went to the old address; the outbox keeps no other trace of it.
    await worker_for(smtp).deliver_due()
    assert str(inbox(smtp, "grace@example.org")[-1]["Subject"]) == (
        "Your mentorgraph account has been deleted"
    )
    await sweep()
    assert not await OutboxEmail.filter(to_email="grace@example.org").exists()
    farewell = await OutboxEmail.get(kind="account_deleted")
    assert (farewell.to_email, farewell.text_body) == ("forgotten@deleted.invalid", "")
    # The other side was told, as for any decline.
    await worker_for(smtp).deliver_due()
    assert inbox(smtp, mentee_waiting.email)

    # Nothing is done twice.
    clock.advance(timedelta(days=1))
    await sweep()
    assert await RequestEvent.filter(note="The member closed their account.").count() == 3
    assert await User.filter(name=DELETED_NAME).count() == 1

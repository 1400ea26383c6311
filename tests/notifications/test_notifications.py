"""Every email the lifecycle and the ladder send: who gets it, and what it says (text and HTML)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from jinja2 import FileSystemLoader

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.mentor_availability import change_availability
from mentorgraph.models.notifications import email_templates
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.requests.ladder import send_reminder
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.resolvers.ids import decode_global_id
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import (
    CANCEL_OTHERS,
    act,
    codes,
    create,
    request_gid,
    result_of,
    user_gid,
)


async def _emails(kind: str) -> list[OutboxEmail]:
    return await OutboxEmail.filter(kind=kind).order_by("id")


async def test_a_new_request_tells_the_mentor(client: GraphQLClient, db: None) -> None:
    mentor = await make_mentor(name="Ada <Admin>", email="ada@example.org")
    mentee = await make_user(name="Mo")
    created = await create(client, mentee, mentor.id, message="Teach me " + "graphs " * 10)
    _, request_id = decode_global_id(created["request"]["id"])
    [email] = await _emails("request_new")
    assert email.to_email == "ada@example.org"
    assert email.subject == "Mo asks you for mentorship"
    assert "Teach me graphs" in email.text_body
    assert "expire after 14 days" in email.text_body
    assert f"http://127.0.0.1:3000/requests/{request_id}" in email.text_body
    # The whole request, not only its message.
    assert "Their background\n" in email.text_body
    assert "What they hope for\n" in email.text_body
    assert "/email/answer?token=" in email.text_body
    # The HTML part escapes what people typed.
    assert "Hi Ada &lt;Admin&gt;," in email.html_body


async def test_approval_tells_the_mentee_how_many_others_wait(
    client: GraphQLClient, db: None
) -> None:
    mentee = await make_user(email="mo@example.org")
    mentors = [await make_mentor(name=f"Mentor {n}") for n in range(3)]
    ids = [(await make_request(mentee=mentee, mentor=m)).id for m in mentors]
    await act(client, "approve", ids[0], mentors[0])
    [email] = await _emails("request_approved")
    assert email.to_email == "mo@example.org"
    assert email.subject == "Mentor 0 will mentor you"
    assert "Their message:\nWelcome aboard." in email.text_body
    assert "You still have 2 other requests waiting" in email.text_body
    assert "one click withdraws all the others" in email.text_body

    # Cancelling the others tells each of their mentors.
    response = await client.execute(CANCEL_OTHERS, {"id": request_gid(ids[0])}, as_user=mentee)
    assert len(response.data["cancelOtherMentorshipRequests"]["requests"]) == 2
    cancelled = await _emails("request_cancelled")
    assert sorted(e.to_email for e in cancelled) == sorted(m.email for m in mentors[1:])
    assert all("withdrew their mentorship request" in e.text_body for e in cancelled)


async def test_an_approval_with_nothing_else_waiting_says_nothing_of_others(
    client: GraphQLClient, db: None
) -> None:
    mentee, mentor = await make_user(), await make_mentor()
    request = await make_request(mentee=mentee, mentor=mentor)
    await act(client, "approve", request.id, mentor)
    [email] = await _emails("request_approved")
    assert "other request" not in email.text_body


async def test_decline_and_cancel(client: GraphQLClient, db: None) -> None:
    mentee = await make_user(name="Mo", email="mo@example.org")
    mentor = await make_mentor(name="Ada", email="ada@example.org")
    request = await make_request(mentee=mentee, mentor=mentor)
    await act(client, "decline", request.id, mentor)
    [declined] = await _emails("request_declined")
    assert declined.to_email == "mo@example.org"
    assert "Ada declined your mentorship request because they do not think" in declined.text_body
    assert "Their message:\nSorry." in declined.text_body

    other = await make_request(mentee=mentee, mentor=await make_mentor(email="bo@example.org"))
    await act(client, "cancel", other.id, mentee)
    [cancelled] = await _emails("request_cancelled")
    assert cancelled.to_email == "bo@example.org"
    assert cancelled.subject == "Mo withdrew their request"
    assert "Their note:\nI found help elsewhere." in cancelled.text_body


async def test_viewing_and_completing_send_nothing(client: GraphQLClient, db: None) -> None:
    mentee, mentor = await make_user(), await make_mentor()
    request = await make_request(mentee=mentee, mentor=mentor)
    for operation, actor in (("markViewed", mentor), ("approve", mentor), ("complete", mentee)):
        done = result_of(await act(client, operation, request.id, actor), operation)
        assert codes(done) == [], operation
    assert [e.kind for e in await OutboxEmail.all()] == ["request_approved"]


async def test_a_refused_change_queues_no_email(client: GraphQLClient, db: None) -> None:
    mentee, mentor = await make_user(), await make_mentor(capacity=0)
    request = await make_request(mentee=mentee, mentor=mentor)
    response = await act(client, "approve", request.id, mentor)
    assert response.data["approveMentorshipRequest"]["userErrors"][0]["code"] == (
        "MENTOR_AT_CAPACITY"
    )
    assert await OutboxEmail.all().count() == 0


async def test_reminders_by_the_ladder_and_by_an_admin(db: None) -> None:
    mentee = await make_user(name="Mo")
    mentor = await make_mentor(email="ada@example.org")
    admin = await make_user(admin=True)
    request = await make_request(mentee=mentee, mentor=mentor)
    clock.advance(timedelta(days=6))
    await send_reminder(request.id, number=1)
    await send_reminder(request.id, number=2)
    await send_reminder(request.id, number=None, admin=admin)
    first, second, by_hand = await _emails("request_reminder")
    assert first.subject == "Reminder: Mo is waiting for your answer"
    assert "waiting for your answer for 6 days" in first.text_body
    assert second.subject == "Second reminder: Mo is waiting for your answer"
    assert by_hand.text_body.startswith("Hi ")
    assert "One of our admins asked us to remind you" in by_hand.text_body
    assert all(e.to_email == "ada@example.org" for e in (first, second, by_hand))


async def test_no_reminder_for_an_answered_request(db: None) -> None:
    request = await make_request(
        mentee=await make_user(), mentor=await make_mentor(), status=RequestStatus.APPROVED
    )
    assert await send_reminder(request.id, number=1) is None
    assert await OutboxEmail.all().count() == 0


async def test_set_unavailable_tells_the_mentor_why_and_how_back(db: None) -> None:
    mentor = await make_mentor(email="ada@example.org")
    admin = await make_user(admin=True)
    await change_availability(mentor.id, available=False, actor=admin, reason="On holiday.")
    [email] = await _emails("mentor_unavailable")
    assert email.to_email == "ada@example.org"
    assert "One of our admins has set you unavailable as a mentor: On holiday." in email.text_body
    assert "set yourself available on your profile: http://127.0.0.1:3000/profile" in (
        email.text_body
    )
    assert "<p>" in email.html_body
    # Setting them available again (or unavailable twice) sends nothing more.
    assert await change_availability(mentor.id, available=False, actor=admin, reason="x") is None
    await change_availability(mentor.id, available=True, actor=admin, reason="Back.")
    assert await OutboxEmail.all().count() == 1


SET_LOCALE = """
mutation($locale: String!) {
  updateProfile(input: {locale: $locale}) { user { locale } userErrors { field code message } }
}"""


async def test_a_user_sets_the_language_of_their_emails(client: GraphQLClient, db: None) -> None:
    user = await make_user()
    other = await make_user()
    response = await client.execute(SET_LOCALE, {"locale": " pt_br "}, as_user=user)
    assert response.data["updateProfile"] == {"user": {"locale": "pt-BR"}, "userErrors": []}
    for bad in ("xx", "en-ZZ", "english", ""):
        refused = (await client.execute(SET_LOCALE, {"locale": bad}, as_user=user)).data
        [error] = refused["updateProfile"]["userErrors"]
        assert (error["field"], error["code"]) == (["locale"], "INVALID_INPUT"), bad
    assert (await User.get(id=user.id)).locale == "pt-BR"
    # Their own (and admins'): nobody else reads it.
    seen = await client.execute(
        "query($id: ID!) { node(id: $id) { ... on User { locale } } }",
        {"id": user_gid(user.id)},
        as_user=other,
    )
    assert seen.data["node"] == {"locale": None}


async def test_emails_follow_the_locale_with_english_as_fallback(
    client: GraphQLClient, db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A German translation of one email, beside the English templates.
    german = tmp_path / "de"
    german.mkdir()
    (german / "request_cancelled.txt").write_text(
        '{% extends "en/_layout.txt" %}{% block subject %}{{ mentee.name }} hat die Anfrage'
        " zurückgezogen{% endblock %}{% block body %}Nichts zu tun.{% endblock %}"
    )
    (german / "request_cancelled.html").write_text(
        '{% extends "en/_layout.html" %}{% block body %}<p>Nichts zu tun.</p>{% endblock %}'
    )
    loader = email_templates._env.loader
    assert isinstance(loader, FileSystemLoader)
    monkeypatch.setattr(loader, "searchpath", [*loader.searchpath, str(tmp_path)])

    mentee = await make_user(name="Mo")
    austrian = await make_mentor(email="de@example.org")
    austrian.locale = "de-AT"  # no de-AT templates: German ones, then English
    await austrian.save(update_fields=["locale"])
    brazilian = await make_mentor(email="pt@example.org")
    brazilian.locale = "pt-BR"  # nothing in Portuguese yet
    await brazilian.save(update_fields=["locale"])
    for mentor in (austrian, brazilian):
        request = await make_request(mentee=mentee, mentor=mentor)
        await act(client, "cancel", request.id, mentee)
    german_email, english_email = await _emails("request_cancelled")
    assert german_email.subject == "Mo hat die Anfrage zurückgezogen"
    assert "Nichts zu tun." in german_email.text_body and "<p>Nichts zu tun.</p>" in (
        german_email.html_body
    )
    assert english_email.subject == "Mo withdrew their request"
    # New-request emails, untranslated, still reach the German speaker in English.
    await create(client, await make_user(name="Lu"), austrian.id)
    [new] = await _emails("request_new")
    assert new.subject == "Lu asks you for mentorship"


async def test_every_email_is_templated_in_english_both_parts() -> None:
    names = {p.name for p in email_templates.TEMPLATES.joinpath("en").iterdir()}
    kinds = {n.rsplit(".", 1)[0] for n in names if not n.startswith("_")}
    for kind in kinds:
        assert {f"{kind}.txt", f"{kind}.html"} <= names, kind
    assert {"request_new", "request_reminder", "mentor_unavailable", "application_approved"} <= (
        kinds
    )

"""`seed-demo`: deterministic, valid like real input, first-run only, and served over GraphQL."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta

from tortoise import connections

from devkit.database import empty_database
from devkit.factories import make_user
from devkit.live_server import ROOT
from mentorgraph.demo import seed_demo
from mentorgraph.demo.people import (
    ADMIN_EMAIL,
    BASE_TIME,
    DEMO_PASSWORD,
    MENTEE_EMAIL,
    MENTOR_EMAIL,
    mentee_count,
    plan_people,
    validated,
)
from mentorgraph.demo.progress import Progress
from mentorgraph.models import clock
from mentorgraph.models.accounts import validation
from mentorgraph.models.accounts.auth import Session
from mentorgraph.models.accounts.passwords import password_problem, verify_password
from mentorgraph.models.accounts.users import Channel, ChannelType, User, UserLanguage, UserTag
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent
from mentorgraph.models.requests.silent_mentors import silences
from mentorgraph.models.sql import column_values
from mentorgraph.models.sweep import sweep
from mentorgraph.resolvers.ids import encode_global_id
from tests.utils.client import GraphQLClient


async def seed(mentors: int, *, only_if_empty: bool = False) -> int:
    return await seed_demo(
        mentors=mentors, only_if_empty=only_if_empty, out=io.StringIO(), err=io.StringIO()
    )


async def database_digest() -> str:
    """A hash of every seeded row but the password hashes (argon2 salts them randomly)."""
    users = await User.all().order_by("id").values_list(
        "id", "email", "name", "avatar_url", "title", "bio", "country", "is_mentor", "is_admin",
        "available", "capacity", "created_at", "updated_at",
    )  # fmt: skip
    tags = await UserTag.all().order_by("id").values_list("user_id", "tag", "position")
    languages = (
        await UserLanguage.all().order_by("id").values_list("user_id", "language", "position")
    )
    channels = (
        await Channel.all().order_by("id").values_list("user_id", "type", "handle", "position")
    )
    # Requests still waiting are placed relative to the time of seeding; the rest is fixed.
    requests = (
        await MentorshipRequest.all()
        .order_by("id")
        .values_list("id", "mentor_id", "mentee_id", "status", "decline_reason", "message")
    )
    settled = (
        await MentorshipRequest.exclude(status__in=["NEW", "VIEWED"])
        .order_by("id")
        .values_list("id", "created_at", "viewed_at", "responded_at", "updated_at")
    )
    events = (
        await RequestEvent.all()
        .order_by("id")
        .values_list("request_id", "from_status", "to_status", "actor_id", "note")
    )
    rows = (users, tags, languages, channels, requests, settled, events)
    return hashlib.sha256(repr(rows).encode()).hexdigest()


async def test_the_same_number_of_mentors_gives_identical_rows(db: None, database_url: str) -> None:
    assert await seed(30) == 0
    assert await RequestEvent.all().count() > await MentorshipRequest.all().count() > 0
    first = await database_digest()
    await empty_database(database_url)
    assert await seed(30) == 0
    assert await database_digest() == first
    await empty_database(database_url)
    assert await seed(31) == 0
    assert await database_digest() != first


def test_the_plan_does_not_depend_on_the_process() -> None:
    # String hashing is salted per process: a plan that leaned on set order would differ here.
    script = (
        "import hashlib; from mentorgraph.demo.people import plan_people; "
        "print(hashlib.sha256(repr(plan_people(30)).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(repr(plan_people(30)).encode()).hexdigest()}


async def test_counts_of_seeded_people(db: None) -> None:
    assert await seed(30) == 0
    assert await User.filter(is_mentor=True).count() == 30
    assert await User.filter(is_mentor=False, is_admin=False).count() == mentee_count(30) == 8
    assert await User.filter(is_admin=True).values_list("email", flat=True) == [ADMIN_EMAIL]  # type: ignore[comparison-overlap]
    mentor_ids = await User.filter(is_mentor=True).values_list("id", flat=True)
    for model in (UserTag, UserLanguage, Channel):
        with_rows = (
            await model.filter(user_id__in=mentor_ids).distinct().values_list("user_id", flat=True)
        )
        assert set(with_rows) == set(mentor_ids), f"a mentor without {model.__name__}"


async def test_every_seeded_profile_passes_the_validators_of_real_input(db: None) -> None:
    assert password_problem(DEMO_PASSWORD) is None
    assert await seed(30) == 0
    users = await User.all().prefetch_related("tag_rows", "language_rows", "channels")
    assert len(users) == 39
    # The password is hashed once for every demo account (argon2 is slow on purpose).
    (password_hash,) = {user.password_hash for user in users}
    assert verify_password(password_hash, DEMO_PASSWORD)
    for user in users:
        tags = [row.tag for row in sorted(user.tag_rows, key=lambda r: r.position)]  # type: ignore[attr-defined]
        languages = [r.language for r in sorted(user.language_rows, key=lambda r: r.position)]  # type: ignore[attr-defined]
        channels = [(c.type, c.handle) for c in sorted(user.channels, key=lambda c: c.position)]  # type: ignore[attr-defined]
        assert validation.clean_email(user.email) == user.email
        assert validation.clean_text(user.name, "n", label="", min_length=1, max_length=100) == (
            user.name
        )
        assert validation.clean_text(user.title, "t", label="", min_length=0, max_length=100) == (
            user.title
        )
        assert validation.clean_text(user.bio, "b", label="", min_length=0, max_length=2000) == (
            user.bio
        )
        assert validation.clean_country(user.country) == user.country
        assert validation.clean_languages(languages) == languages
        assert validation.clean_avatar_url(user.avatar_url) == user.avatar_url
        assert validation.clean_capacity(user.capacity) == user.capacity
        if user.is_mentor:
            assert validation.clean_tags(tags) == tags
            assert validation.clean_channels(channels) == channels


def test_the_default_demo_is_valid_and_skewed_like_a_real_directory() -> None:
    people = plan_people(200)
    everyone = [people.admin, *people.mentors, *people.mentees]
    assert [validated(person) for person in everyone] == everyone
    assert (len(people.mentors), len(people.mentees)) == (200, 50)
    assert len({person.email for person in everyone}) == len(everyone)

    tags = Counter(tag for mentor in people.mentors for tag in mentor.tags)
    assert len(tags) >= 50
    top = [tag for tag, _ in tags.most_common(8)]
    assert {"javascript", "python", "react", "career"} <= set(top), top
    # A long tail: the most common tag is far more common than the typical one.
    assert tags.most_common(1)[0][1] >= 5 * sorted(tags.values())[len(tags) // 2]
    countries = Counter(mentor.country for mentor in people.mentors)
    assert [code for code, _ in countries.most_common(2)] == ["US", "IN"]
    assert len(countries) >= 20
    languages = Counter(code for mentor in people.mentors for code in mentor.languages)
    assert languages.most_common(1)[0][0] == "en"
    assert len(languages) >= 15
    assert {len(mentor.channels) for mentor in people.mentors} >= {1, 2, 3}
    # Every kind of handle is made somewhere, so the validators above saw each generator.
    assert {kind for m in people.mentors for kind, _ in m.channels} == set(ChannelType)
    assert 0.6 < sum(mentor.available for mentor in people.mentors) / 200 < 0.95


async def test_if_empty_seeds_an_empty_database(db: None) -> None:
    assert await seed(5, only_if_empty=True) == 0
    assert await User.all().count() == 5 + mentee_count(5) + 1


async def test_if_empty_leaves_a_database_with_users_alone(db: None) -> None:
    await make_user()
    assert await seed(5, only_if_empty=True) == 0
    assert await User.all().count() == 1


async def test_seeding_again_is_refused_without_changes(db: None) -> None:
    assert await seed(5) == 0
    before = await database_digest()
    err = io.StringIO()
    assert await seed_demo(mentors=5, only_if_empty=False, out=io.StringIO(), err=err) == 1
    assert "exists already" in err.getvalue()
    assert await database_digest() == before


async def test_a_demo_without_mentors_is_refused(db: None) -> None:
    assert await seed(0) == 2
    assert await User.all().count() == 0


async def test_it_reports_progress_and_prints_the_demo_credentials(db: None) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert await seed_demo(mentors=5, only_if_empty=False, out=out, err=err) == 0
    assert f"[{'#' * 30}] 5/5 mentors" in err.getvalue()
    assert f"[{'#' * 30}] 3/3 mentees" in err.getvalue()
    printed = out.getvalue()
    for expected in (ADMIN_EMAIL, MENTOR_EMAIL, MENTEE_EMAIL, DEMO_PASSWORD):
        assert expected in printed
    assert f"mentorgraph token --email {ADMIN_EMAIL}" in printed


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_redraws_in_place_on_a_terminal_and_once_in_a_log() -> None:
    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        progress = Progress("mentors", 200, stream, width=10)
        progress.advance(120)
        progress.finish()
    assert terminal.getvalue() == (
        "\r[..........] 0/200 mentors\r[######....] 120/200 mentors\r[##########] 200/200 mentors\n"
    )
    assert log.getvalue() == "[##########] 200/200 mentors\n"


LOG_IN = """
mutation($input: LogInInput!) {
  logIn(input: $input) { token viewer { email roles } userErrors { code } }
}"""
PROFILES = """
query($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on User { name title country tags spokenLanguages isMentor available email channels { type handle } }
  }
}"""  # noqa: E501


async def test_the_seeded_directory_answers_graphql(client: GraphQLClient) -> None:
    assert await seed(30) == 0
    tokens = {}
    for email, roles in ((ADMIN_EMAIL, ["MEMBER", "ADMIN"]), (MENTEE_EMAIL, ["MEMBER"])):
        result = await client.execute(
            LOG_IN, {"input": {"email": email, "password": DEMO_PASSWORD}}
        )
        payload = result.data["logIn"]
        assert payload["viewer"] == {"email": email, "roles": roles}
        tokens[email] = payload["token"]

    mentor_ids = (
        await User.filter(is_mentor=True).order_by("id").limit(10).values_list("id", flat=True)
    )
    variables = {"ids": [encode_global_id("User", pk) for pk in mentor_ids]}  # type: ignore[arg-type]
    as_mentee = (await client.execute(PROFILES, variables, token=tokens[MENTEE_EMAIL])).data
    assert len(as_mentee["nodes"]) == 10
    for mentor in as_mentee["nodes"]:
        assert mentor["isMentor"] and mentor["name"] and mentor["title"] and mentor["country"]
        assert mentor["tags"] and mentor["spokenLanguages"]
        # Private until a mentorship is approved, for demo data as for real data.
        assert mentor["email"] is None and mentor["channels"] is None
    as_admin = (await client.execute(PROFILES, variables, token=tokens[ADMIN_EMAIL])).data
    assert as_admin["nodes"][0]["email"] == MENTOR_EMAIL
    assert all(mentor["channels"] for mentor in as_admin["nodes"])


async def test_the_demo_mentee_and_mentor_carry_a_request_to_completion(
    client: GraphQLClient,
) -> None:
    """What the README promises a new user: with the demo data, a whole request in GraphQL."""
    assert await seed(30) == 0
    mentee = await User.get(email=MENTEE_EMAIL)
    mentor = await User.get(email=MENTOR_EMAIL)
    text = "Thirty characters at the very least, as the rules ask."
    created = await client.execute(
        """mutation($m: ID!, $t: String!) { createMentorshipRequest(input: {mentorId: $m,
             message: $t, background: $t, expectation: $t}) {
             request { id status } userErrors { code message } } }""",
        {"m": encode_global_id("User", mentor.id), "t": text},
        as_user=mentee,
    )
    payload = created.data["createMentorshipRequest"]
    assert payload["userErrors"] == []
    request_id = payload["request"]["id"]
    for mutation, user in (
        ("markMentorshipRequestViewed", mentor),
        ("approveMentorshipRequest", mentor),
        ("completeMentorship", mentee),
    ):
        result = await client.execute(
            f"mutation($r: ID!) {{ {mutation}(input: {{requestId: $r}}) {{"
            " request { status } userErrors { code } } }",
            {"r": request_id},
            as_user=user,
        )
        assert result.data[mutation]["userErrors"] == [], mutation
    history = await client.execute(
        "query($r: ID!) { node(id: $r) { ... on MentorshipRequest { status"
        " history { toStatus } mentor { channels { handle } } } } }",
        {"r": request_id},
        as_user=mentee,
    )
    node = history.data["node"]
    assert node["status"] == "COMPLETED"
    assert [e["toStatus"] for e in node["history"]] == ["NEW", "VIEWED", "APPROVED", "COMPLETED"]
    assert node["mentor"]["channels"]  # revealed by the approval


STORY = """
query($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on User { email available unavailableUntil mentoredCount lineageSize
                  rating { average count } }
  }
}"""


async def test_the_demo_tells_the_story(client: GraphQLClient) -> None:
    """The demo mentor has mentees waiting, active and done (rated, with a lineage); a silent
    mentor was set unavailable by the system, their last request released; one mentor pauses."""
    out = io.StringIO()
    assert await seed_demo(mentors=30, only_if_empty=False, out=out, err=io.StringIO()) == 0
    mentor = await User.get(email=MENTOR_EMAIL)
    statuses = Counter(
        await MentorshipRequest.filter(mentor_id=mentor.id).values_list("status", flat=True)
    )
    assert statuses == {"NEW": 1, "VIEWED": 1, "APPROVED": 2, "COMPLETED": 3}
    mentee = await User.get(email=MENTEE_EMAIL)
    assert not await MentorshipRequest.filter(mentor_id=mentor.id, mentee_id=mentee.id).exists()

    changes = await AvailabilityChange.all().values("mentor_id", "available", "actor_id")
    assert len(changes) == 1 and changes[0]["actor_id"] is None and not changes[0]["available"]
    silent = await User.get(id=changes[0]["mentor_id"])
    rows = (
        await MentorshipRequest.filter(mentor_id=silent.id)
        .order_by("id")
        .values_list("status", "decline_reason", "responded_at")
    )
    assert rows == [
        ("EXPIRED", None, None), ("EXPIRED", None, None), ("DECLINED", "MENTOR_INACTIVE", None)
    ]  # fmt: skip
    printed = out.getvalue()
    assert f"silent  {silent.email}" in printed
    paused_email = printed.split("paused  ")[1].split()[0]
    paused = await User.get(email=paused_email)
    assert not paused.available and paused.is_mentor

    ids = [encode_global_id("User", pk) for pk in (mentor.id, silent.id, paused.id)]
    nodes = (await client.execute(STORY, {"ids": ids})).data["nodes"]
    assert nodes[0]["available"] and nodes[0]["mentoredCount"] == 5
    assert nodes[0]["lineageSize"] >= 2  # their former mentees mentor others
    assert nodes[0]["rating"] == {"average": 4.67, "count": 3}
    assert [node["available"] for node in nodes[1:]] == [False, False]
    # The silent mentor stays away until they come back; the paused one has a date.
    assert nodes[1]["unavailableUntil"] is None
    until = datetime.fromisoformat(nodes[2]["unavailableUntil"])
    assert timedelta(days=9) < until - clock.now() <= timedelta(days=10)


async def test_the_first_sweep_sets_no_demo_mentor_unavailable(db: None) -> None:
    """The demo's mentors were seen within the day before it was seeded (a sign-in, ended):
    the first sweep finds them there, although the history holds expiries and requests
    withdrawn unread in the silent-mentor rule's window, which would flag mentors never seen."""
    # Ten days after the fixed history, whatever today's date: its last weeks in the window.
    clock.pin(BASE_TIME + timedelta(days=10))
    assert await seed(60) == 0
    mentors = column_values(
        await User.filter(is_mentor=True, available=True).values_list("id", flat=True), int
    )
    conn = connections.get("default")
    assert await silences(conn, mentors, clock.now()) == {}
    report = (await sweep()).ladder
    assert (report.set_unavailable, report.released) == (0, 0)
    assert await AvailabilityChange.all().count() == 1  # the story's silent mentor only
    # Without having been seen, the same history would set mentors unavailable.
    await Session.filter(user_id__in=mentors).delete()
    assert len(await silences(conn, mentors, clock.now())) > 0

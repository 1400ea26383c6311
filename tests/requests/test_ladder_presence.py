"""The silent-mentor rule looks for mentors who are not there: one who signs in, renews a session
or writes a message is there (`models/directory/presence.py`), however late they answer, and is
never flagged; the same mentor who stops coming is, once unseen for the idle days. On a moved clock
with a sweep a day, signing in and renewing through the real GraphQL endpoint."""

from __future__ import annotations

from datetime import timedelta

import httpx
from tortoise import connections

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.request_messages import post_message
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.requests.silent_mentors import silence_of, silences
from mentorgraph.models.sweep import sweep
from tests.accounts.test_sessions import REFRESH, log_in, post
from tests.utils.client import GraphQLClient
from tests.utils.rules import rules

DAY = timedelta(days=1)
# Pinned here, whatever the defaults: unseen five days, and two signs of silence since.
RULES = {
    "silent_idle_days": 5,
    "silent_signals": 2,
    "silent_reminder_grace_days": 1,
    "silent_withdrawn_after_days": 1,
    "inactive_expiries": 2,
}


async def _renew(http: httpx.AsyncClient, refresh_token: str) -> str:
    status, body = await post(http, REFRESH, {"t": refresh_token})
    renewed = body["data"]["refreshSession"]
    assert status == 200 and renewed["userErrors"] == [], body
    return str(renewed["refreshToken"])


async def _available(mentor: User) -> bool:
    return (await User.get(id=mentor.id)).available


async def test_a_slow_mentor_who_comes_by_is_never_flagged_an_absent_one_is(
    client: GraphQLClient,
) -> None:
    slow = await make_mentor(email="slow@example.org")
    absent = await make_mentor(email="absent@example.org")
    with rules(**RULES):
        for mentor in (slow, absent):
            for _ in range(3):
                await make_request(mentee=await make_user(), mentor=mentor)
        token = (await log_in(client.http, "slow@example.org"))["refreshToken"]
        flagged: dict[int, int] = {}
        for day in range(1, 25):
            clock.advance(DAY)
            if day % 3 == 0:
                # Comes by every three days (the web app renews the session), opens nothing.
                token = await _renew(client.http, token)
            await sweep()
            for mentor in (slow, absent):
                if not await _available(mentor):
                    flagged.setdefault(mentor.id, day)
        # The absent one: three requests unread for five days.
        assert flagged == {absent.id: 5}
        # The slow one let every request expire: their response rate says so; the rule, which
        # finds mentors who are not there, does not flag them.
        expired = MentorshipRequest.filter(mentor_id=slow.id, status=RequestStatus.EXPIRED)
        assert await expired.count() == 3
        assert (
            await silence_of(connections.get("default"), await User.get(id=slow.id), clock.now())
            is None
        )

        # They stop coming (last seen on day 24): a request on day 25 is unread on day 30, and
        # they have been unseen for five days since day 29.
        clock.advance(DAY)
        await make_request(mentee=await make_user(), mentor=slow)
        await make_request(mentee=await make_user(), mentor=slow)
        for _ in range(4):
            clock.advance(DAY)
            await sweep()
            assert await _available(slow)
        clock.advance(DAY)
        assert (await sweep()).ladder.set_unavailable == 1
        assert not await _available(slow)


async def test_a_message_is_being_seen(db: None) -> None:
    writer = await make_mentor()
    absent = await make_mentor()
    with rules(**RULES):
        asked = []
        for mentor in (writer, absent):
            for _ in range(2):
                asked.append(await make_request(mentee=await make_user(), mentor=mentor))
        clock.advance(3 * DAY)
        # The mentor asks for more before deciding, without marking the request viewed.
        await post_message(writer, asked[0].id, "Which project would we work on together?")
        assert (await MentorshipRequest.get(id=asked[0].id)).viewed_at is None
        clock.advance(2 * DAY)
        both = [await User.get(id=writer.id), await User.get(id=absent.id)]
        # One statement judges both; the same verdicts as one at a time.
        conn = connections.get("default")
        judged = await silences(conn, [m.id for m in both], clock.now())
        assert set(judged) == {absent.id}
        for mentor in both:
            assert await silence_of(conn, mentor, clock.now()) == judged.get(mentor.id)
        assert "2 unread for 5 days" in judged[absent.id].reason
        assert (await sweep()).ladder.set_unavailable == 1
        # Seen on day 3: unseen five days on day 8, with both requests unread since day 5.
        for _ in range(2):
            clock.advance(DAY)
            assert (await sweep()).ladder.set_unavailable == 0
        clock.advance(DAY)
        assert (await sweep()).ladder.set_unavailable == 1
        assert not await _available(writer)

"""`mentors(orderBy: RESPONSIVENESS)`: best responders first, kept current by answers, expiries
and the sweep, paged with keyset cursors."""

from __future__ import annotations

from datetime import timedelta

from tortoise import connections

from devkit.factories import make_mentor, make_request, make_user, request_row
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.models.sweep import sweep
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import act

MENTORS = """
query($first: Int, $after: String, $availableOnly: Boolean! = true) {
  mentors(orderBy: RESPONSIVENESS, first: $first, after: $after,
          filter: {availableOnly: $availableOnly}) {
    nodes { name responsiveness { responseRate } } pageInfo { hasNextPage endCursor }
  }
}"""


async def _names(
    client: GraphQLClient, first: int = 20, *, available_only: bool = True
) -> list[str]:
    names: list[str] = []
    after = None
    while True:
        variables = {"first": first, "after": after, "availableOnly": available_only}
        page = (await client.execute(MENTORS, variables)).data["mentors"]
        names += [n["name"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return names
        after = page["pageInfo"]["endCursor"]


async def test_best_responders_first_unknown_last(client: GraphQLClient, db: None) -> None:
    newcomer = await make_mentor(name="Newcomer")  # no record yet
    prompt, half, silent = [await make_mentor(name=n) for n in ("Prompt", "Half", "Silent")]
    for mentor, answers in ((prompt, 2), (half, 1)):
        for _ in range(answers):
            await act(
                client,
                "approve",
                (await make_request(mentee=await make_user(), mentor=mentor)).id,
                mentor,
            )
    # Half and Silent each leave one request to expire; Half answered one: 50 %.
    for mentor in (half, silent):
        await make_request(mentee=await make_user(), mentor=mentor)
    # The open requests count neither way yet; the sweep expires them and rescores.
    clock.advance(timedelta(days=14, minutes=1))
    await sweep()
    # Half and Silent, unseen for two weeks with an expiry each, are now set unavailable (the
    # silence rule): the order is read over every mentor.
    expected = ["Prompt", "Half", "Silent", "Newcomer"]
    assert await _names(client, available_only=False) == expected
    # Page by page (one mentor a page), the cursors keep the order: nothing lost or repeated.
    assert await _names(client, first=1, available_only=False) == expected
    assert await _names(client) == ["Prompt", "Newcomer"]
    scores = {u.name: u.response_score for u in await User.filter(is_mentor=True)}
    assert scores == {"Prompt": 10000, "Half": 5000, "Silent": 0, "Newcomer": -1}
    await newcomer.refresh_from_db()
    assert newcomer.response_score == -1


async def test_an_answer_moves_a_mentor_up_at_once(client: GraphQLClient, db: None) -> None:
    first, second = await make_mentor(name="First"), await make_mentor(name="Second")
    request = await make_request(
        mentee=await make_user(), mentor=first, status=RequestStatus.VIEWED
    )
    assert await _names(client) == ["Second", "First"]  # both unknown: newest first
    await act(client, "decline", request.id, first)
    assert await _names(client) == ["First", "Second"]
    assert (await User.get(id=second.id)).response_score == -1


async def _mentors_in_bulk(count: int) -> None:
    # One statement that both dialects run: thousands of factory calls would take minutes.
    await connections.get("default").execute_script(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
        INSERT INTO users (email, password_hash, name, title, bio, is_mentor, is_admin,
                           available, capacity, response_score, created_at, updated_at)
        SELECT 'bulk' || i || '@example.org', 'x', 'Bulk ' || i, '', '', true, false,
               true, 3, -1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
        FROM n
        """
    )


async def test_the_sweep_rescores_more_mentors_than_one_statement_can_name(db: None) -> None:
    # More mentors than asyncpg accepts parameters in one statement (32,767); the SQLite here
    # was built with a higher limit, so on SQLite this only checks the answer.
    await _mentors_in_bulk(33_000)
    answered = await make_mentor(name="Answered")
    await request_row(
        mentee=await make_user(),
        mentor=answered,
        status=RequestStatus.DECLINED,
        answered_after=timedelta(hours=2),
    )
    report = await sweep()
    assert report.scores_changed == 1
    assert (await User.get(id=answered.id)).response_score == 10_000

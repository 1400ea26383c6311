"""A policy with a filter form (`Policy.rows`, the rule as a Tortoise filter: the graph's edges,
`mentorgraph.models.graph.graph.visible_edges`) selects exactly the rows its Python and SQL forms
let each kind
of viewer see, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from devkit.factories import make_mentor, make_user, request_row
from mentorgraph.models.accounts.users import User
from mentorgraph.models.policies import POLICIES, REQUEST
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.sql import fetch


async def _sql_form_sees(viewer: User | None) -> set[int]:
    """The ids of the requests the SQL form lets `viewer` see (run as a statement)."""
    if viewer is None:
        rows = await fetch(
            f"SELECT r.id FROM mentorship_requests r WHERE {REQUEST.sql(None, 'r')}", []
        )
    else:
        rows = await fetch(
            "SELECT r.id FROM mentorship_requests r JOIN users v ON v.id = ?"
            f" WHERE {REQUEST.sql('v', 'r')}",
            [viewer.id],
        )
    return {int(row["id"]) for row in rows}


async def test_the_request_policys_three_forms_agree(db: None) -> None:
    mentor, other_mentor = await make_mentor(name="Mo"), await make_mentor(name="Ola")
    mentee, stranger = await make_user(name="Mia"), await make_user(name="Sten")
    admin = await make_user(name="Ada", admin=True)
    await request_row(mentee=mentee, mentor=mentor, status=RequestStatus.NEW)
    await request_row(mentee=admin, mentor=mentor, status=RequestStatus.APPROVED)
    await request_row(mentee=mentee, mentor=other_mentor, status=RequestStatus.COMPLETED)
    await request_row(mentee=stranger, mentor=other_mentor, status=RequestStatus.APPROVED)
    await request_row(mentee=mentor, mentor=other_mentor, status=RequestStatus.DECLINED)
    every = await MentorshipRequest.all()
    for viewer in (None, admin, mentor, other_mentor, mentee, stranger):
        by_python = {r.id for r in every if REQUEST.python(viewer, r)}
        by_filter = set(
            await MentorshipRequest.filter(REQUEST.filter(viewer)).values_list("id", flat=True)
        )
        assert by_filter == by_python == await _sql_form_sees(viewer), viewer  # type: ignore[comparison-overlap]
    # Each kind saw something different: the agreement is not a trivial one.
    assert (
        len({frozenset(r.id for r in every if REQUEST.python(v, r)) for v in (None, admin, mentee)})
        == 3
    )


def test_a_policy_without_a_filter_form_says_so() -> None:
    without = next(policy for policy in POLICIES.values() if policy.rows is None)
    with pytest.raises(TypeError):
        without.filter(None)

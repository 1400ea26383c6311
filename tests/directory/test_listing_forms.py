"""The listing rule's forms (`models/directory/listing.py`) select the same mentors: the Python form
over loaded rows, the Tortoise filter and the SQL text, on SQLite and PostgreSQL; and who may become
available."""

from __future__ import annotations

from datetime import timedelta

import pytest

from devkit.factories import make_mentor, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.listing import (
    ensure_may_be_listed,
    listed,
    listed_q,
    listed_sql,
    may_be_listed,
    offered,
    offered_q,
    offered_sql,
)
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.sql import fetch


async def _cast() -> dict[str, User]:
    """One member of each kind the rule tells apart."""
    now = clock.now()
    cast = {
        "available": await make_mentor(name="Ava"),
        "paused": await make_mentor(name="Pau", available=False),
        "suspended": await make_mentor(name="Sus", available=False),
        "banned": await make_mentor(name="Ban", available=False),
        "mentee": await make_user(name="Mee"),
        "available-flag-only": await make_user(name="Flo", available=True),
    }
    await User.filter(id=cast["suspended"].id).update(suspended_until=now + timedelta(days=3))
    await User.filter(id=cast["banned"].id).update(banned_at=now)
    return {name: await User.get(id=user.id) for name, user in cast.items()}


async def _by_sql(condition: str) -> set[int]:
    return {
        int(row["id"]) for row in await fetch(f"SELECT u.id FROM users u WHERE {condition}", [])
    }


async def test_the_three_forms_of_each_rule_agree(db: None) -> None:
    cast = await _cast()
    every = list(cast.values())
    for python, q, sql in ((offered, offered_q, offered_sql), (listed, listed_q, listed_sql)):
        by_python = {u.id for u in every if python(u)}
        by_filter = {u.id for u in await User.filter(q())}
        assert by_filter == by_python == await _by_sql(sql("u")), python.__name__
    # What each rule says, so the agreement is not a trivial one.
    names = {u.id: name for name, u in cast.items()}
    assert {names[u.id] for u in every if offered(u)} == {"available"}
    assert {names[u.id] for u in every if listed(u)} == {"available", "paused"}


async def test_only_a_verified_member_who_is_staying_may_become_available(db: None) -> None:
    staying = await make_user()
    unverified = await make_user(verified=False)
    leaving = await make_user()
    await User.filter(id=leaving.id).update(deletion_due_at=clock.now() + timedelta(days=7))
    leaving = await User.get(id=leaving.id)
    assert may_be_listed(staying)
    ensure_may_be_listed(staying)
    for member, code in (
        (unverified, ErrorCode.EMAIL_NOT_VERIFIED),
        (leaving, ErrorCode.ACCOUNT_CLOSING),
    ):
        assert not may_be_listed(member)
        with pytest.raises(RuleViolation) as refused:
            ensure_may_be_listed(member, "motivation")
        assert refused.value.code == code
        assert refused.value.field == ["motivation"]

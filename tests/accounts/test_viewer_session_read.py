"""The viewer and the token's session read in one statement (`sessions.user_if_live`, what
`TokenService.viewer_for` answers with): the same user the ORM reads, and the session's
liveness as `is_live` says, on both databases."""

from __future__ import annotations

from devkit.factories import make_user
from mentorgraph.models.accounts import sessions
from mentorgraph.models.accounts.users import User
from tests.utils.sql_counter import count_statements


async def test_the_viewer_and_the_session_in_one_read(db: None) -> None:
    member, other = await make_user(admin=True), await make_user()
    signed_in = await sessions.start(member, address="127.0.0.1", user_agent="test")
    session_id = signed_in.session.id
    with count_statements() as log:
        user, live = await sessions.user_if_live(member.id, session_id)
    assert len(log) == 1 and live
    orm = await User.get(id=member.id)
    assert user is not None
    for name in User._meta.db_fields:
        field = User._meta.fields_db_projection_reverse.get(name, name)
        assert getattr(user, field) == getattr(orm, field), name
    # A session-less token: live; another's session or an unknown one: not.
    assert (await sessions.user_if_live(member.id, None))[1]
    assert not (await sessions.user_if_live(other.id, session_id))[1]
    assert not (await sessions.user_if_live(member.id, session_id + 1000))[1]
    # No such user: no row, and the session is not theirs.
    assert await sessions.user_if_live(other.id + 1000, None) == (None, True)
    assert await sessions.user_if_live(other.id + 1000, session_id) == (None, False)
    await sessions.end_session(member, session_id, sessions.EndReason.LOG_OUT)
    assert await sessions.is_live(session_id, member.id) is False
    assert not (await sessions.user_if_live(member.id, session_id))[1]

"""When a member was last seen: the signal that tells a slow mentor (who is there, and answers
late) from a silent one (who is not there at all).

A member is *seen* when they
- sign in or use a session: `sessions.last_used_at`, set at sign-in and moved by every refresh
  (a client in use refreshes at least once per access token's life, `ACCESS_TOKEN_TTL_MINUTES`);
- write a message in a request's thread (their MESSAGE events,
`mentorgraph.models.requests.request_messages`);
- view or answer a request to them as its mentor (`viewed_at`, `responded_at`, which only the
  mentor's own acts set: `lifecycle._apply`).

Every one of these is recorded already, by the act itself, and read through an index
(`sessions (user_id, ended_at)`, the messages' partial index on `(actor_id, occurred_at)`,
`mentorship_requests (mentor_id, ...)`), so being seen costs no write of its own: no
last-seen column, no write per request. Sessions are kept 30 days after they end
(`sessions.ENDED_KEPT_FOR`), longer than any sensible silence threshold.
"""

from __future__ import annotations

from mentorgraph.models.accounts.auth import Session
from mentorgraph.models.requests.requests import EventKind, MentorshipRequest, RequestEvent

__all__ = ["seen_moments_sql"]

_SESSIONS = Session._meta.db_table
_EVENTS = RequestEvent._meta.db_table
_REQUESTS = MentorshipRequest._meta.db_table


def seen_moments_sql(user_sql: str) -> list[str]:
    """The latest moment of each way the user `user_sql` (an SQL expression) was seen, as
    scalar subqueries (NULL when never), for both dialects: the caller takes the latest."""
    return [
        f"(SELECT max(ps.last_used_at) FROM {_SESSIONS} ps WHERE ps.user_id = {user_sql})",
        f"(SELECT max(pe.occurred_at) FROM {_EVENTS} pe WHERE pe.actor_id = {user_sql}"
        f" AND pe.kind = '{EventKind.MESSAGE.value}')",
        f"(SELECT max(pr.viewed_at) FROM {_REQUESTS} pr WHERE pr.mentor_id = {user_sql})",
        f"(SELECT max(pr.responded_at) FROM {_REQUESTS} pr WHERE pr.mentor_id = {user_sql})",
    ]

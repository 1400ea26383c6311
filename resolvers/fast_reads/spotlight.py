"""`spotlightMentors(first)` as SQL (`mentorgraph.models.directory.spotlight.spotlight`): this
week's shuffle of the qualifying mentors, the live checks (`is_worthy`) on each candidate's
responsiveness record, the first `first` who pass. The shuffle and the 30-day bound follow the
clock: parameters renewed for each run of a cached statement.
"""

from __future__ import annotations

import mentorgraph.resolvers.fast_reads.users as users_sql
from mentorgraph.models import clock
from mentorgraph.models.directory.listing import offered_sql
from mentorgraph.models.directory.responsiveness import responsiveness_sql
from mentorgraph.models.directory.spotlight import (
    _P,
    _POOL_FACTOR,
    MIN_RESPONSE_RATE,
    RECENT,
    unblocked_sql,
    week_shuffle,
)
from mentorgraph.models.requests.feedback import AuthorRole, MentorshipFeedback
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.requests.silent_mentors import quiet_sql
from mentorgraph.resolvers.directory.spotlight import MAX_SPOTLIGHT
from mentorgraph.resolvers.errors import BadUserInput, check_range
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.fields import renders
from mentorgraph.resolvers.fast_reads.selection import Selected, UnsupportedValue

__all__: list[str] = []

REQUESTS = MentorshipRequest._meta.db_table
FEEDBACK = MentorshipFeedback._meta.db_table


@renders("Query", "spotlightMentors", arguments=["first"])
def _spotlight_mentors(build: Build, selected: Selected, _row: None) -> str:
    try:
        first = check_range("first", build.arguments(selected)["first"], 1, MAX_SPOTLIGHT)
    except BadUserInput:  # the ordinary path reports it
        raise UnsupportedValue("first") from None
    multiplier = build.renewed_param(lambda: week_shuffle(clock.now()).multiplier)
    offset = build.renewed_param(lambda: week_shuffle(clock.now()).offset)
    recent = build.renewed_param(lambda: clock.now() - RECENT)
    c, rs, u = build.alias("c"), build.alias("rs"), build.alias("u")
    # No mentor with a block between them and the viewer (`v`, bound per run).
    viewer_id = None if build.viewer is None else f"{build.viewer}.id"
    # `mentorgraph.models.directory.spotlight._CANDIDATES`, ranked in this week's order.
    candidates = (
        f"SELECT r.mentor_id AS id, row_number() OVER"
        f" (ORDER BY (r.mentor_id::bigint * {multiplier}::bigint + {offset}::bigint) % {_P},"
        f" r.mentor_id) AS n"
        f" FROM {REQUESTS} r JOIN {users_sql.USERS} cu ON cu.id = r.mentor_id"
        f" WHERE {offered_sql('cu')} AND r.status = '{RequestStatus.COMPLETED.value}'"
        f" {unblocked_sql('r.mentor_id', viewer_id)}"
        f" AND r.mentor_id IN (SELECT f.subject_id FROM {FEEDBACK} f"
        f" WHERE f.author_role = '{AuthorRole.MENTEE.value}'"
        f" GROUP BY f.subject_id HAVING sum(f.rating) >= 4 * count(*))"
        f" GROUP BY r.mentor_id"
        f" ORDER BY (r.mentor_id::bigint * {multiplier}::bigint + {offset}::bigint) % {_P},"
        f" r.mentor_id LIMIT {first * _POOL_FACTOR}"
    )
    # `is_worthy`: `response_rate` is round(answered / settled, 4) in Python; numeric's round
    # agrees with it unless the quotient lies within 1e-15 of a half at the fifth place, which
    # takes 20,000 settled requests in the window (no mentor answers that many).
    worthy = (
        f"{rs}.answered + {rs}.unanswered > 0"
        f" AND round({rs}.answered::numeric / ({rs}.answered + {rs}.unanswered), 4)"
        f" >= {MIN_RESPONSE_RATE}"
        f" AND {rs}.last_active_at >= {recent}::timestamptz"
    )
    mentor = users_sql.user_object(build, selected, u)
    # `spotlight`'s last filter: still available, with room, and not going quiet.
    now = build.renewed_param(clock.now)
    cm = build.alias("cm")
    askable = (
        f"{cm}.available AND {rs}.active_mentees < {cm}.capacity"
        f" AND NOT {quiet_sql(cm, f'{now}::timestamptz', build.param)}"
    )
    chosen = (
        f"SELECT {c}.id, {c}.n FROM ({candidates}) {c}"
        f" CROSS JOIN LATERAL {responsiveness_sql(f'{c}.id', build.since())} {rs}"
        f" JOIN {users_sql.USERS} {cm} ON {cm}.id = {c}.id"
        f" WHERE {worthy} AND {askable} ORDER BY {c}.n LIMIT {first}"
    )
    k = build.alias("k")
    return (
        f"(SELECT coalesce(json_agg({mentor} ORDER BY {k}.n), '[]') FROM ({chosen}) {k}"
        f" JOIN {users_sql.USERS} {u} ON {u}.id = {k}.id)"
    )

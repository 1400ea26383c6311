"""Gathering what `mentorgraph.models.directory.recommendations` scores: a bounded pool of candidate
mentors and their numbers, in a fixed number of statements whatever the size of the directory.

The pool: mentors sharing the most tags with the member, mentors who mentored the most members
with overlapping interests, and mentors in the member's country or speaking their languages
(each part at most `POOL` mentors). Then only the available ones with capacity left, who are
not the member, hold no open or active request from them, have no block between them and
the member (`models/safety/block_visibility.py`) and are not going quiet
(`models/requests/silent_mentors.quiet_mentors`), are scored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from tortoise import connections

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User, UserLanguage, UserTag
from mentorgraph.models.directory.listing import offered_q, offered_sql
from mentorgraph.models.directory.recommendations import Candidate, Recommendation, Seeker, rank
from mentorgraph.models.directory.responsiveness import responsiveness_of
from mentorgraph.models.graph.graph import EDGE_STATUSES
from mentorgraph.models.requests.request_guards import PAIR_BLOCKING_STATUSES
from mentorgraph.models.requests.requests import MentorshipRequest
from mentorgraph.models.requests.silent_mentors import quiet_mentors
from mentorgraph.models.safety.block_visibility import unblocked_q
from mentorgraph.models.sql import fetch, in_list

__all__ = ["POOL", "recommend"]

POOL = 200
# An open or active request with a mentor takes them out of the member's recommendations.
TAKEN = PAIR_BLOCKING_STATUSES

_BY_TAGS = """
SELECT t.user_id AS id FROM user_tags t JOIN users u ON u.id = t.user_id
WHERE t.tag IN ({tags}) AND {offered} AND u.id <> ?
GROUP BY t.user_id ORDER BY COUNT(*) DESC, t.user_id LIMIT ?
"""

# Mentors of members (not the seeker) who share an interest with the seeker.
_PEERS = """
SELECT r.mentor_id AS id, COUNT(DISTINCT r.mentee_id) AS peers
FROM mentorship_requests r JOIN user_tags t ON t.user_id = r.mentee_id
WHERE t.tag IN ({tags}) AND r.status IN (?, ?) AND r.mentee_id <> ? {among}
GROUP BY r.mentor_id ORDER BY COUNT(DISTINCT r.mentee_id) DESC, r.mentor_id LIMIT ?
"""

# EXISTS, not `u.id IN (SELECT ...)`: PostgreSQL cannot turn an IN under OR into a join, and
# when the speakers of the languages (English: most users) outgrow work_mem it rescans the
# whole list for every mentor (6 s at 100,000 mentors); EXISTS probes (user_id, language).
_BY_PLACE = """
SELECT u.id FROM users u
WHERE {offered} AND u.id <> ?
  AND (u.country = ? OR EXISTS (SELECT 1 FROM user_languages l
                                WHERE l.user_id = u.id AND l.language IN ({languages})))
ORDER BY u.id LIMIT ?
"""


async def _seeker(viewer: User) -> Seeker:
    tags = await UserTag.filter(user_id=viewer.id).values_list("tag", flat=True)
    languages = await UserLanguage.filter(user_id=viewer.id).values_list("language", flat=True)
    return Seeker(
        tags=frozenset(str(t) for t in tags),
        languages=frozenset(str(code) for code in languages),
        country=viewer.country,
    )


async def _pool(viewer: User, seeker: Seeker) -> set[int]:
    ids: set[int] = set()
    tags = sorted(seeker.tags)
    if tags:
        rows = await fetch(
            _BY_TAGS.format(tags=in_list(tags), offered=offered_sql("u")), [*tags, viewer.id, POOL]
        )
        ids.update(int(r["id"]) for r in rows)
        rows = await fetch(
            _PEERS.format(tags=in_list(tags), among=""),
            [*tags, *EDGE_STATUSES, viewer.id, POOL],
        )
        ids.update(int(r["id"]) for r in rows)
    if seeker.country or seeker.languages:
        # An empty language list still needs one value for `IN (...)`: '' matches no code.
        languages = sorted(seeker.languages) or [""]
        rows = await fetch(
            _BY_PLACE.format(languages=in_list(languages), offered=offered_sql("u")),
            [viewer.id, seeker.country, *languages, POOL],
        )
        ids.update(int(r["id"]) for r in rows)
    return ids


async def _peers(viewer: User, seeker: Seeker, mentor_ids: Sequence[int]) -> dict[int, int]:
    tags = sorted(seeker.tags)
    if not tags or not mentor_ids:
        return {}
    among = f"AND r.mentor_id IN ({in_list(mentor_ids)})"
    rows = await fetch(
        _PEERS.format(tags=in_list(tags), among=among),
        [*tags, *EDGE_STATUSES, viewer.id, *mentor_ids, len(mentor_ids)],
    )
    return {int(r["id"]): int(r["peers"]) for r in rows}


async def _values_by_user(
    model: type[UserTag] | type[UserLanguage], column: str, ids: list[int]
) -> dict[int, set[str]]:
    by_user: dict[int, set[str]] = defaultdict(set)
    for row in await model.filter(user_id__in=ids).values("user_id", column):
        by_user[row["user_id"]].add(row[column])
    return by_user


async def recommend(viewer: User, first: int) -> tuple[list[Recommendation], dict[int, User]]:
    """The best `first` mentors for `viewer`, and those mentors' rows (to serve the answer)."""
    seeker = await _seeker(viewer)
    pool = await _pool(viewer, seeker)
    if not pool:
        return [], {}
    taken = set(
        await MentorshipRequest.filter(mentee_id=viewer.id, status__in=TAKEN).values_list(
            "mentor_id", flat=True
        )
    )
    # Nobody with a block between them and the member (in this statement: none more).
    mentors = {
        u.id: u
        for u in await User.filter(
            offered_q(), unblocked_q(str(int(viewer.id))), id__in=sorted(pool - taken)
        )
    }
    ids = sorted(mentors)
    if not ids:
        return [], {}
    records = dict(zip(ids, await responsiveness_of(ids), strict=True))
    # Capacity left (fewer active mentees than the mentor takes), and not going quiet.
    quiet = await quiet_mentors(connections.get("default"), ids, clock.now())
    ids = [i for i in ids if records[i].active_mentees < mentors[i].capacity and i not in quiet]
    tags = await _values_by_user(UserTag, "tag", ids)
    languages = await _values_by_user(UserLanguage, "language", ids)
    peers = await _peers(viewer, seeker, ids)
    candidates = [
        Candidate(
            mentor_id=i,
            tags=frozenset(tags[i]),
            languages=frozenset(languages[i]),
            country=mentors[i].country,
            response_rate=records[i].response_rate,
            peers=peers.get(i, 0),
        )
        for i in ids
    ]
    return rank(seeker, candidates, first), mentors

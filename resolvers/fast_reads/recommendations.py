"""`User.recommendedMentors` as SQL: the candidates and their numbers read in the statement, the
ranking left to the ordinary path's own function.

The statement gathers what `mentorgraph.models.directory.recommendation_data.recommend` gathers (the
same pool of mentors, the same exclusions, each candidate's tags, languages, responsiveness counts
and peers); it leaves a `{"$recommend": ...}` marker that `finish.py` replaces with
`mentorgraph.models.directory.recommendations.rank` over those candidates, so the scores, their
rounding, the reasons' words and the order are Python's, exactly. Rendering each candidate's
`mentor` selection was most of the statement's work (a pool holds up to 600): it ranks the pool by
the unrounded score (`approximate_score_sql`) and renders only the shortlist that can hold the
best `first` (`SHORTLIST_MARGIN`: about `first`, more on near ties).
"""

from __future__ import annotations

from typing import Any

import mentorgraph.resolvers.fast_reads.users as users_sql
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import UserLanguage, UserTag
from mentorgraph.models.directory.listing import offered_sql
from mentorgraph.models.directory.recommendation_data import POOL, TAKEN
from mentorgraph.models.directory.recommendations import (
    SHORTLIST_MARGIN,
    Candidate,
    Recommendation,
    Seeker,
    approximate_score_sql,
    rank,
)
from mentorgraph.models.directory.responsiveness import response_rate, responsiveness_sql
from mentorgraph.models.graph.graph import EDGE_STATUSES
from mentorgraph.models.requests.requests import MentorshipRequest
from mentorgraph.models.requests.silent_mentors import quiet_sql
from mentorgraph.models.safety.block_visibility import block_between_sql
from mentorgraph.models.sql import enum_list
from mentorgraph.resolvers.directory.recommendations import MAX_RECOMMENDATIONS
from mentorgraph.resolvers.errors import BadUserInput, check_range
from mentorgraph.resolvers.fast_reads.build import Build, json_object
from mentorgraph.resolvers.fast_reads.fields import object_sql, renders
from mentorgraph.resolvers.fast_reads.selection import Selected, UnsupportedValue

__all__ = ["recommended"]

REQUESTS = MentorshipRequest._meta.db_table
TAGS = UserTag._meta.db_table
LANGUAGES = UserLanguage._meta.db_table
_EDGES = enum_list(EDGE_STATUSES)


@renders("User", "recommendedMentors", arguments=["first"])
def _recommended_mentors(build: Build, selected: Selected, u: str) -> str:
    """For the user themself only
    (`mentorgraph.resolvers.directory.recommendations.recommended_mentors`); null for
    everyone else."""
    if build.viewer is None:
        return "NULL"
    try:
        first = check_range("first", build.arguments(selected)["first"], 1, MAX_RECOMMENDATIONS)
    except BadUserInput:  # the ordinary path reports it (to the user themself)
        raise UnsupportedValue("first") from None
    m = build.alias("m")
    # Each candidate's answer as selected, with placeholders for what the ranking decides.
    template = object_sql(build, selected, m)
    tags = f"(SELECT tag FROM {TAGS} WHERE user_id = {u}.id)"
    languages = f"(SELECT language FROM {LANGUAGES} WHERE user_id = {u}.id)"
    has_place = f"(coalesce({u}.country, '') <> '' OR EXISTS {languages})"
    # `mentorgraph.models.directory.recommendation_data._pool`: by shared tags, by peers, by country
    # or language.
    by_tags = (
        f"(SELECT t.user_id AS id FROM {TAGS} t JOIN {users_sql.USERS} tm ON tm.id = t.user_id"
        f" WHERE t.tag IN {tags} AND {offered_sql('tm')} AND tm.id <> {u}.id"
        f" GROUP BY t.user_id ORDER BY count(*) DESC, t.user_id LIMIT {POOL})"
    )
    by_peers = (
        f"(SELECT r.mentor_id AS id FROM {REQUESTS} r JOIN {TAGS} t ON t.user_id = r.mentee_id"
        f" WHERE t.tag IN {tags} AND r.status IN ({_EDGES}) AND r.mentee_id <> {u}.id"
        f" GROUP BY r.mentor_id ORDER BY count(DISTINCT r.mentee_id) DESC, r.mentor_id"
        f" LIMIT {POOL})"
    )
    # A language shared is probed per mentor, through (user_id, language), joined to the
    # member's own: `OFFSET 0` keeps PostgreSQL from turning the EXISTS (under OR) into a hashed
    # subplan of every speaker of the member's languages (62,000 rows, half the statement's time
    # on the bench data) to read the first `POOL` mentors by id.
    by_place = (
        f"(SELECT pm.id FROM {users_sql.USERS} pm WHERE {has_place}"
        f" AND {offered_sql('pm')} AND pm.id <> {u}.id"
        f" AND (pm.country = {u}.country OR EXISTS (SELECT 1 FROM {LANGUAGES} l"
        f" JOIN {LANGUAGES} sl ON sl.language = l.language"
        f" WHERE l.user_id = pm.id AND sl.user_id = {u}.id OFFSET 0))"
        f" ORDER BY pm.id LIMIT {POOL})"
    )
    taken = (
        f"(SELECT mentor_id FROM {REQUESTS} WHERE mentee_id = {u}.id"
        f" AND status IN ({enum_list(TAKEN)}))"
    )
    rs, k, sc = build.alias("rs"), build.alias("k"), build.alias("sc")
    peers = (
        f"(SELECT count(DISTINCT r.mentee_id) FROM {REQUESTS} r"
        f" JOIN {TAGS} t ON t.user_id = r.mentee_id WHERE t.tag IN {tags}"
        f" AND r.status IN ({_EDGES}) AND r.mentee_id <> {u}.id AND r.mentor_id = {m}.id)"
    )
    # What `rank` reads of each candidate, and its score unrounded (`approximate_score_sql`).
    approximate = approximate_score_sql(
        shared_tags=f"(SELECT count(*) FROM {TAGS} WHERE user_id = {m}.id AND tag IN {tags})",
        shared_languages=(
            f"(SELECT count(*) FROM {LANGUAGES} WHERE user_id = {m}.id AND language IN {languages})"
        ),
        same_country=f"({u}.country IS NOT NULL AND {m}.country = {u}.country)",
        answered=f"{rs}.answered",
        unanswered=f"{rs}.unanswered",
        peers=f"{k}.peers",
    )
    pool = (
        f"SELECT {m}.id, {m}.country, {rs}.answered, {rs}.unanswered, {k}.peers,"
        f" {approximate} AS approximate FROM {users_sql.USERS} {m}"
        f" CROSS JOIN LATERAL {responsiveness_sql(f'{m}.id', build.since())} {rs}"
        f" CROSS JOIN LATERAL (SELECT {peers} AS peers) {k}"
        f" WHERE {m}.id IN ({by_tags} UNION {by_peers} UNION {by_place})"
        f" AND {m}.id NOT IN {taken} AND NOT {block_between_sql(f'{m}.id', f'{u}.id')}"
        f" AND {offered_sql(m)}"
        f" AND {rs}.active_mentees < {m}.capacity"
        f" AND NOT {quiet_sql(m, f'{build.renewed_param(clock.now)}::timestamptz', build.param)}"
    )
    # The `first`-th best unrounded score (NULL with fewer candidates: every one is shortlisted).
    cut = (
        f"nth_value(approximate, {first}) OVER (ORDER BY approximate DESC"
        f" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
    )
    # Only the shortlisted candidates' mentors are rendered (CASE evaluates its branch lazily).
    shortlisted = f"({sc}.cut IS NULL OR {sc}.approximate >= {sc}.cut - {SHORTLIST_MARGIN})"
    answer = f"(SELECT {template} FROM {users_sql.USERS} {m} WHERE {m}.id = {sc}.id)"
    candidate = json_object(
        [
            ("id", f"{sc}.id"),
            ("tags", f"(SELECT coalesce(json_agg(tag), '[]') FROM {TAGS} WHERE user_id = {sc}.id)"),
            (
                "languages",
                f"(SELECT coalesce(json_agg(language), '[]') FROM {LANGUAGES}"
                f" WHERE user_id = {sc}.id)",
            ),
            ("country", f"{sc}.country"),
            ("answered", f"{sc}.answered"),
            ("unanswered", f"{sc}.unanswered"),
            ("peers", f"{sc}.peers"),
            ("answer", f"CASE WHEN {shortlisted} THEN {answer} END"),
        ]
    )
    candidates = (
        f"(SELECT coalesce(json_agg({candidate} ORDER BY {sc}.id), '[]')"
        f" FROM (SELECT *, {cut} AS cut FROM ({pool}) pool) {sc})"
    )
    seeker = json_object(
        [
            ("tags", f"(SELECT coalesce(json_agg(tag), '[]') FROM {tags} st(tag))"),
            (
                "languages",
                f"(SELECT coalesce(json_agg(language), '[]') FROM {languages} sl(language))",
            ),
            ("country", f"{u}.country"),
        ]
    )
    raw = json_object(
        [
            ("first", str(first)),
            ("seeker", seeker),
            ("candidates", candidates),
        ]
    )
    return f"CASE WHEN {build.viewer}.id = {u}.id THEN {build.marker('recommend', raw)} END"


# --- The placeholders of the template (`$` cannot start a GraphQL name, nor a marker's key).


@renders("MentorRecommendation", "mentor")
def _mentor(build: Build, child: Selected, m: str) -> str:
    return users_sql.user_object(build, child, m)


@renders("MentorRecommendation", "score")
def _score(build: Build, child: Selected, m: str) -> str:
    return f"'{_SCORE}'"


@renders("MentorRecommendation", "reasons")
def _reasons(build: Build, child: Selected, m: str) -> str:
    return f"json_build_object('{_REASONS}', {object_sql(build, child, None)})"


@renders("RecommendationReason", "kind", "points", "detail")
def _reason(build: Build, child: Selected, _row: None) -> str:
    return f"'${child.name}'"


_SCORE, _REASONS = "$score", "$reasons"


def recommended(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """The marker's answer: `rank` over the candidates read, each pick rendered as selected."""
    given = raw["seeker"]
    seeker = Seeker(
        tags=frozenset(given["tags"]),
        languages=frozenset(given["languages"]),
        country=given["country"],
    )
    read = {c["id"]: c for c in raw["candidates"]}
    candidates = [
        Candidate(
            mentor_id=c["id"],
            tags=frozenset(c["tags"]),
            languages=frozenset(c["languages"]),
            country=c["country"],
            response_rate=response_rate(c["answered"], c["unanswered"]),
            peers=c["peers"],
        )
        for c in raw["candidates"]
    ]
    picks = rank(seeker, candidates, raw["first"])
    if any(read[pick.mentor_id]["answer"] is None for pick in picks):
        # Cannot happen (`SHORTLIST_MARGIN`); if it did, the ordinary path answers instead.
        raise RuntimeError("a recommendation outside the statement's shortlist")
    return [_rendered(pick, read[pick.mentor_id]["answer"]) for pick in picks]


def _rendered(pick: Recommendation, template: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    for key, value in template.items():
        if value == _SCORE:
            answer[key] = pick.score
        elif isinstance(value, dict) and _REASONS in value:
            answer[key] = [
                {
                    k: getattr(reason, v[1:]) if v in _REASON_FIELDS else v
                    for k, v in value[_REASONS].items()
                }
                for reason in pick.reasons
            ]
        else:  # the mentor, `__typename`
            answer[key] = value
    return answer


_REASON_FIELDS = frozenset(["$kind", "$points", "$detail"])

"""The query shapes our clients use, written once per server: GraphQL for mentorgraph, the
equivalent GraphQL for PostGraphile, and one SQL statement for the bare endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SHAPES", "Sample", "Shape"]

RESPONSIVENESS = "responseRate medianResponseHours lastActiveAt openRequests activeMentees"
PROFILE = (
    "id name title bio avatarUrl country isMentor available capacity tags spokenLanguages"
    f" responsiveness {{ {RESPONSIVENESS} }}"
)
# PostGraphile exposes the same columns and functions under the same names (computed columns
# `users_tags`, `users_spoken_languages`, `users_responsiveness` in bench/sql/shapes.sql).
PG_PROFILE = PROFILE


@dataclass(frozen=True)
class Sample:
    """Real values from the generated data for the variables of each request."""

    tags: list[str]
    mentor_ids: list[int]
    mentee_ids: list[int]
    admin_id: int
    # The mentors with the most mentorships (APPROVED or COMPLETED requests), busiest first.
    busy_mentor_ids: list[int] = field(default_factory=list)
    # VIEWED requests as (request id, its mentor's id): marking one viewed again is a mutation
    # that changes nothing, so a load can repeat it (shape 9).
    viewed_requests: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Operation:
    """What one server receives: the body's query, and per request its variables and viewer."""

    query: str
    variables: Callable[[Sample], list[dict[str, Any]]]


@dataclass(frozen=True)
class Shape:
    number: int
    title: str
    ours: Operation
    # None where PostGraphile has no equivalent (it then sits the shape out).
    postgraphile: Operation | None
    # One statement returning the whole JSON body as text; parameters named in order. None
    # where no single hand-written statement answers the same (scoring done in Python).
    bare_sql: str | None
    bare_params: tuple[str, ...]
    # Who sends the request to mentorgraph: None, "mentee" (the sample's ids) or "admin".
    viewer: Callable[[Sample], list[int | None]]
    # The bare endpoint's variables where PostGraphile has none to share (`bare_params`).
    bare_variables: Callable[[Sample], list[dict[str, Any]]] | None = None


def global_id(type_name: str, pk: int) -> str:
    from mentorgraph.resolvers.ids import encode_global_id

    return encode_global_id(type_name, pk)


def _anonymous(sample: Sample) -> list[int | None]:
    return [None]


# SQL pieces shared by the bare statements: the same ids, cursors and profile as mentorgraph.
SQL_GLOBAL_ID = (
    "rtrim(translate(encode(convert_to({type} || ':' || {pk}, 'UTF8'), 'base64'), '+/', '-_'), '=')"
)
SQL_CURSOR = (
    "rtrim(translate(encode(convert_to('[' || {pk} || ']', 'UTF8'), 'base64'), '+/', '-_'), '=')"
)
SQL_PROFILE = f"""json_build_object(
  'id', {SQL_GLOBAL_ID.format(type="'User'", pk="u.id")},
  'name', u.name, 'title', u.title, 'bio', u.bio, 'avatarUrl', u.avatar_url,
  'country', u.country, 'isMentor', u.is_mentor, 'available', u.available,
  'capacity', u.capacity, 'tags', users_tags(u), 'spokenLanguages', users_spoken_languages(u),
  'responsiveness', (SELECT CASE WHEN u.is_mentor THEN json_build_object(
    'responseRate', r.response_rate, 'medianResponseHours', r.median_response_hours,
    'lastActiveAt', r.last_active_at, 'openRequests', r.open_requests,
    'activeMentees', r.active_mentees) END FROM users_responsiveness(u) r))"""

DIRECTORY = Shape(
    number=1,
    title="directory page: 20 available mentors with a tag, profile, tags, responsiveness",
    ours=Operation(
        query="query Directory($tag: String!) { mentors(first: 20, filter: {tags: [$tag]}) {"
        f" edges {{ cursor node {{ {PROFILE} }} }} pageInfo {{ hasNextPage endCursor }} }} }}",
        variables=lambda s: [{"tag": tag} for tag in s.tags],
    ),
    postgraphile=Operation(
        query="query Directory($tag: String!) { mentorsByTag(tag: $tag, first: 20) {"
        f" edges {{ cursor node {{ {PG_PROFILE} }} }} pageInfo {{ hasNextPage endCursor }} }} }}",
        variables=lambda s: [{"tag": tag} for tag in s.tags],
    ),
    bare_sql=f"""
WITH page AS (
  SELECT u.id, row_number() OVER (ORDER BY u.id DESC) AS n FROM users u
  WHERE u.is_mentor AND u.available
    AND u.id IN (SELECT t.user_id FROM user_tags t WHERE t.tag = $1)
  ORDER BY u.id DESC LIMIT 21
), shown AS (SELECT * FROM page WHERE n <= 20)
SELECT json_build_object('data', json_build_object('mentors', json_build_object(
  'edges', coalesce((
    SELECT json_agg(json_build_object('cursor', {SQL_CURSOR.format(pk="u.id")},
                                      'node', {SQL_PROFILE}) ORDER BY s.n)
    FROM shown s JOIN users u ON u.id = s.id), '[]'),
  'pageInfo', json_build_object(
    'hasNextPage', (SELECT count(*) > 20 FROM page),
    'endCursor', (SELECT {SQL_CURSOR.format(pk="id")} FROM shown ORDER BY n DESC LIMIT 1))
)))::text""",
    bare_params=("tag",),
    viewer=_anonymous,
)

SINGLE_MENTOR = Shape(
    number=4,
    title="a single mentor by id",
    ours=Operation(
        query=f"query Mentor($id: ID!) {{ node(id: $id) {{ ... on User {{ {PROFILE} }} }} }}",
        variables=lambda s: [{"id": global_id("User", i)} for i in s.mentor_ids],
    ),
    postgraphile=Operation(
        query=f"query Mentor($id: Int!) {{ node: userByRowId(rowId: $id) {{ {PG_PROFILE} }} }}",
        variables=lambda s: [{"id": i} for i in s.mentor_ids],
    ),
    bare_sql=f"""
SELECT json_build_object('data', json_build_object('node',
  (SELECT {SQL_PROFILE} FROM users u WHERE u.id = $1)))::text""",
    bare_params=("id",),
    viewer=_anonymous,
)

REQUEST_FIELDS = "id status createdAt"
SQL_REQUEST = f"""'id', {SQL_GLOBAL_ID.format(type="'MentorshipRequest'", pk="r.id")},
  'status', r.status, 'createdAt', r.created_at"""

HEAVY_PAGE = Shape(
    number=2,
    title="heavy page: 50 mentors, each with its (up to 100) received requests and their"
    " mentee's name, read by an admin",
    ours=Operation(
        query="query Heavy { mentors(first: 50, filter: {availableOnly: false}) { nodes {"
        f" id name receivedRequests(first: 100) {{ nodes {{ {REQUEST_FIELDS}"
        " mentee { name } } } } } }",
        variables=lambda s: [{}],
    ),
    postgraphile=Operation(
        query="query Heavy { mentors: allUsers(first: 50, condition: {isMentor: true},"
        " orderBy: ROW_ID_DESC) { nodes { id name"
        " receivedRequests: mentorshipRequestsByMentorId(first: 100, orderBy: ROW_ID_DESC)"
        f" {{ nodes {{ {REQUEST_FIELDS} mentee: userByMenteeId {{ name }} }} }} }} }} }}",
        variables=lambda s: [{}],
    ),
    bare_sql=f"""
WITH m AS (SELECT id, name FROM users WHERE is_mentor ORDER BY id DESC LIMIT 50)
SELECT json_build_object('data', json_build_object('mentors', json_build_object('nodes',
  coalesce(json_agg(json_build_object(
    'id', {SQL_GLOBAL_ID.format(type="'User'", pk="m.id")}, 'name', m.name,
    'receivedRequests', json_build_object('nodes', (
      SELECT coalesce(json_agg(json_build_object({SQL_REQUEST},
                                                 'mentee', json_build_object('name', e.name))
                               ORDER BY r.id DESC), '[]')
      FROM (SELECT * FROM mentorship_requests WHERE mentor_id = m.id ORDER BY id DESC LIMIT 100) r
      JOIN users e ON e.id = r.mentee_id))
  ) ORDER BY m.id DESC), '[]'))))::text
FROM m""",
    bare_params=(),
    viewer=lambda s: [s.admin_id],
)

MENTEE_OVERVIEW = Shape(
    number=3,
    title="mentee overview: the viewer's 20 latest sent requests with each mentor's profile",
    ours=Operation(
        query="query Overview { viewer { sentRequests(first: 20) { nodes {"
        f" {REQUEST_FIELDS} mentor {{ {PROFILE} }} }} }} }} }}",
        variables=lambda s: [{} for _ in s.mentee_ids],
    ),
    postgraphile=Operation(
        query="query Overview($viewer: Int!) { viewer: userByRowId(rowId: $viewer) {"
        " sentRequests: mentorshipRequestsByMenteeId(first: 20, orderBy: ROW_ID_DESC) {"
        f" nodes {{ {REQUEST_FIELDS} mentor: userByMentorId {{ {PG_PROFILE} }} }} }} }} }}",
        variables=lambda s: [{"viewer": i} for i in s.mentee_ids],
    ),
    bare_sql=f"""
SELECT json_build_object('data', json_build_object('viewer', json_build_object(
  'sentRequests', json_build_object('nodes', (
    SELECT coalesce(json_agg(json_build_object({SQL_REQUEST},
      'mentor', (SELECT {SQL_PROFILE} FROM users u WHERE u.id = r.mentor_id))
      ORDER BY r.id DESC), '[]')
    FROM (SELECT * FROM mentorship_requests WHERE mentee_id = $1 ORDER BY id DESC LIMIT 20) r
  )))))::text""",
    bare_params=("viewer",),
    viewer=lambda s: list[int | None](s.mentee_ids),
)

# The README's mentor overview (`MyReceivedRequests`): open received requests with each mentee
# and each request's history with its actors' names. (Its counts and active mentees aside:
# PostGraphile would need functions of its own for them.)
OVERVIEW_REQUEST = "id status message background expectation createdAt"
OVERVIEW_MENTEE = "id name title country spokenLanguages"
OVERVIEW_EVENT = "fromStatus toStatus occurredAt note"
OPEN_RECEIVED = "mentor_id = $1 AND status IN ('NEW', 'VIEWED')"

MENTOR_OVERVIEW = Shape(
    number=5,
    title="mentor overview (README): the viewer's 20 latest open received requests, each"
    " mentee, each request's history with its actors' names, totalCount, pageInfo",
    ours=Operation(
        query="query MyReceivedRequests { viewer { receivedRequests(status: [NEW, VIEWED],"
        " first: 20) { totalCount pageInfo { hasNextPage endCursor } nodes {"
        f" {OVERVIEW_REQUEST} mentee {{ {OVERVIEW_MENTEE} }}"
        f" history {{ {OVERVIEW_EVENT} actor {{ name }} }} }} }} }} }}",
        variables=lambda s: [{} for _ in s.mentor_ids],
    ),
    postgraphile=Operation(
        query="query MyReceivedRequests($viewer: Int!) { viewer: userByRowId(rowId: $viewer) {"
        " receivedRequests: openReceivedRequests(first: 20) {"
        " totalCount pageInfo { hasNextPage endCursor } nodes {"
        f" {OVERVIEW_REQUEST} mentee: userByMenteeId {{ {OVERVIEW_MENTEE} }}"
        f" history: historyList {{ {OVERVIEW_EVENT} actor: userByActorId {{ name }} }} }} }} }} }}",
        variables=lambda s: [{"viewer": i} for i in s.mentor_ids],
    ),
    bare_sql=f"""
WITH page AS (
  SELECT * FROM mentorship_requests WHERE {OPEN_RECEIVED} ORDER BY id DESC LIMIT 21
), shown AS (SELECT * FROM page ORDER BY id DESC LIMIT 20)
SELECT json_build_object('data', json_build_object('viewer', json_build_object(
  'receivedRequests', json_build_object(
    'totalCount', (SELECT count(*) FROM mentorship_requests WHERE {OPEN_RECEIVED}),
    'pageInfo', json_build_object(
      'hasNextPage', (SELECT count(*) > 20 FROM page),
      'endCursor', (SELECT {SQL_CURSOR.format(pk="id")} FROM shown ORDER BY id LIMIT 1)),
    'nodes', (SELECT coalesce(json_agg(json_build_object(
      'id', {SQL_GLOBAL_ID.format(type="'MentorshipRequest'", pk="r.id")},
      'status', r.status, 'message', r.message, 'background', r.background,
      'expectation', r.expectation, 'createdAt', r.created_at,
      'mentee', (SELECT json_build_object(
        'id', {SQL_GLOBAL_ID.format(type="'User'", pk="e.id")}, 'name', e.name,
        'title', e.title, 'country', e.country, 'spokenLanguages', users_spoken_languages(e))
        FROM users e WHERE e.id = r.mentee_id),
      'history', (SELECT coalesce(json_agg(json_build_object(
        'fromStatus', ev.from_status, 'toStatus', ev.to_status,
        'occurredAt', ev.occurred_at, 'note', ev.note,
        'actor', (SELECT json_build_object('name', a.name) FROM users a WHERE a.id = ev.actor_id))
        ORDER BY ev.id), '[]') FROM request_events ev WHERE ev.request_id = r.id)
    ) ORDER BY r.id DESC), '[]') FROM shown r)
  ))))::text""",
    bare_params=("viewer",),
    viewer=lambda s: list[int | None](s.mentor_ids),
)

# Shape 1's page as Apollo and Relay clients write it: variables for everything, named fragments
# (one on `PageInfo`), and the responsiveness under `@include(if: $withResponsiveness)`.
CLIENT_DIRECTORY_FRAGMENTS = f"""
fragment MentorCard on User {{ {PROFILE.replace(f" responsiveness {{ {RESPONSIVENESS} }}", "")}
  ...Responsiveness @include(if: $withResponsiveness) }}
fragment Responsiveness on User {{ responsiveness {{ {RESPONSIVENESS} }} }}
fragment PageInfoFields on PageInfo {{ hasNextPage endCursor }}"""

CLIENT_DIRECTORY = Shape(
    number=6,
    title="directory page as Apollo/Relay write it: shape 1 with variables, named fragments"
    " and @include(if: $withResponsiveness)",
    ours=Operation(
        query="query DirectoryPage($first: Int!, $after: String, $filter: MentorFilter,"
        " $withResponsiveness: Boolean!) {"
        " mentors(first: $first, after: $after, filter: $filter) {"
        " edges { cursor node { ...MentorCard } } pageInfo { ...PageInfoFields } } }"
        + CLIENT_DIRECTORY_FRAGMENTS,
        variables=lambda s: [
            {"first": 20, "filter": {"tags": [tag]}, "withResponsiveness": True} for tag in s.tags
        ],
    ),
    postgraphile=Operation(
        query="query DirectoryPage($tag: String!, $first: Int!, $withResponsiveness: Boolean!) {"
        " mentors: mentorsByTag(tag: $tag, first: $first) {"
        " edges { cursor node { ...MentorCard } } pageInfo { ...PageInfoFields } } }"
        + CLIENT_DIRECTORY_FRAGMENTS,
        variables=lambda s: [
            {"tag": tag, "first": 20, "withResponsiveness": True} for tag in s.tags
        ],
    ),
    bare_sql=DIRECTORY.bare_sql,
    bare_params=("tag",),
    viewer=_anonymous,
)

GRAPH_DEPTH, GRAPH_FIRST = 2, 100
SQL_EDGES = "('APPROVED', 'COMPLETED')"

MENTORSHIP_GRAPH = Shape(
    number=7,
    title=f"mentorshipGraph depth {GRAPH_DEPTH} around a busy mentor (at most {GRAPH_FIRST}"
    " people and the mentorships between them), read by an admin",
    ours=Operation(
        query="query Graph($id: ID!) {"
        f" mentorshipGraph(rootId: $id, depth: {GRAPH_DEPTH}, first: {GRAPH_FIRST}) {{"
        " truncated root { id name } nodes { id name title }"
        " edges { status since until mentor { id } mentee { id } } } }",
        variables=lambda s: [{"id": global_id("User", i)} for i in s.busy_mentor_ids],
    ),
    # PostGraphile has no recursive walk (a function of our own would be the bare statement).
    postgraphile=None,
    bare_sql=f"""
WITH RECURSIVE walk(user_id, depth) AS (
  SELECT $1::int, 0
  UNION
  SELECT CASE WHEN r.mentor_id = w.user_id THEN r.mentee_id ELSE r.mentor_id END, w.depth + 1
  FROM walk w JOIN mentorship_requests r ON (r.mentor_id = w.user_id OR r.mentee_id = w.user_id)
  WHERE w.depth < {GRAPH_DEPTH} AND r.status IN {SQL_EDGES}
), reach AS (
  SELECT user_id, row_number() OVER (ORDER BY min(depth), user_id) AS n FROM walk
  GROUP BY user_id ORDER BY min(depth), user_id LIMIT {GRAPH_FIRST + 1}
), shown AS (SELECT user_id, n FROM reach WHERE n <= {GRAPH_FIRST})
SELECT json_build_object('data', json_build_object('mentorshipGraph', json_build_object(
  'truncated', (SELECT count(*) > {GRAPH_FIRST} FROM reach),
  'root', (SELECT json_build_object('id', {SQL_GLOBAL_ID.format(type="'User'", pk="u.id")},
                                    'name', u.name) FROM users u WHERE u.id = $1),
  'nodes', (SELECT coalesce(json_agg(json_build_object(
              'id', {SQL_GLOBAL_ID.format(type="'User'", pk="u.id")}, 'name', u.name,
              'title', u.title) ORDER BY s.n), '[]')
            FROM shown s JOIN users u ON u.id = s.user_id),
  'edges', (SELECT coalesce(json_agg(json_build_object(
              'status', CASE WHEN e.status = 'COMPLETED' THEN 'COMPLETED' ELSE 'ACTIVE' END,
              'since', e.responded_at,
              'until', CASE WHEN e.status = 'COMPLETED' THEN e.updated_at END,
              'mentor', json_build_object('id', e.mentor_id),
              'mentee', json_build_object('id', e.mentee_id)) ORDER BY e.id), '[]')
            FROM (SELECT * FROM mentorship_requests e WHERE e.status IN {SQL_EDGES}
                  AND e.mentor_id IN (SELECT user_id FROM shown)
                  AND e.mentee_id IN (SELECT user_id FROM shown) ORDER BY e.id LIMIT 1000) e)
)))::text""",
    bare_params=("id",),
    viewer=lambda s: [s.admin_id],
    bare_variables=lambda s: [{"id": i} for i in s.busy_mentor_ids],
)

RECOMMENDED = Shape(
    number=8,
    title="recommendedMentors: a mentee's 10 best mentors with the reasons and each profile",
    ours=Operation(
        query="query Recommended { viewer { recommendedMentors(first: 10) {"
        f" score reasons {{ kind points detail }} mentor {{ {PROFILE} }} }} }} }}",
        variables=lambda s: [{} for _ in s.mentee_ids],
    ),
    # The ranking is Python's (`mentorgraph.models.directory.recommendations`): neither PostGraphile
    # nor one hand-written statement answers the same.
    postgraphile=None,
    bare_sql=None,
    bare_params=(),
    viewer=lambda s: list[int | None](s.mentee_ids),
)

# A mutation with a rich payload: the mentor marks a request viewed (again: repeatable under
# load, the resolver checks and changes nothing) and reads back the request with both parties
# and its history with the actors' names. Its payload is read compiled after the write.
MUTATION_REQUEST = "id status viewedAt message"
MUTATION_PARTY = "id name title"
MUTATION_EVENT = "fromStatus toStatus occurredAt note"

RICH_PAYLOAD = Shape(
    number=9,
    title="a mutation with a rich payload: markMentorshipRequestViewed by the mentor, the"
    " request with mentee, mentor and its history with actors' names, userErrors",
    ours=Operation(
        query="mutation Viewed($id: ID!) { markMentorshipRequestViewed(input: {requestId: $id})"
        f" {{ request {{ {MUTATION_REQUEST} mentee {{ {MUTATION_PARTY} }}"
        f" mentor {{ {MUTATION_PARTY} }} history {{ {MUTATION_EVENT} actor {{ name }} }} }}"
        " userErrors { code field message } } }",
        variables=lambda s: [
            {"id": global_id("MentorshipRequest", r)} for r, _ in s.viewed_requests
        ],
    ),
    # PostGraphile's generated update mutation knows no transition rule: the custom mutation
    # of bench/sql/shapes.sql (`mark_mentorship_request_viewed`, the rule as a VOLATILE
    # function; the mentor's id an argument, as PostGraphile here has no tokens) and its
    # `userErrors`, always empty (graphile.config.mjs: it reports refusals as errors).
    postgraphile=Operation(
        query="mutation Viewed($id: Int!, $mentor: Int!) {"
        " markMentorshipRequestViewed(input: {requestId: $id, mentorId: $mentor}) {"
        f" request: result {{ {MUTATION_REQUEST}"
        f" mentee: userByMenteeId {{ {MUTATION_PARTY} }}"
        f" mentor: userByMentorId {{ {MUTATION_PARTY} }}"
        f" history: historyList {{ {MUTATION_EVENT} actor: userByActorId {{ name }} }} }}"
        " userErrors { code field message } } }",
        variables=lambda s: [{"id": r, "mentor": m} for r, m in s.viewed_requests],
    ),
    # The same rule and write as PostGraphile's (that function: the mentor only, the row locked,
    # NEW to VIEWED with its event, VIEWED unchanged) and the payload, in one statement. (Round
    # seven's bare statement was an UPDATE of NEW rows only: on the VIEWED requests the load
    # repeats it matched nothing, checked no rule and was no equivalent.)
    bare_sql=f"""
WITH r AS (SELECT * FROM mark_mentorship_request_viewed($1, $2))
SELECT json_build_object('data', json_build_object('markMentorshipRequestViewed',
  json_build_object('request', (SELECT json_build_object(
      'id', {SQL_GLOBAL_ID.format(type="'MentorshipRequest'", pk="r.id")},
      'status', r.status, 'viewedAt', r.viewed_at, 'message', r.message,
      'mentee', (SELECT json_build_object('id', {SQL_GLOBAL_ID.format(type="'User'", pk="e.id")},
        'name', e.name, 'title', e.title) FROM users e WHERE e.id = r.mentee_id),
      'mentor', (SELECT json_build_object('id', {SQL_GLOBAL_ID.format(type="'User'", pk="m.id")},
        'name', m.name, 'title', m.title) FROM users m WHERE m.id = r.mentor_id),
      'history', (SELECT coalesce(json_agg(json_build_object(
        'fromStatus', ev.from_status, 'toStatus', ev.to_status,
        'occurredAt', ev.occurred_at, 'note', ev.note,
        'actor', (SELECT json_build_object('name', a.name) FROM users a WHERE a.id = ev.actor_id))
        ORDER BY ev.id), '[]') FROM request_events ev
        WHERE ev.request_id = r.id AND ev.kind = 'STATUS_CHANGE'))
    FROM r),
  'userErrors', '[]'::json)))::text""",
    bare_params=("id", "mentor"),
    viewer=lambda s: [m for _, m in s.viewed_requests],
    bare_variables=lambda s: [{"id": r, "mentor": m} for r, m in s.viewed_requests],
)

SHAPES: dict[int, Shape] = {
    shape.number: shape
    for shape in (
        DIRECTORY,
        HEAVY_PAGE,
        MENTEE_OVERVIEW,
        SINGLE_MENTOR,
        MENTOR_OVERVIEW,
        CLIENT_DIRECTORY,
        MENTORSHIP_GRAPH,
        RECOMMENDED,
        RICH_PAYLOAD,
    )
}

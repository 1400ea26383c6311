"""Hand-written operations for the differential test, sent before the generated ones.

Whatever the random draw covers, these read every user's whole profile (with their latest
requests, their history and the users on them, counts per status, active partners) and every
mentor's responsiveness in each order, and the directory's facets, as each viewer;
and they keep the shapes that once told the two paths apart (a connection read for nothing but
its `__typename`, at zero, one and several rows).
"""

from __future__ import annotations

from devkit.query_inputs import Vocabulary
from tests.utils.query_gen import Operation

__all__ = ["fixed_operations"]

PROFILE = """fragment Profile on User {
  id name title bio avatarUrl country isMentor available capacity createdAt email tags
  spokenLanguages isFavorite channels { type handle }
  responsiveness { responseRate medianResponseHours lastActiveAt openRequests activeMentees }
}"""
COUNTS = "new viewed approved declined cancelled expired completed open total"
REQUEST = """fragment Request on MentorshipRequest {
  id status createdAt updatedAt viewedAt respondedAt message background expectation
  responseMessage declineReason menteeOpenRequestCount menteeActiveMentorshipCount
  mentor { id email channels { type handle } isFavorite }
  mentee { id email channels { type handle } }
  history { id cursor fromStatus toStatus occurredAt note actor { id email } }
}"""
LISTS = (
    "sentRequests(first: 3) { totalCount nodes { ...Request } pageInfo { hasNextPage endCursor } }"
    " receivedRequests(first: 3) { edges { cursor node { ...Request } } }"
    f" sentRequestCounts {{ {COUNTS} }} receivedRequestCounts {{ {COUNTS} }}"
    " activeMentors { id email channels { handle } } activeMentees { id name }"
)
# Fewer than the server's 30 aliases per document.
USERS_PER_OPERATION = 20
TYPENAME_ONLY = [
    "{ mentors(first: 0) { __typename } }",
    '{ mentors(filter: {search: "nomatchxyz"}) { __typename pageInfo { __typename } } }',
    '{ mentors(filter: {search: "zoë"}) { __typename } }',
    "{ mentors(first: 3) { pageInfo { __typename } } }",
    "{ mentors(first: 3) { __typename totalCount } }",
    "{ viewer { sentRequests { __typename } receivedRequests { pageInfo { __typename } } } }",
    "{ viewer { sentRequests(first: 0) { __typename } } }",
]

FACET_QUERIES = [
    "{ mentorFacets { tags { value count } countries { value count }"
    " spokenLanguages { value count } } }",
    '{ mentorFacets(filter: {availableOnly: false, search: "data"}) { tags { value count } } }',
    '{ mentorFacets(filter: {tags: ["python"], country: "DE"}) { spokenLanguages { count } } }',
]


def _profiles(user_ids: list[str]) -> Operation:
    roots = " ".join(
        f'u{n}: node(id: "{gid}") {{ ... on User {{ ...Profile {LISTS} }} }}'
        for n, gid in enumerate(user_ids)
    )
    return Operation(f"{{ {roots} }}\n{PROFILE}\n{REQUEST}", {}, expect_fast=True)


def fixed_operations(vocabulary: Vocabulary) -> list[Operation]:
    ids = list(vocabulary.user_ids)
    operations = [
        _profiles(ids[start : start + USERS_PER_OPERATION])
        for start in range(0, len(ids), USERS_PER_OPERATION)
    ]
    for order in ("NEWEST", "NAME", "RESPONSIVENESS"):
        query = (
            f"{{ mentors(first: 100, filter: {{availableOnly: false}}, orderBy: {order})"
            f" {{ totalCount edges {{ cursor node {{ ...Profile }} }} }} }}\n{PROFILE}"
        )
        operations.append(Operation(query, {}, expect_fast=True))
    operations += [Operation(query, {}, expect_fast=True) for query in TYPENAME_ONLY]
    operations += [Operation(query, {}, expect_fast=True) for query in FACET_QUERIES]
    return operations

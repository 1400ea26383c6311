"""The lifecycle mutations as test helpers: one document per operation, run as a given user."""

from __future__ import annotations

from typing import Any

from devkit.factories import TEXT
from mentorgraph.models.accounts.users import User
from mentorgraph.resolvers.ids import encode_global_id
from tests.utils.client import GraphQLClient, GraphQLResponse

ERRORS = "userErrors { code field message }"
REQUEST = "request { id status viewedAt respondedAt declineReason responseMessage }"

# operation -> (mutation field, the input's fields besides the request id)
OPERATIONS: dict[str, tuple[str, str]] = {
    "markViewed": ("markMentorshipRequestViewed", ""),
    "approve": ("approveMentorshipRequest", 'message: "Welcome aboard."'),
    "decline": ("declineMentorshipRequest", 'reason: NOT_A_GOOD_FIT, message: "Sorry."'),
    "cancel": ("cancelMentorshipRequest", 'reason: "I found help elsewhere."'),
    "complete": ("completeMentorship", 'note: "Thank you!"'),
}

CREATE = f"""
mutation($mentorId: ID!, $message: String!, $background: String!, $expectation: String!) {{
  createMentorshipRequest(input: {{mentorId: $mentorId, message: $message,
                                   background: $background, expectation: $expectation}}) {{
    {REQUEST} {ERRORS}
  }}
}}"""

CANCEL_OTHERS = f"""
mutation($id: ID!) {{
  cancelOtherMentorshipRequests(input: {{keepRequestId: $id}}) {{
    requests {{ id status }} {ERRORS}
  }}
}}"""


def request_gid(request_id: int) -> str:
    return encode_global_id("MentorshipRequest", request_id)


def user_gid(user_id: int) -> str:
    return encode_global_id("User", user_id)


def document(operation: str) -> str:
    field, extra = OPERATIONS[operation]
    arguments = f"requestId: $id, {extra}" if extra else "requestId: $id"
    return f"mutation($id: ID!) {{ {field}(input: {{{arguments}}}) {{ {REQUEST} {ERRORS} }} }}"


async def act(
    client: GraphQLClient, operation: str, request_id: int, as_user: User | None
) -> GraphQLResponse:
    return await client.execute(
        document(operation), {"id": request_gid(request_id)}, as_user=as_user
    )


def result_of(response: GraphQLResponse, operation: str) -> dict[str, Any]:
    """The payload of a lifecycle mutation (asserts there was no top-level error)."""
    return response.data[OPERATIONS[operation][0]]  # type: ignore[no-any-return]


def codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


async def create(
    client: GraphQLClient, mentee: User, mentor_id: int, **texts: str
) -> dict[str, Any]:
    variables = {
        "mentorId": user_gid(mentor_id),
        "message": texts.get("message", TEXT),
        "background": texts.get("background", TEXT),
        "expectation": texts.get("expectation", TEXT),
    }
    response = await client.execute(CREATE, variables, as_user=mentee)
    return response.data["createMentorshipRequest"]  # type: ignore[no-any-return]

"""A GraphQL client over real HTTP (httpx) that speaks as a given user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from mentorgraph.media_types import GRAPHQL_RESPONSE_JSON
from mentorgraph.models.accounts.users import User
from mentorgraph.security import TokenService


@dataclass
class GraphQLResponse:
    status: int
    body: dict[str, Any]
    # The body as it came over the wire (for comparisons that parsing would blur).
    raw: bytes = field(default=b"", repr=False)

    @property
    def data(self) -> Any:
        assert "errors" not in self.body, self.body
        return self.body["data"]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    @property
    def error_codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient, tokens: TokenService) -> None:
        self.http = http
        self.tokens = tokens

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_user: User | None = None,
        token: str | None = None,
    ) -> GraphQLResponse:
        # As Apollo Client 4, urql and GraphiQL ask: the spec's status codes (a document that
        # cannot run is 400). `application/json`-only clients: tests/api/test_http_media_types.py.
        headers = {"Accept": f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9"}
        if as_user is not None:
            token = self.tokens.issue(as_user)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        return GraphQLResponse(response.status_code, response.json(), response.content)

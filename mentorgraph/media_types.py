"""Which media type `/graphql` answers in, from the request's `Accept` (GraphQL over HTTP).

- `application/graphql-response+json` when the client accepts it at least as much as
  `application/json` (Apollo Client 4, urql, GraphiQL and graphql-http send it first). Its status
  codes carry meaning: a request that cannot run (the document does not parse or validate, no
  operation to run, variables that do not coerce) is 400 without `data`; field errors are 200
  with `data` and `errors`.
- `application/json` otherwise: no `Accept`, `*/*`, `application/json`, or nothing we serve
  (answered in JSON rather than 406: every client reads it). The spec's legacy rules: a
  well-formed request is answered 200 even when its document has errors, which then travel in
  `errors` (clients of this type read the body only on 200).
Both: a body that is no GraphQL request at all (not JSON, no `query`) is 400, non-JSON POSTs 415,
a bad token 401, a mutation over GET 405, an outage 503.
"""

from __future__ import annotations

import functools

__all__ = ["GRAPHQL_RESPONSE_JSON", "JSON", "negotiate", "request_error_status"]

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

# Specificity of a media range matching one of our types: exact beats type/* beats */*.
_EXACT, _SUBTYPE_WILDCARD, _ANY = 3, 2, 1


def _ranges(accept: str) -> list[tuple[str, float]]:
    """`Accept`'s media ranges (lowercase, parameters other than q dropped) with their q."""
    ranges = []
    for item in accept.split(","):
        media_range, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_range:
            ranges.append((media_range.lower(), quality))
    return ranges


def _preference(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching `media_type` ((0, 0): none)."""
    kind = media_type.split("/", 1)[0]
    best = (0.0, 0)
    for media_range, quality in ranges:
        if media_range == media_type:
            specificity = _EXACT
        elif media_range == f"{kind}/*":
            specificity = _SUBTYPE_WILDCARD
        elif media_range == "*/*":
            specificity = _ANY
        else:
            continue
        if specificity > best[1]:
            best = (quality, specificity)
    return best


@functools.lru_cache(maxsize=256)
def negotiate(accept: str | None) -> str:
    """The media type to answer a request with this `Accept` header in (remembered: a client
    sends the same header with every request)."""
    if not accept:
        return JSON
    ranges = _ranges(accept)
    graphql_q, graphql_specificity = _preference(GRAPHQL_RESPONSE_JSON, ranges)
    json_q, _ = _preference(JSON, ranges)
    # Only a client that names the new type gets it: `*/*` and `application/*` keep JSON.
    if graphql_specificity == _EXACT and graphql_q > 0 and graphql_q >= json_q:
        return GRAPHQL_RESPONSE_JSON
    return JSON


def request_error_status(media_type: str) -> int:
    """The status of a well-formed request whose GraphQL document cannot run."""
    return 400 if media_type == GRAPHQL_RESPONSE_JSON else 200

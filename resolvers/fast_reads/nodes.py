"""The node types `node`/`nodes` reach besides `User` and `MentorshipRequest`: a `RequestEvent`
by id (its fields are declared in `requests.py`, over (event row, request row))."""

from __future__ import annotations

from graphql import GraphQLObjectType

from mentorgraph.models.policies import REQUEST
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.fields import object_sql
from mentorgraph.resolvers.fast_reads.selection import Selected

__all__ = ["one_event"]

REQUESTS = MentorshipRequest._meta.db_table
EVENTS = RequestEvent._meta.db_table


def one_event(
    build: Build, selected: Selected, id_sql: str, runtime: GraphQLObjectType | None = None
) -> str:
    """The event whose id is `id_sql` if the viewer may see its request
    (`mentorgraph.resolvers.requests.requests_read.visible_event`), or null."""
    e, r = build.alias("e"), build.alias("r")
    event = object_sql(build, selected, (e, r), runtime)
    return (
        f"(SELECT {event} FROM {EVENTS} {e} JOIN {REQUESTS} {r} ON {r}.id = {e}.request_id"
        f" WHERE {e}.id = {id_sql} AND {REQUEST.sql(build.viewer, r)})"
    )

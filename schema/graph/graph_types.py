"""`Mentorship` (an edge of the graph), `MentorshipGraph` and their enums."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from mentorgraph.models.graph.graph import MentorshipRole as RoleEnum
from mentorgraph.models.graph.graph import MentorshipStatus as MentorshipStatusEnum
from mentorgraph.models.graph.graph import edge_since, edge_until
from mentorgraph.models.requests.requests import MentorshipRequest as RequestModel
from mentorgraph.models.requests.requests import RequestStatus as RequestStatusModel
from mentorgraph.resolvers.graph.graph import Graph
from mentorgraph.resolvers.requests import requests_read
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import described_enum
from mentorgraph.schema.resolver_fields import field_resolver

if TYPE_CHECKING:
    from mentorgraph.schema.accounts.user_types import User
    from mentorgraph.schema.requests.request_types import MentorshipRequest

__all__ = ["Mentorship", "MentorshipGraph", "MentorshipRole", "MentorshipStatus"]

MentorshipRole = described_enum(
    RoleEnum,
    name="MentorshipRole",
    description="A user's side of a mentorship.",
    values={"MENTOR": "The user mentors.", "MENTEE": "The user is mentored."},
)
MentorshipStatus = described_enum(
    MentorshipStatusEnum,
    name="MentorshipStatus",
    description="Whether a mentorship is under way or over.",
    values={
        "ACTIVE": "Under way: the request is APPROVED.",
        "COMPLETED": "Over: the request is COMPLETED.",
    },
)

UserRef = Annotated["User", strawberry.lazy("mentorgraph.schema.accounts.user_types")]
RequestRef = Annotated[
    "MentorshipRequest", strawberry.lazy("mentorgraph.schema.requests.request_types")
]


@strawberry.type(
    description="An edge mentor -> mentee: one APPROVED or COMPLETED request. Visible to its"
    " mentor, its mentee and admins, like the request."
)
class Mentorship:
    # As on MentorshipRequest: the user at once when the graph already loaded them.
    @field_resolver(description="Who mentors.")
    def mentor(self, root: strawberry.Parent[RequestModel], info: Info) -> UserRef:
        return requests_read.user_now(info.context, root.mentor_id)  # type: ignore[return-value]

    @field_resolver(description="Who is mentored.")
    def mentee(self, root: strawberry.Parent[RequestModel], info: Info) -> UserRef:
        return requests_read.user_now(info.context, root.mentee_id)  # type: ignore[return-value]

    @field_resolver(description="Under way or over.")
    def status(self, root: strawberry.Parent[RequestModel]) -> MentorshipStatus:  # type: ignore[valid-type]
        if root.status == RequestStatusModel.COMPLETED:
            return MentorshipStatusEnum.COMPLETED
        return MentorshipStatusEnum.ACTIVE

    @field_resolver(description="When the mentor approved the request.")
    def since(self, root: strawberry.Parent[RequestModel]) -> datetime | None:
        return edge_since(root)

    @field_resolver(description="When the mentorship was completed; null while active.")
    def until(self, root: strawberry.Parent[RequestModel]) -> datetime | None:
        return edge_until(root)

    @field_resolver(description="The request behind this mentorship.")
    def request(self, root: strawberry.Parent[RequestModel]) -> RequestRef:
        return root  # type: ignore[return-value]


@strawberry.type(
    description="People and mentorships around a user, for drawing a network. Built only from"
    " the mentorships the viewer may see (their own; every one for admins), so a stranger gets"
    " the root alone; everyone sees the public aggregates on each `User`."
)
class MentorshipGraph:
    _graph: strawberry.Private[Graph]

    @field_resolver(description="The user the graph was asked around (`rootId`).")
    def root(self) -> UserRef:
        return self._graph.root  # type: ignore[return-value]

    @field_resolver(description="The root first, then nearest first, then by id.")
    def nodes(self) -> list[UserRef]:
        return self._graph.nodes  # type: ignore[return-value]

    @field_resolver(description="The visible mentorships between the nodes, oldest first.")
    def edges(self) -> list[Mentorship]:
        return self._graph.edges  # type: ignore[return-value]

    @field_resolver(description="Whether more people were within reach than `first`.")
    def truncated(self) -> bool:
        return self._graph.truncated

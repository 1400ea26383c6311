"""The mentorship graph's fields of `User` (mixed into `User`, to keep the feature together)."""

from __future__ import annotations

import strawberry

from models.users import User as UserModel
from resolvers import graph
from resolvers.pagination import DEFAULT_PAGE_SIZE
from schema.context import Info
from schema.pagination import Connection, connection
from schema.types.graph import Mentorship, MentorshipRole, MentorshipStatus

__all__ = ["UserGraphFields"]


@strawberry.type
class UserGraphFields:
    @strawberry.field(
        description="This user's mentorships as mentor or mentee (either when `role` is not"
        " given), newest first. Holds only those the viewer may see: all for the user and"
        " admins, the ones shared with the viewer for anyone else."
    )
    async def mentorships(
        self,
        root: strawberry.Parent[UserModel],
        info: Info,
        role: MentorshipRole | None = None,  # type: ignore[valid-type]
        status: list[MentorshipStatus] | None = None,  # type: ignore[valid-type]
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[Mentorship]:
        page = await graph.mentorships(
            info.context, root, role=role, statuses=status, first=first, after=after
        )
        return connection(page)

    @strawberry.field(description="Distinct mentees this mentor has taken on (public).")
    async def mentored_count(self, root: strawberry.Parent[UserModel], info: Info) -> int | None:
        lineage = await graph.lineage_of(info.context, root)
        return lineage.mentored_count if lineage else None

    @strawberry.field(
        description="Distinct people mentored by this mentor's former mentees, and by theirs"
        " (three steps), the mentor excluded (public)."
    )
    async def lineage_size(self, root: strawberry.Parent[UserModel], info: Info) -> int | None:
        lineage = await graph.lineage_of(info.context, root)
        return lineage.lineage_size if lineage else None

    @strawberry.field(description="Whether this mentor was once a mentee here (public).")
    async def was_mentee_here(self, root: strawberry.Parent[UserModel], info: Info) -> bool | None:
        lineage = await graph.lineage_of(info.context, root)
        return lineage.was_mentee_here if lineage else None

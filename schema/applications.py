"""Becoming a mentor: `applyToMentor`, admin `reviewMentorApplication`, `mentorApplications`."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from models.applications import ApplicationStatus as ApplicationStatusEnum
from models.applications import MentorApplication as ApplicationModel
from resolvers import applications
from resolvers.ids import encode_global_id
from resolvers.pagination import Slice
from resolvers.requests_read import user_of
from schema.context import Info
from schema.errors import UserError, payload
from schema.node import Node
from schema.pagination import After, Before, Connection, First, Last, connection
from schema.types.user import User

__all__ = ["ApplicationMutation", "ApplicationQuery", "MentorApplication"]

ApplicationStatus = strawberry.enum(ApplicationStatusEnum, name="ApplicationStatus")


@strawberry.enum
class ApplicationDecision(Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


@strawberry.type(description="A member's application to mentor. Visible to them and admins.")
class MentorApplication(Node):
    motivation: str
    status: ApplicationStatus  # type: ignore[valid-type]
    decision_reason: str | None
    created_at: datetime
    decided_at: datetime | None

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, cls | ApplicationModel)

    @strawberry.field  # type: ignore[misc]
    def id(self, root: strawberry.Parent[ApplicationModel]) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(encode_global_id("MentorApplication", root.id))

    @strawberry.field
    async def applicant(self, root: strawberry.Parent[ApplicationModel], info: Info) -> User:
        return await user_of(info.context, root.user_id)  # type: ignore[return-value]


@strawberry.input
class ApplyToMentorInput:
    motivation: str = strawberry.field(description="Why you want to mentor (30-2000 characters).")


@strawberry.type
class ApplyToMentorPayload:
    application: MentorApplication | None
    user_errors: list[UserError]


@strawberry.input
class ReviewMentorApplicationInput:
    application_id: strawberry.ID
    decision: ApplicationDecision
    reason: str | None = strawberry.field(default=None, description="Required to reject.")


@strawberry.type
class ReviewMentorApplicationPayload:
    application: MentorApplication | None
    user_errors: list[UserError]


@strawberry.type
class ApplicationQuery:
    @strawberry.field(description="Admins: applications to mentor, oldest first.")
    async def mentor_applications(
        self,
        info: Info,
        status: ApplicationStatus | None = None,  # type: ignore[valid-type]
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[MentorApplication]:
        page = await applications.list_for_admin(
            info.context, status, Slice.of(first, after, last, before)
        )
        return connection(page)


@strawberry.type
class ApplicationMutation:
    @strawberry.mutation
    async def apply_to_mentor(self, info: Info, input: ApplyToMentorInput) -> ApplyToMentorPayload:
        work = applications.apply(info.context, input.motivation)
        return await payload(ApplyToMentorPayload, work, "application")

    @strawberry.mutation(description="Admins: approve (the user becomes a mentor) or reject.")
    async def review_mentor_application(
        self, info: Info, input: ReviewMentorApplicationInput
    ) -> ReviewMentorApplicationPayload:
        work = applications.review(
            info.context,
            input.application_id,
            approve=ApplicationDecision(input.decision) is ApplicationDecision.APPROVE,
            reason=input.reason,
        )
        return await payload(ReviewMentorApplicationPayload, work, "application")

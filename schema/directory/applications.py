"""Becoming a mentor: `applyToMentor`, admin `reviewMentorApplication`, `mentorApplications`."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from mentorgraph.models.directory.application_records import (
    ApplicationStatus as ApplicationStatusEnum,
)
from mentorgraph.models.directory.application_records import MentorApplication as ApplicationModel
from mentorgraph.models.directory.mentor_applications import MAX_MOTIVATION, MIN_MOTIVATION
from mentorgraph.resolvers.directory import applications
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.resolvers.pagination import Slice
from mentorgraph.resolvers.requests.requests_read import user_of
from mentorgraph.schema.accounts.user_types import User
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import INPUT, described_enum
from mentorgraph.schema.errors import UserError, payload, user_errors_field
from mentorgraph.schema.node_interface import Node
from mentorgraph.schema.pagination import After, Before, Connection, First, Last, connection
from mentorgraph.schema.resolver_fields import field_resolver, mutation

__all__ = ["ApplicationMutation", "ApplicationQuery", "MentorApplication"]

ApplicationStatus = described_enum(
    ApplicationStatusEnum,
    name="ApplicationStatus",
    description="Where an application to mentor stands.",
    values={
        "PENDING": "Waiting for an admin's review.",
        "APPROVED": "Accepted: the applicant is a mentor.",
        "REJECTED": "Declined, with a reason (`decisionReason`).",
    },
)


@strawberry.enum(description="An admin's verdict on an application.")
class ApplicationDecision(Enum):
    APPROVE = strawberry.enum_value("APPROVE", description="Make the applicant a mentor.")
    REJECT = strawberry.enum_value("REJECT", description="Decline; give a `reason`.")


@strawberry.type(description="A member's application to mentor. Visible to them and admins.")
class MentorApplication(Node):
    motivation: str = strawberry.field(description="Why the applicant wants to mentor.")
    status: ApplicationStatus = strawberry.field(  # type: ignore[valid-type]
        description="Where the application stands."
    )
    decision_reason: str | None = strawberry.field(
        description="The admin's reason for a rejection; null otherwise."
    )
    created_at: datetime = strawberry.field(description="When it was sent.")
    decided_at: datetime | None = strawberry.field(
        description="When an admin decided; null while PENDING."
    )

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, cls | ApplicationModel)

    @field_resolver(description="Global id (for `node`).")
    def id(self, root: strawberry.Parent[ApplicationModel]) -> strawberry.ID:
        return strawberry.ID(encode_global_id("MentorApplication", root.id))

    @field_resolver(description="Who applied.")
    async def applicant(self, root: strawberry.Parent[ApplicationModel], info: Info) -> User:
        return await user_of(info.context, root.user_id)  # type: ignore[return-value]


@strawberry.input(description="An application to become a mentor.")
class ApplyToMentorInput:
    motivation: str = strawberry.field(
        description=f"Why you want to mentor ({MIN_MOTIVATION}-{MAX_MOTIVATION} characters)."
    )


@strawberry.type(description="The result of `applyToMentor`.")
class ApplyToMentorPayload:
    application: MentorApplication | None = strawberry.field(
        description="The PENDING application; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="An admin's decision on a PENDING application.")
class ReviewMentorApplicationInput:
    application_id: strawberry.ID = strawberry.field(
        description="The `id` of the MentorApplication."
    )
    decision: ApplicationDecision = strawberry.field(description="Approve or reject.")
    reason: str | None = strawberry.field(default=None, description="Required to reject.")


@strawberry.type(description="The result of `reviewMentorApplication`.")
class ReviewMentorApplicationPayload:
    application: MentorApplication | None = strawberry.field(
        description="The application as decided; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type
class ApplicationQuery:
    @field_resolver(description="Admins: applications to mentor, oldest first.")
    async def mentor_applications(
        self,
        info: Info,
        status: Annotated[
            ApplicationStatus | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only applications in this status (default: all)."),
        ] = None,
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
    @mutation(
        description="Members: ask to become a mentor. Your profile needs a title, bio, tags and"
        " a channel first; one application may wait at a time."
    )
    async def apply_to_mentor(
        self, info: Info, input: Annotated[ApplyToMentorInput, INPUT]
    ) -> ApplyToMentorPayload:
        work = applications.apply(info.context, input.motivation)
        return await payload(ApplyToMentorPayload, work, "application")

    @mutation(description="Admins: approve (the user becomes a mentor) or reject.")
    async def review_mentor_application(
        self, info: Info, input: Annotated[ReviewMentorApplicationInput, INPUT]
    ) -> ReviewMentorApplicationPayload:
        work = applications.review(
            info.context,
            input.application_id,
            approve=ApplicationDecision(input.decision) is ApplicationDecision.APPROVE,
            reason=input.reason,
        )
        return await payload(ReviewMentorApplicationPayload, work, "application")

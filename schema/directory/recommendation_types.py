"""`MentorRecommendation` and the reasons behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from mentorgraph.models.directory.recommendations import Reason as ReasonModel
from mentorgraph.models.directory.recommendations import ReasonKind as ReasonKindEnum
from mentorgraph.models.directory.recommendations import Recommendation as RecommendationModel
from mentorgraph.resolvers.requests import requests_read
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import described_enum
from mentorgraph.schema.resolver_fields import field_resolver

if TYPE_CHECKING:
    from mentorgraph.schema.accounts.user_types import User

__all__ = ["MentorRecommendation", "RecommendationReason", "RecommendationReasonKind"]

RecommendationReasonKind = described_enum(
    ReasonKindEnum,
    name="RecommendationReasonKind",
    description="What a recommendation's points are for.",
    values={
        "TAGS": "Shared interests (tags).",
        "LANGUAGES": "Shared spoken languages.",
        "COUNTRY": "The same country.",
        "RESPONSIVENESS": "Answers requests reliably.",
        "NETWORK": "Mentored members with interests like yours.",
    },
)


@strawberry.type(description="One part of a recommendation's score.")
class RecommendationReason:
    kind: RecommendationReasonKind = strawberry.field(  # type: ignore[valid-type]
        description="What the points are for."
    )
    points: float = strawberry.field(description="What this reason adds to the score.")
    detail: str = strawberry.field(description="In words, for the member.")

    @classmethod
    def is_type_of(cls, obj: object, _info: object) -> bool:
        return isinstance(obj, cls | ReasonModel)


@strawberry.type(description="A mentor suggested to the viewer, with why.")
class MentorRecommendation:
    score: float = strawberry.field(description="The sum of the reasons' points.")
    reasons: list[RecommendationReason] = strawberry.field(
        description="Why, strongest reason first."
    )

    @field_resolver(description="The mentor recommended.")
    async def mentor(
        self, root: strawberry.Parent[RecommendationModel], info: Info
    ) -> Annotated[User, strawberry.lazy("mentorgraph.schema.accounts.user_types")]:
        return await requests_read.user_of(info.context, root.mentor_id)  # type: ignore[return-value]

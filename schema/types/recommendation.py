"""`MentorRecommendation` and the reasons behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from models.recommendations import Reason as ReasonModel
from models.recommendations import ReasonKind as ReasonKindEnum
from models.recommendations import Recommendation as RecommendationModel
from resolvers import requests_read
from schema.context import Info

if TYPE_CHECKING:
    from schema.types.user import User

__all__ = ["MentorRecommendation", "RecommendationReason", "RecommendationReasonKind"]

RecommendationReasonKind = strawberry.enum(
    ReasonKindEnum,
    name="RecommendationReasonKind",
    description="TAGS: shared interests. LANGUAGES: shared spoken languages. COUNTRY: the"
    " same country. RESPONSIVENESS: answers requests reliably. NETWORK: mentored members"
    " with interests like yours.",
)


@strawberry.type(description="One part of a recommendation's score.")
class RecommendationReason:
    kind: RecommendationReasonKind  # type: ignore[valid-type]
    points: float
    detail: str = strawberry.field(description="In words, for the member.")

    @classmethod
    def is_type_of(cls, obj: object, _info: object) -> bool:
        return isinstance(obj, cls | ReasonModel)


@strawberry.type(description="A mentor suggested to the viewer, with why.")
class MentorRecommendation:
    score: float = strawberry.field(description="The sum of the reasons' points.")
    reasons: list[RecommendationReason]

    @strawberry.field
    async def mentor(
        self, root: strawberry.Parent[RecommendationModel], info: Info
    ) -> Annotated[User, strawberry.lazy("schema.types.user")]:
        return await requests_read.user_of(info.context, root.mentor_id)  # type: ignore[return-value]

"""`addFavoriteMentor` and `removeFavoriteMentor` (the list itself is `User.favoriteMentors`)."""

from __future__ import annotations

import strawberry

from resolvers import favorites
from schema.context import Info
from schema.errors import UserError, payload
from schema.types.user import User

__all__ = ["FavoriteMutation"]


@strawberry.input
class AddFavoriteMentorInput:
    mentor_id: strawberry.ID


@strawberry.type
class AddFavoriteMentorPayload:
    user: User | None = strawberry.field(description="The mentor.")
    user_errors: list[UserError]


@strawberry.input
class RemoveFavoriteMentorInput:
    mentor_id: strawberry.ID


@strawberry.type
class RemoveFavoriteMentorPayload:
    user: User | None = strawberry.field(description="The mentor.")
    user_errors: list[UserError]


@strawberry.type
class FavoriteMutation:
    @strawberry.mutation(description="Keep a mentor among your favourites; again changes nothing.")
    async def add_favorite_mentor(
        self, info: Info, input: AddFavoriteMentorInput
    ) -> AddFavoriteMentorPayload:
        work = favorites.add_favorite(info.context, input.mentor_id)
        return await payload(AddFavoriteMentorPayload, work, "user")

    @strawberry.mutation(description="Drop a mentor from your favourites; absent is fine.")
    async def remove_favorite_mentor(
        self, info: Info, input: RemoveFavoriteMentorInput
    ) -> RemoveFavoriteMentorPayload:
        work = favorites.remove_favorite(info.context, input.mentor_id)
        return await payload(RemoveFavoriteMentorPayload, work, "user")

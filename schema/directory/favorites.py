"""`addFavoriteMentor` and `removeFavoriteMentor` (the list itself is `User.favoriteMentors`)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from mentorgraph.resolvers.directory import favorites
from mentorgraph.schema.accounts.user_types import User
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import INPUT
from mentorgraph.schema.errors import UserError, payload, user_errors_field
from mentorgraph.schema.resolver_fields import mutation

__all__ = ["FavoriteMutation"]


@strawberry.input(description="The mentor to keep.")
class AddFavoriteMentorInput:
    mentor_id: strawberry.ID = strawberry.field(description="A mentor's User id.")


@strawberry.type(description="The result of `addFavoriteMentor`.")
class AddFavoriteMentorPayload:
    user: User | None = strawberry.field(
        description="The mentor (`isFavorite` as now); null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="The mentor to drop.")
class RemoveFavoriteMentorInput:
    mentor_id: strawberry.ID = strawberry.field(description="A mentor's User id.")


@strawberry.type(description="The result of `removeFavoriteMentor`.")
class RemoveFavoriteMentorPayload:
    user: User | None = strawberry.field(
        description="The mentor (`isFavorite` as now); null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type
class FavoriteMutation:
    @mutation(description="Keep a mentor among your favourites; again changes nothing.")
    async def add_favorite_mentor(
        self, info: Info, input: Annotated[AddFavoriteMentorInput, INPUT]
    ) -> AddFavoriteMentorPayload:
        work = favorites.add_favorite(info.context, input.mentor_id)
        return await payload(AddFavoriteMentorPayload, work, "user")

    @mutation(description="Drop a mentor from your favourites; absent is fine.")
    async def remove_favorite_mentor(
        self, info: Info, input: Annotated[RemoveFavoriteMentorInput, INPUT]
    ) -> RemoveFavoriteMentorPayload:
        work = favorites.remove_favorite(info.context, input.mentor_id)
        return await payload(RemoveFavoriteMentorPayload, work, "user")

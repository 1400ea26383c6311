"""The mentor directory: `mentors(filter, orderBy, first, after)` and `mentorFacets(filter)`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from mentorgraph.models.accounts.users import User as UserRow
from mentorgraph.models.accounts.validation import MAX_TAGS
from mentorgraph.models.directory.directory import FACET_LIMITS, MAX_SEARCH_LENGTH, FacetKind
from mentorgraph.models.directory.directory import MentorFilter as CleanFilter
from mentorgraph.models.directory.directory import MentorOrder as MentorOrderEnum
from mentorgraph.resolvers.accounts import users
from mentorgraph.resolvers.directory import directory
from mentorgraph.resolvers.pagination import Slice
from mentorgraph.schema.accounts.user_types import User
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import described_enum
from mentorgraph.schema.pagination import After, Before, Connection, First, Last, connection
from mentorgraph.schema.resolver_fields import field_resolver
from mentorgraph.schema.selection import item_fields

__all__ = ["DirectoryQuery", "FacetCount", "MentorFacets", "MentorFilter", "MentorOrder"]

MentorOrder = described_enum(
    MentorOrderEnum,
    name="MentorOrder",
    description="The order of the mentor directory.",
    values={
        "NEWEST": "Most recently joined first.",
        "NAME": "Alphabetically by name.",
        "RESPONSIVENESS": "Highest response rate first (mentors without a record yet last).",
    },
)


FILTER = strawberry.argument(description="Which mentors (default: every available mentor).")


@strawberry.input(description="Which mentors to list; every part given must match.")
class MentorFilter:
    search: str | None = strawberry.field(
        default=None,
        description="Words that must each occur in the name, title or bio (any case); at"
        f" most {MAX_SEARCH_LENGTH} characters.",
    )
    tags: list[str] | None = strawberry.field(
        default=None, description=f"Mentors with all of these tags (at most {MAX_TAGS})."
    )
    country: str | None = strawberry.field(
        default=None, description="Mentors in this country: ISO 3166-1 alpha-2 (like DE)."
    )
    spoken_language: str | None = strawberry.field(
        default=None, description="Mentors who speak this language: ISO 639-1 (like en)."
    )
    available_only: bool = strawberry.field(
        default=True, description="Only mentors who accept new requests."
    )
    with_room: bool = strawberry.field(
        default=False,
        description="Only mentors a mentee can ask now: available, with an open slot (`hasRoom`).",
    )


def _clean(mentor_filter: MentorFilter | None) -> CleanFilter:
    given = mentor_filter or MentorFilter()
    return directory.clean_filter(
        search=given.search,
        tags=given.tags,
        country=given.country,
        spoken_language=given.spoken_language,
        available_only=given.available_only,
        with_room=given.with_room,
    )


@strawberry.type(description="How many matching mentors have a given tag, country or language.")
class FacetCount:
    value: str = strawberry.field(description="The tag, country or language code.")
    count: int = strawberry.field(description="How many matching mentors have it.")


@strawberry.type(description="Counts of matching mentors per value, most frequent first.")
class MentorFacets:
    _filter: strawberry.Private[CleanFilter]
    # Who asks: the counts leave out anyone with a block between them and the viewer.
    _viewer: strawberry.Private[UserRow | None]

    # Each list is one GROUP BY statement, run only when asked for.
    @field_resolver(description=f"The {FACET_LIMITS[FacetKind.TAGS]} most frequent tags.")
    async def tags(self) -> list[FacetCount]:
        return await directory.facet(self._filter, FacetKind.TAGS, self._viewer)  # type: ignore[return-value]

    @field_resolver(
        description=f"Countries (ISO 3166-1 alpha-2), at most {FACET_LIMITS[FacetKind.COUNTRIES]}."
    )
    async def countries(self) -> list[FacetCount]:
        return await directory.facet(self._filter, FacetKind.COUNTRIES, self._viewer)  # type: ignore[return-value]

    @field_resolver(
        description=f"Languages (ISO 639-1), at most {FACET_LIMITS[FacetKind.LANGUAGES]}."
    )
    async def spoken_languages(self) -> list[FacetCount]:
        return await directory.facet(self._filter, FacetKind.LANGUAGES, self._viewer)  # type: ignore[return-value]


@strawberry.type
class DirectoryQuery:
    @field_resolver(description="The mentor directory, for everyone, anonymous included.")
    async def mentors(
        self,
        info: Info,
        filter: Annotated[MentorFilter | None, FILTER] = None,
        order_by: Annotated[
            MentorOrder | None, strawberry.argument(description="The order (default NEWEST).")  # type: ignore[valid-type]
        ] = MentorOrderEnum.NEWEST,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[User]:
        order = order_by or MentorOrderEnum.NEWEST
        page = await directory.mentors(
            _clean(filter), order, Slice.of(first, after, last, before), info.context.viewer
        )
        await users.preload(info.context, page.items, item_fields(info))
        return connection(page)

    @field_resolver(description="How many mentors matching the filter have each value.")
    def mentor_facets(
        self, info: Info, filter: Annotated[MentorFilter | None, FILTER] = None
    ) -> MentorFacets:
        return MentorFacets(_filter=_clean(filter), _viewer=info.context.viewer)

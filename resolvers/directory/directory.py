"""`mentors` and `mentorFacets`: the directory, read by anyone, anonymous included."""

from __future__ import annotations

from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory import directory
from mentorgraph.models.directory.directory import FacetCount, FacetKind, MentorFilter, MentorOrder
from mentorgraph.models.errors import RuleViolation
from mentorgraph.models.safety.block_visibility import viewer_sql
from mentorgraph.resolvers.errors import BadUserInput
from mentorgraph.resolvers.pagination import Page, Slice, keyset_page

__all__ = ["clean_filter", "facet", "mentors"]


def clean_filter(
    *,
    search: str | None = None,
    tags: list[str] | None = None,
    country: str | None = None,
    spoken_language: str | None = None,
    available_only: bool = True,
    with_room: bool = False,
) -> MentorFilter:
    """The client's filter, checked; a bad value is the client's fault (BAD_USER_INPUT)."""
    try:
        return directory.clean_filter(
            search=search,
            tags=tags,
            country=country,
            spoken_language=spoken_language,
            available_only=available_only,
            with_room=with_room,
        )
    except RuleViolation as bad:
        field = ".".join(["filter", *(bad.field or [])])
        raise BadUserInput(bad.message, field=field) from None


async def mentors(
    mentor_filter: MentorFilter, order_by: MentorOrder, page: Slice, viewer: User | None
) -> Page[User]:
    """The page of mentors `viewer` may list (none with a block between them)."""
    matching = directory.matching_mentors(mentor_filter, viewer_sql(viewer))
    return await keyset_page(matching, directory.ORDER_KEYS[order_by], page)


async def facet(
    mentor_filter: MentorFilter, kind: FacetKind, viewer: User | None
) -> list[FacetCount]:
    return await directory.facet_counts(mentor_filter, kind, viewer_sql(viewer))

"""The mentor directory: which mentors match a filter, in which order, and how many per facet.

Every filter is served by an index on PostgreSQL: free text by the trigram index
`idx_users_search_trgm` (migration 0002), tags and languages by their `(value, user_id)` indexes,
country by `(is_mentor, country, id)`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tortoise.expressions import RawSQL, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet, ValuesQuery

from mentorgraph.models.accounts.users import User, UserLanguage, UserTag
from mentorgraph.models.accounts.validation import LANGUAGE_CODES, clean_country, clean_tags
from mentorgraph.models.directory.listing import listed_q, offered_q
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.safety.block_visibility import unblocked_q

__all__ = [
    "FACET_LIMITS",
    "MAX_SEARCH_LENGTH",
    "OPEN_SLOTS",
    "ORDER_KEYS",
    "SEARCH_TEXT",
    "FacetCount",
    "FacetKind",
    "MentorFilter",
    "MentorOrder",
    "clean_filter",
    "facet_counts",
    "facet_query",
    "matching_mentors",
]

MAX_SEARCH_LENGTH = 100

# A mentor's open slots: how many more mentees they take now (their capacity less their APPROVED
# requests), over a `users` row. Negative when the capacity was lowered below the active count.
OPEN_SLOTS = (
    f"capacity - (SELECT COUNT(*) FROM {MentorshipRequest._meta.db_table} slot_r"
    f" WHERE slot_r.mentor_id = {User._meta.db_table}.id"
    f" AND slot_r.status = '{RequestStatus.APPROVED.value}')"
)

# NOTE: exactly the expression of `idx_users_search_trgm`; PostgreSQL uses an expression index
# only for the same expression, so change both together (or neither).
SEARCH_TEXT = "lower(name || ' ' || title || ' ' || bio)"


class MentorOrder(StrEnum):
    NEWEST = "NEWEST"
    NAME = "NAME"
    RESPONSIVENESS = "RESPONSIVENESS"


# Keyset sort keys per order: (field, descending?), the primary key last to make it total.
ORDER_KEYS: dict[MentorOrder, list[tuple[str, bool]]] = {
    MentorOrder.NEWEST: [("id", True)],
    MentorOrder.NAME: [("name", False), ("id", False)],
    # The stored response rate (`models/directory/response_scores.py`), unknown (-1) last, newest
    # first.
    MentorOrder.RESPONSIVENESS: [("response_score", True), ("id", True)],
}


class FacetKind(StrEnum):
    TAGS = "TAGS"
    COUNTRIES = "COUNTRIES"
    LANGUAGES = "LANGUAGES"


# The longest list each facet returns (the most frequent values); there are about 250
# countries and 180 ISO 639-1 languages, but tags are free-form.
FACET_LIMITS = {FacetKind.TAGS: 50, FacetKind.COUNTRIES: 250, FacetKind.LANGUAGES: 200}


@dataclass(frozen=True)
class MentorFilter:
    """A cleaned filter: words lower-cased, tags normalised, codes checked."""

    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    country: str | None = None
    spoken_language: str | None = None
    available_only: bool = True
    # Only mentors a mentee can ask now: available, with fewer active mentees than they take.
    with_room: bool = False


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


def _clean_search(value: str | None) -> tuple[str, ...]:
    text = " ".join((value or "").split()).lower()
    if len(text) > MAX_SEARCH_LENGTH:
        raise RuleViolation(
            ErrorCode.INVALID_INPUT,
            f"Search for at most {MAX_SEARCH_LENGTH} characters.",
            ["search"],
        )
    # PostgreSQL refuses NUL in text (a 500 otherwise); no other control character is a word.
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise RuleViolation(
            ErrorCode.INVALID_INPUT, "Search must not contain control characters.", ["search"]
        )
    return tuple(dict.fromkeys(text.split()))


def _clean_language(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    code = value.strip().lower()
    if code not in LANGUAGE_CODES:
        raise RuleViolation(
            ErrorCode.INVALID_INPUT,
            f"'{value}' is not an ISO 639-1 language code (like en).",
            ["spokenLanguage"],
        )
    return code


def clean_filter(
    *,
    search: str | None = None,
    tags: list[str] | None = None,
    country: str | None = None,
    spoken_language: str | None = None,
    available_only: bool = True,
    with_room: bool = False,
) -> MentorFilter:
    """The filter as the queries need it; `RuleViolation` naming the first bad field."""
    return MentorFilter(
        words=_clean_search(search),
        # An empty list filters nothing; otherwise the same rules as a profile's tags.
        tags=tuple(clean_tags(tags, field="tags")) if tags else (),
        country=clean_country(country, field="country"),
        spoken_language=_clean_language(spoken_language),
        available_only=available_only,
        with_room=with_room,
    )


def matching_mentors(mentor_filter: MentorFilter, viewer_id: str | None = None) -> QuerySet[User]:
    """Mentors matching every part of the filter (unordered; the caller pages it), as the
    viewer whose id is the SQL `viewer_id` sees them (`models/safety/block_visibility.py`; None:
    anonymous)."""
    # Suspended and banned mentors are never listed (`models/directory/listing.py`), available or
    # not.
    mentors = User.filter(listed_q())
    if viewer_id is not None:
        # Nobody with a block between them and the viewer, either way round.
        mentors = mentors.filter(unblocked_q(viewer_id))
    if mentor_filter.available_only or mentor_filter.with_room:
        mentors = mentors.filter(offered_q())
    if mentor_filter.with_room:
        # The mentor's active mentees, counted by the (mentor_id, status, id) index.
        mentors = mentors.annotate(open_slots=RawSQL(OPEN_SLOTS)).filter(open_slots__gt=0)
    if mentor_filter.country:
        mentors = mentors.filter(country=mentor_filter.country)
    for tag in mentor_filter.tags:
        # All-of: one semi-join per tag, each served by the (tag, user_id) index.
        mentors = mentors.filter(id__in=Subquery(UserTag.filter(tag=tag).values("user_id")))
    if mentor_filter.spoken_language:
        speakers = UserLanguage.filter(language=mentor_filter.spoken_language)
        mentors = mentors.filter(id__in=Subquery(speakers.values("user_id")))
    if mentor_filter.words:
        # Every word must occur somewhere in name, title or bio (case-insensitive substring).
        mentors = mentors.annotate(search_text=RawSQL(SEARCH_TEXT))
        for word in mentor_filter.words:
            mentors = mentors.filter(search_text__contains=word)
    return mentors


def _facet_rows(
    kind: FacetKind, mentor_filter: MentorFilter, viewer_id: str | None
) -> tuple[QuerySet[Any], str]:
    """The rows to group for a facet, and the column that holds its value."""
    mentors = matching_mentors(mentor_filter, viewer_id)
    if kind is FacetKind.COUNTRIES:
        # The mentors' own rows (not users whose id is among the mentors': PostgreSQL read all
        # 600,000 users of the 100,000-mentor benchmark to answer that semi-join).
        return mentors.filter(country__isnull=False), "country"
    mentor_ids = Subquery(mentors.values("id"))
    if kind is FacetKind.TAGS:
        return UserTag.filter(user_id__in=mentor_ids), "tag"
    return UserLanguage.filter(user_id__in=mentor_ids), "language"


def facet_query(
    mentor_filter: MentorFilter, kind: FacetKind, viewer_id: str | None = None
) -> tuple[ValuesQuery[Any], str]:
    """The GROUP BY behind `facet_counts` (rows of the value column and `count`, most frequent
    first, then by value) over the matching mentors (or their tags or languages), and the
    value column."""
    rows, column = _facet_rows(kind, mentor_filter, viewer_id)
    counted = (
        rows.annotate(count=Count("id"))
        .group_by(column)
        .order_by("-count", column)
        .limit(FACET_LIMITS[kind])
        .values(column, "count")
    )
    return counted, column


async def facet_counts(
    mentor_filter: MentorFilter, kind: FacetKind, viewer_id: str | None = None
) -> list[FacetCount]:
    """Matching mentors per value of one facet, most frequent first, then by value.

    One GROUP BY statement over the matching mentors' ids.
    """
    counted, column = facet_query(mentor_filter, kind, viewer_id)
    return [FacetCount(value=str(r[column]), count=int(r["count"])) for r in await counted]

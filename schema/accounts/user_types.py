"""`User`, `Channel` and the enums that describe them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from mentorgraph.models.accounts.users import Channel as ChannelModel
from mentorgraph.models.accounts.users import ChannelType as ChannelTypeEnum
from mentorgraph.models.accounts.users import Role as RoleEnum
from mentorgraph.models.accounts.users import User as UserModel
from mentorgraph.models.requests.request_lists import Side
from mentorgraph.models.requests.requests import RequestStatus as RequestStatusEnum
from mentorgraph.resolvers.accounts import users
from mentorgraph.resolvers.directory import favorites
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.resolvers.pagination import Slice
from mentorgraph.resolvers.requests import request_overviews
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import described_enum
from mentorgraph.schema.graph.user_graph import UserGraphFields
from mentorgraph.schema.node_interface import Node
from mentorgraph.schema.pagination import After, Before, Connection, First, Last, connection
from mentorgraph.schema.requests.request_enums import RequestStatus
from mentorgraph.schema.requests.request_overview import RequestStatusCounts, counts_of
from mentorgraph.schema.resolver_fields import field_resolver
from mentorgraph.schema.safety.safety_enums import MemberStatus
from mentorgraph.schema.selection import item_fields

if TYPE_CHECKING:
    from mentorgraph.schema.requests.request_types import MentorshipRequest

__all__ = ["Channel", "ChannelType", "Responsiveness", "Role", "User"]

STATUSES = strawberry.argument(description="Only requests in these statuses (default all).")

ChannelType = described_enum(
    ChannelTypeEnum,
    name="ChannelType",
    description="A service a mentor can be reached on.",
    values={
        "EMAIL": "An email address.",
        "SLACK": "A Slack handle (@name).",
        "LINKEDIN": "A LinkedIn profile URL or its name.",
        "GITHUB": "A GitHub username.",
        "TWITTER": "An X/Twitter handle.",
        "WEBSITE": "An https:// URL.",
    },
)


Role = described_enum(
    RoleEnum,
    name="Role",
    description="What a user may do.",
    values={
        "MEMBER": "Every account: may ask mentors for mentorship.",
        "MENTOR": "Listed in the directory; answers requests.",
        "ADMIN": "Sees and manages every request, application and account.",
    },
)


@strawberry.type(description="How to reach a mentor (revealed to a mentee after approval).")
class Channel:
    type: ChannelType = strawberry.field(  # type: ignore[valid-type]
        description="Which service."
    )
    handle: str = strawberry.field(description="The handle or address on it.")

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, cls | ChannelModel)


@strawberry.type(description="How reliably a mentor answers requests (public).")
class Responsiveness:
    response_rate: float | None = strawberry.field(
        description="Share of the last 180 days' settled requests answered before expiry (0-1)."
    )
    median_response_hours: float | None = strawberry.field(
        description="Median hours from a request to the mentor's answer, last 180 days."
    )
    last_active_at: datetime | None = strawberry.field(
        description="The mentor's latest view or answer of a request."
    )
    open_requests: int = strawberry.field(description="Requests waiting for an answer now.")
    active_mentees: int = strawberry.field(description="Approved mentorships in progress.")


@strawberry.type(description="An account: every user is a member (mentee); some are mentors.")
class User(Node, UserGraphFields):
    name: str = strawberry.field(description="The name shown to others.")
    avatar_url: str | None = strawberry.field(
        description="An https:// picture URL; null when none was given."
    )
    title: str = strawberry.field(description="A short headline (e.g. a job); may be empty.")
    bio: str = strawberry.field(description="About them, in their words; may be empty.")
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2.")
    is_mentor: bool = strawberry.field(description="Listed in the mentor directory.")
    available: bool = strawberry.field(description="Whether a mentor accepts new requests.")
    capacity: int = strawberry.field(description="How many active mentees a mentor takes.")
    unavailable_until: datetime | None = strawberry.field(
        description="A mentor's pause: unavailable until then, available again automatically"
        " after. Null when not paused."
    )

    @field_resolver(
        description="How many more mentees a mentor takes now: `capacity` less active"
        " mentees, never below 0. Null for members who are no mentor."
    )
    async def open_slots(self, root: strawberry.Parent[UserModel], info: Info) -> int | None:
        return await users.open_slots_of(info.context, root)

    @field_resolver(
        description="Whether a mentee can ask this mentor now: available, with an open slot"
        " (else a request is refused MENTOR_UNAVAILABLE or MENTOR_AT_CAPACITY)."
    )
    async def has_room(self, root: strawberry.Parent[UserModel], info: Info) -> bool:
        return await users.has_room(info.context, root)

    created_at: datetime = strawberry.field(description="When the account was created.")

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, cls | UserModel)

    @field_resolver(description="Global id (for `node`).")
    def id(self, root: strawberry.Parent[UserModel]) -> strawberry.ID:
        return strawberry.ID(encode_global_id("User", root.id))

    roles: list[Role] = strawberry.field(  # type: ignore[valid-type]
        description="MEMBER always; MENTOR and ADMIN as they apply."
    )

    @field_resolver(
        description="Visible to the user, admins and the other side of an approved or"
        " completed mentorship with this user; null for everyone else."
    )
    def email(self, root: strawberry.Parent[UserModel], info: Info) -> str | None:
        return users.email_of(info.context, root)  # type: ignore[return-value]

    @field_resolver(
        description="The language of the user's emails (like en or pt-BR). Visible to the user"
        " and admins; null for everyone else."
    )
    def locale(self, root: strawberry.Parent[UserModel], info: Info) -> str | None:
        return users.locale_of(info.context, root)

    @field_resolver(description="Admins: the member's standing; null for everyone else.")
    def status(self, root: strawberry.Parent[UserModel], info: Info) -> MemberStatus | None:
        return users.status_of(info.context, root)

    @field_resolver(
        description="Admins: when the member's suspension ends; null when not suspended, and"
        " for everyone else."
    )
    def suspended_until(self, root: strawberry.Parent[UserModel], info: Info) -> datetime | None:
        return users.suspended_until_of(info.context, root)

    @field_resolver(
        description="Whether the user confirmed their email address (until then they send no"
        " requests and are not listed as a mentor). Visible to the user and admins; null for"
        " everyone else."
    )
    def email_verified(self, root: strawberry.Parent[UserModel], info: Info) -> bool | None:
        return users.email_verified_of(info.context, root)

    @field_resolver(
        description="Visible to the user, admins and the other side of an approved or"
        " completed mentorship with this user; null for everyone else."
    )
    async def channels(
        self, root: strawberry.Parent[UserModel], info: Info
    ) -> list[Channel] | None:
        return await users.channels_of(info.context, root)  # type: ignore[return-value]

    # Sync resolvers that may return an awaitable: the value itself when the page loaded it
    # ahead (`users.preload`), which graphql-core completes without a coroutine.
    @field_resolver(description="Lower-cased topics, most important first.")
    def tags(self, root: strawberry.Parent[UserModel], info: Info) -> list[str]:
        return users.tags_of(info.context, root)  # type: ignore[return-value]

    @field_resolver(description="ISO 639-1 codes.")
    def spoken_languages(self, root: strawberry.Parent[UserModel], info: Info) -> list[str]:
        return users.languages_of(info.context, root)  # type: ignore[return-value]

    @field_resolver(description="A mentor's record of answering requests; null for non-mentors.")
    def responsiveness(
        self, root: strawberry.Parent[UserModel], info: Info
    ) -> Responsiveness | None:
        return users.responsiveness_of(info.context, root)  # type: ignore[return-value]

    @field_resolver(description="Whether the viewer keeps this mentor among their favourites.")
    async def is_favorite(self, root: strawberry.Parent[UserModel], info: Info) -> bool:
        return await users.is_favorite(info.context, root)

    @field_resolver(
        description="Mentors this user keeps as favourites, newest favourite first."
        " Visible to the user and admins; null for everyone else."
    )
    async def favorite_mentors(
        self,
        root: strawberry.Parent[UserModel],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[User] | None:
        page = await favorites.favorite_mentors(
            info.context, root, Slice.of(first, after, last, before)
        )
        return connection(page) if page is not None else None

    # --- Request overviews (the lifecycle feature). The user and admins only; null otherwise.

    @field_resolver(
        description="Requests this user sent as a mentee, newest first; only these statuses"
        " when `status` is given. Visible to the user and admins; null for everyone else."
    )
    async def sent_requests(
        self,
        root: strawberry.Parent[UserModel],
        info: Info,
        status: Annotated[list[RequestStatus] | None, STATUSES] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> (
        Connection[
            Annotated[
                MentorshipRequest, strawberry.lazy("mentorgraph.schema.requests.request_types")
            ]
        ]
        | None
    ):
        return await _request_connection(
            info, root, "mentee_id", status, Slice.of(first, after, last, before)
        )

    @field_resolver(
        description="Requests this user received as a mentor, newest first; only these"
        " statuses when `status` is given. Visible to the user and admins; null otherwise."
    )
    async def received_requests(
        self,
        root: strawberry.Parent[UserModel],
        info: Info,
        status: Annotated[list[RequestStatus] | None, STATUSES] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> (
        Connection[
            Annotated[
                MentorshipRequest, strawberry.lazy("mentorgraph.schema.requests.request_types")
            ]
        ]
        | None
    ):
        return await _request_connection(
            info, root, "mentor_id", status, Slice.of(first, after, last, before)
        )

    @field_resolver(description="Sent requests per status. The user and admins only.")
    async def sent_request_counts(
        self, root: strawberry.Parent[UserModel], info: Info
    ) -> RequestStatusCounts | None:
        return counts_of(await request_overviews.status_counts(info.context, root, "mentee_id"))

    @field_resolver(description="Received requests per status. The user and admins only.")
    async def received_request_counts(
        self, root: strawberry.Parent[UserModel], info: Info
    ) -> RequestStatusCounts | None:
        return counts_of(await request_overviews.status_counts(info.context, root, "mentor_id"))

    @field_resolver(
        description="Mentors who approved this user's requests (active mentorships)."
        " The user and admins only."
    )
    async def active_mentors(
        self, root: strawberry.Parent[UserModel], info: Info
    ) -> list[User] | None:
        return await request_overviews.active_partners(info.context, root, "mentee_id")  # type: ignore[return-value]

    @field_resolver(
        description="Mentees whose requests this user approved (active mentorships)."
        " The user and admins only."
    )
    async def active_mentees(
        self, root: strawberry.Parent[UserModel], info: Info
    ) -> list[User] | None:
        return await request_overviews.active_partners(info.context, root, "mentor_id")  # type: ignore[return-value]


async def _request_connection(
    info: Info,
    user: UserModel,
    side: Side,
    statuses: list[RequestStatusEnum] | None,
    page: Slice,
) -> Connection[Any] | None:
    """`sentRequests` (side `mentee_id`) or `receivedRequests` (side `mentor_id`)."""
    requests = await request_overviews.request_page(
        info.context, user, side, statuses=statuses, page=page, with_users=_sides_read(info)
    )
    return connection(requests) if requests is not None else None


def _sides_read(info: Info) -> list[Side]:
    """Which users the query reads on each request of the page: loaded with the page."""
    selected = item_fields(info)
    sides: list[Side] = []
    if "mentor" in selected:
        sides.append("mentor_id")
    if "mentee" in selected:
        sides.append("mentee_id")
    return sides

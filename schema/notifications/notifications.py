"""Notifications in the app and email preferences (issue 16): `notifications`,
`unreadNotificationCount`, `emailPreferences`, `markNotificationsRead`,
`markAllNotificationsRead`, `setEmailPreference`, and `Subscription.notifications`."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError

from mentorgraph.models.notifications.email_preferences import EmailFrequency as FrequencyEnum
from mentorgraph.models.notifications.email_preferences import NotificationKind as KindEnum
from mentorgraph.models.notifications.inbox import MAX_MARK_IDS
from mentorgraph.models.notifications.inbox import Notification as NotificationModel
from mentorgraph.resolvers.errors import ClientError
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.resolvers.notifications import notifications
from mentorgraph.resolvers.notifications.notification_events import follow_notifications
from mentorgraph.resolvers.pagination import Slice, encode_cursor
from mentorgraph.resolvers.requests import requests_read
from mentorgraph.schema.accounts.user_types import User
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import INPUT, described_enum
from mentorgraph.schema.errors import UserError, payload, user_errors_field
from mentorgraph.schema.extensions import MASKED_MESSAGE, logger
from mentorgraph.schema.pagination import After, Before, Connection, First, Last, connection
from mentorgraph.schema.requests.request_types import MentorshipRequest
from mentorgraph.schema.resolver_fields import field_resolver, mutation, subscription

__all__ = ["NotificationMutation", "NotificationQuery", "NotificationSubscription"]

NotificationKind = described_enum(
    KindEnum,
    name="NotificationKind",
    description="What a notification is about; also what an email preference is set for.",
    values={
        "REQUEST_NEW": "A mentee asked you (a mentor) for mentorship.",
        "REQUEST_APPROVED": "Your request was approved.",
        "REQUEST_DECLINED": "Your request was declined, by the mentor or by the system (see"
        " the request's `declineReason`, e.g. MENTOR_INACTIVE; `actor` is then null).",
        "REQUEST_CANCELLED": "The mentee withdrew a request to you.",
        "REQUEST_REMINDER": "A request to you is still waiting for your answer.",
        "REQUEST_EXPIRED": "A request expired unanswered (mentee and mentor are told).",
        "REQUEST_MESSAGE": "The other side wrote in a request's thread.",
        "FEEDBACK_RECEIVED": "The other side of a completed mentorship left you feedback.",
        "SET_UNAVAILABLE": "You (a mentor) were set unavailable, by an admin or because you"
        " had not been answering requests (`actor` is then null); why, and how to come back.",
    },
)
EmailFrequency = described_enum(
    FrequencyEnum,
    name="EmailFrequency",
    description="When a kind of notification is also emailed. Security emails (password reset"
    " and change) are always sent and have no preference.",
    values={
        "IMMEDIATELY": "An email for each notification as it happens (the default).",
        "DAILY_DIGEST": "One email a day at most, listing what happened.",
        "NEVER": "No email; the notification is in the app only.",
    },
)


@strawberry.type(description="Something that happened that concerns you; yours alone to see.")
class Notification:
    kind: NotificationKind = strawberry.field(description="What happened.")  # type: ignore[valid-type]
    created_at: datetime = strawberry.field(description="When it happened.")
    read_at: datetime | None = strawberry.field(description="When you marked it read; null if not.")

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, cls | NotificationModel)

    @field_resolver(description="Its id (for `markNotificationsRead`).")
    def id(self, root: strawberry.Parent[NotificationModel]) -> strawberry.ID:
        return strawberry.ID(encode_global_id("Notification", root.id))

    @field_resolver(description="Opaque and ordered; pass it as the subscription's `after`.")
    def cursor(self, root: strawberry.Parent[NotificationModel]) -> str:
        return encode_cursor([root.id])

    @field_resolver(description="Whether you marked it read.")
    def read(self, root: strawberry.Parent[NotificationModel]) -> bool:
        return root.read_at is not None

    @field_resolver(description="The request it is about; null if none or no longer visible.")
    async def request(
        self, root: strawberry.Parent[NotificationModel], info: Info
    ) -> MentorshipRequest | None:
        if root.request_id is None:
            return None
        return await requests_read.visible_request(info.context, root.request_id)  # type: ignore[return-value]

    @field_resolver(description="Who caused it; null when the system did (or they are gone).")
    async def actor(self, root: strawberry.Parent[NotificationModel], info: Info) -> User | None:
        return await requests_read.user_of(info.context, root.actor_id)  # type: ignore[return-value]


@strawberry.type(description="How often one kind of notification is emailed to you.")
class EmailPreference:
    kind: NotificationKind = strawberry.field(description="The kind.")  # type: ignore[valid-type]
    frequency: EmailFrequency = strawberry.field(description="How often.")  # type: ignore[valid-type]


def _preferences(rows: list[tuple[KindEnum, FrequencyEnum]] | None) -> list[EmailPreference]:
    return [EmailPreference(kind=k, frequency=f) for k, f in rows or []]


@strawberry.type(description="One new notification, pushed live, and your unread count with it.")
class NotificationUpdate:
    notification: Notification = strawberry.field(description="The new notification.")
    unread_count: int = strawberry.field(
        description="Your unread notifications as this one is sent."
    )


@strawberry.input(description="Notifications of yours to mark read.")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] = strawberry.field(
        description=f"At most {MAX_MARK_IDS} `Notification.id`s; ids that are not yours (or"
        " are gone) change nothing."
    )


@strawberry.type(
    description="The result of `markNotificationsRead` and `markAllNotificationsRead`."
)
class MarkNotificationsReadPayload:
    marked: int | None = strawberry.field(
        description="How many went from unread to read; null when refused."
    )
    unread_count: int | None = strawberry.field(
        description="Your unread notifications after; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="How often to email one kind of notification.")
class SetEmailPreferenceInput:
    kind: NotificationKind = strawberry.field(description="The kind.")  # type: ignore[valid-type]
    frequency: EmailFrequency = strawberry.field(description="How often.")  # type: ignore[valid-type]


@strawberry.type(description="The result of `setEmailPreference`.")
class SetEmailPreferencePayload:
    email_preferences: list[EmailPreference] | None = strawberry.field(
        description="Every kind with its frequency, as now; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type
class NotificationQuery:
    @field_resolver(
        description="Your notifications, newest first (signed in); only unread ones with"
        " `unreadOnly`."
    )
    async def notifications(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only the ones not marked read.")
        ] = False,
    ) -> Connection[Notification]:
        page = await notifications.notifications(
            info.context, Slice.of(first, after, last, before), unread_only=unread_only
        )
        return connection(page)

    @field_resolver(description="How many of your notifications are unread (signed in).")
    async def unread_notification_count(self, info: Info) -> int:
        return await notifications.unread_count(info.context)

    @field_resolver(description="How often each kind of notification is emailed to you.")
    async def email_preferences(self, info: Info) -> list[EmailPreference]:
        return _preferences(await notifications.email_preferences(info.context))


@strawberry.type
class NotificationMutation:
    @mutation(
        description="Mark these of your notifications read (signed in). INVALID_INPUT beyond"
        f" {MAX_MARK_IDS} ids; TOO_SOON for a flood of calls."
    )
    async def mark_notifications_read(
        self, info: Info, input: Annotated[MarkNotificationsReadInput, INPUT]
    ) -> MarkNotificationsReadPayload:
        work = notifications.mark_read(info.context, input.ids)
        return await payload(MarkNotificationsReadPayload, work, "marked", "unread_count")

    @mutation(description="Mark every notification of yours read (signed in).")
    async def mark_all_notifications_read(self, info: Info) -> MarkNotificationsReadPayload:
        work = notifications.mark_all_read(info.context)
        return await payload(MarkNotificationsReadPayload, work, "marked", "unread_count")

    @mutation(description="Choose how often one kind of notification is emailed.")
    async def set_email_preference(
        self, info: Info, input: Annotated[SetEmailPreferenceInput, INPUT]
    ) -> SetEmailPreferencePayload:
        work = notifications.set_email_preference(info.context, input.kind, input.frequency)
        result = await payload(SetEmailPreferencePayload, work, "email_preferences")
        result.email_preferences = (
            _preferences(result.email_preferences)  # type: ignore[arg-type]
            if result.email_preferences is not None
            else None
        )
        return result


@strawberry.type
class NotificationSubscription:
    @subscription(
        description="Each new notification of yours as it commits, with your unread count."
        " With `after` (a `Notification.cursor`) it first replays what you missed since that"
        " one, then goes live: nothing missed, nothing twice."
    )
    async def notifications(
        self,
        info: Info,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="A `Notification.cursor` you received: replay what came after it."
            ),
        ] = None,
    ) -> AsyncGenerator[NotificationUpdate, None]:
        try:
            async for push in follow_notifications(info.context, after):
                yield NotificationUpdate(
                    notification=push.notification,  # type: ignore[arg-type]
                    unread_count=push.unread_count,
                )
        except ClientError:
            raise
        except Exception as exc:
            logger.error("Unexpected error in the notifications subscription", exc_info=exc)
            raise GraphQLError(
                MASKED_MESSAGE, extensions={"code": "INTERNAL_SERVER_ERROR"}
            ) from None

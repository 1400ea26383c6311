"""Leaving (issue 16): `deleteAccount` schedules the deletion, a grace period to undo it, and the
sweep anonymises the account once it is due.

Scheduling (after the password) ends every session, hides the member (never available again
until cancelled: the listings' one rule, `models/directory/listing.py`, and a pause's
end date is dropped so the sweep cannot bring them back), and emails a single-use link that
cancels it. Signing in during the grace period is allowed; `cancelAccountDeletion` (signed in,
or with the link) undoes everything but the availability, which the mentor sets again.

Anonymising keeps every request, event, message and feedback, so the other side's record and the
audit stay whole: the `users` row stays, with its personal data replaced (name "Deleted member",
a unique address under the reserved `.invalid` domain, profile, tags, languages, channels,
favourites, sessions and links removed, a password hash that matches nothing). Open requests are
closed through the lifecycle (`lifecycle.close_requests_of_leaving`), so each side is told and
each change has its event. One member per transaction, under their row lock; the cancellation
takes the same lock and re-checks, so the two never both happen.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from mentorgraph.models import clock, throttle
from mentorgraph.models.accounts import account_emails
from mentorgraph.models.accounts.account_tokens import Purpose, issue_token, spend_all, spend_token
from mentorgraph.models.accounts.auth import AccountToken, KnownAddress, PasswordReset, Session
from mentorgraph.models.accounts.login_guard import reserve_password_check
from mentorgraph.models.accounts.passwords import verify_password_off_loop
from mentorgraph.models.accounts.sessions import EndReason, end_all
from mentorgraph.models.accounts.users import Channel, Favorite, User, UserLanguage, UserTag
from mentorgraph.models.directory.application_records import ApplicationStatus, MentorApplication
from mentorgraph.models.directory.response_scores import refresh_scores
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications.email_preferences import EmailPreference
from mentorgraph.models.notifications.inbox import Notification
from mentorgraph.models.notifications.outbox import OutboxAttachment, OutboxEmail
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.email_links import EmailLink
from mentorgraph.models.requests.events import committed
from mentorgraph.models.requests.feedback import MentorshipFeedback
from mentorgraph.models.requests.request_guards import lock_user
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent
from mentorgraph.models.safety.safety_records import MemberBlock, MemberReport

__all__ = [
    "DELETED_NAME",
    "anonymise_due",
    "cancel_by_token",
    "cancel_deletion",
    "deleted_address",
    "schedule_deletion",
]

DELETED_NAME = "Deleted member"
# Never a valid hash: every password check fails (`passwords.verify_password`).
UNUSABLE_PASSWORD = "!deleted"
# Members anonymised per sweep pass (each one transaction); the rest wait a minute.
BATCH = 50


def deleted_address(user_id: int) -> str:
    """Unique (the id) and non-routable (RFC 2606 reserves `.invalid`)."""
    return f"deleted-{user_id}@deleted.invalid"


async def schedule_deletion(user: User, *, password: str) -> datetime:
    """Schedule the account's anonymisation after the grace period; returns when. Raises
    INVALID_CREDENTIALS (PASSWORD_THROTTLED after several). Asking again while scheduled
    answers the date already set (and ends any session signed in since)."""
    key = await reserve_password_check(user)
    if not await verify_password_off_loop(user.password_hash, password):
        raise RuleViolation(
            ErrorCode.INVALID_CREDENTIALS, "The password is incorrect.", ["password"]
        )
    await throttle.clear(key)
    now = clock.now()
    due = now + timedelta(days=limits().account_deletion_grace_days)
    async with in_transaction() as conn:
        member = await lock_user(conn, user.id)
        if member is None or member.deleted_at is not None:
            raise RuleViolation(ErrorCode.NOT_FOUND, "No such account.", ["password"])
        if member.deletion_due_at is None:
            changes: dict[str, object] = {"deletion_due_at": due, "unavailable_until": None}
            if member.available:
                changes |= {"available": False, "availability_changed_at": now}
            await User.filter(id=user.id).using_db(conn).update(**changes, updated_at=now)
            token = await issue_token(
                conn, user.id, Purpose.CANCEL_DELETION, due - now + timedelta(minutes=1)
            )
            await account_emails.deletion_scheduled(member, due, token, conn)
            member.deletion_due_at = due
    await end_all(user.id, EndReason.ACCOUNT_DELETION)
    assert member.deletion_due_at is not None
    user.deletion_due_at = member.deletion_due_at
    return member.deletion_due_at


def _too_late(field: str) -> RuleViolation:
    return RuleViolation(
        ErrorCode.INVALID_CANCELLATION_TOKEN,
        "There is no deletion to cancel: it was cancelled already, or the grace period is over.",
        [field],
    )


async def _cancel(member_id: int, conn: BaseDBAsyncClient) -> User:
    """Inside the caller's transaction: the member's row locked, the deletion dropped if it
    is still ahead (else INVALID_CANCELLATION_TOKEN), its links spent, the member told."""
    member = await lock_user(conn, member_id)
    now = clock.now()
    if (
        member is None
        or member.deleted_at is not None
        or member.deletion_due_at is None
        or member.deletion_due_at <= now
    ):
        raise _too_late("token")
    await User.filter(id=member_id).using_db(conn).update(deletion_due_at=None, updated_at=now)
    member.deletion_due_at = None
    await spend_all(conn, member_id, Purpose.CANCEL_DELETION)
    await account_emails.deletion_cancelled(member, conn)
    return member


async def cancel_deletion(user: User) -> User:
    """The signed-in member keeps their account (INVALID_CANCELLATION_TOKEN when none is
    scheduled or it is too late)."""
    try:
        async with in_transaction() as conn:
            member = await _cancel(user.id, conn)
    except RuleViolation as refused:
        refused.field = ["viewer"]
        raise
    user.deletion_due_at = None
    return member


async def cancel_by_token(token: str) -> User:
    """The emailed link keeps the account, without signing in; spent by this call."""
    async with in_transaction() as conn:
        row = await spend_token(conn, token, Purpose.CANCEL_DELETION)
        if row is None:
            raise _too_late("token")
        return await _cancel(row.user_id, conn)


async def anonymise_due(now: datetime) -> int:
    """The sweep: anonymise the members whose grace period is over (at most `BATCH`)."""
    due_ids = cast(
        "list[int]",
        await User.filter(deletion_due_at__lte=now, deleted_at=None)
        .order_by("deletion_due_at", "id")
        .limit(BATCH)
        .values_list("id", flat=True),
    )
    done = 0
    for member_id in due_ids:
        done += await _anonymise(member_id)
    return done


async def _anonymise(member_id: int) -> int:
    mentors: set[int] = set()
    async with in_transaction() as conn:
        member = await lock_user(conn, member_id)
        now = clock.now()
        if (
            member is None
            or member.deleted_at is not None
            or member.deletion_due_at is None
            or member.deletion_due_at > now
        ):
            return 0  # cancelled, or done by another process meanwhile
        changed, events = await lifecycle.close_requests_of_leaving(conn, member)
        mentors = {r.mentor_id for r in changed}
        old_address, name = member.email, member.name
        anonymous = deleted_address(member_id)
        await (
            User.filter(id=member_id)
            .using_db(conn)
            .update(
                name=DELETED_NAME,
                email=anonymous,
                password_hash=UNUSABLE_PASSWORD,
                avatar_url=None,
                title="",
                bio="",
                country=None,
                is_mentor=False,
                is_admin=False,
                available=False,
                unavailable_until=None,
                email_verified=False,
                locale="en",
                deleted_at=now,
                updated_at=now,
            )
        )
        await _remove_personal_records(conn, member_id, now)
        await (
            MentorApplication.filter(user_id=member_id, status=ApplicationStatus.PENDING)
            .using_db(conn)
            .update(
                status=ApplicationStatus.REJECTED,
                decision_reason=lifecycle.LEFT_NOTE,
                decided_at=now,
            )
        )
        await MentorApplication.filter(user_id=member_id).using_db(conn).update(motivation="")
        # What the outbox holds for the old address: unsent mail is dropped, sent mail keeps
        # its record (kind, time) without the address or the words.
        mailed = OutboxEmail.filter(to_email=old_address).using_db(conn)
        await (
            OutboxAttachment.filter(email_id__in=Subquery(mailed.values("id")))
            .using_db(conn)
            .delete()
        )
        await OutboxEmail.filter(to_email=old_address, sent_at=None).using_db(conn).delete()
        await mailed.update(to_email=anonymous, subject="", text_body="", html_body="")
        await account_emails.account_deleted(name, old_address, conn)
    committed(events)
    await end_all(member_id, EndReason.ACCOUNT_DELETION)
    if mentors:
        await refresh_scores(sorted(mentors))
    return 1


# What the member wrote, where the record stays for the other side (the table in
# docs/data-retention.md): the text goes, the row, its times and its other side stay.
REMOVED = ""


async def _remove_personal_records(conn: BaseDBAsyncClient, member_id: int, now: datetime) -> None:
    """Inside `_anonymise`'s transaction: every table's rows of the member, per the decision
    recorded in docs/data-retention.md (a test walks every table for what would be left)."""
    # Theirs alone, no other side: deleted.
    for model in (
        UserTag,
        UserLanguage,
        Channel,
        KnownAddress,
        PasswordReset,
        AccountToken,
        Notification,
        EmailPreference,
    ):
        await model.filter(user_id=member_id).using_db(conn).delete()
    await Favorite.filter(Q(user_id=member_id) | Q(mentor_id=member_id)).using_db(conn).delete()
    # One-click answer links sent to them as a mentor (their requests are closed meanwhile).
    await EmailLink.filter(mentor_id=member_id).using_db(conn).delete()
    # Whom they blocked was their own choice; a block of them stays the blocker's.
    await MemberBlock.filter(blocker_id=member_id).using_db(conn).delete()
    # Sessions: the sign-ins' devices and addresses go; the rows end after commit (`end_all`
    # closes their sockets) and the sweep deletes them with the other ended ones.
    await Session.filter(user_id=member_id).using_db(conn).update(user_agent="", address="")
    # Their words on records the other side keeps: requests they made (the mentee's texts),
    # answers they gave (the mentor's), messages and notes they wrote, feedback they left,
    # reports they filed (the report, its category and outcome stay for the audit).
    await (
        MentorshipRequest.filter(mentee_id=member_id)
        .using_db(conn)
        .update(message=REMOVED, background=REMOVED, expectation=REMOVED)
    )
    await (
        MentorshipRequest.filter(mentor_id=member_id, response_message__not_isnull=True)
        .using_db(conn)
        .update(response_message=REMOVED)
    )
    await (
        RequestEvent.filter(actor_id=member_id, note__not_isnull=True)
        .exclude(note=lifecycle.LEFT_NOTE)
        .using_db(conn)
        .update(note=REMOVED)
    )
    await (
        MentorshipFeedback.filter(author_id=member_id, comment__not_isnull=True)
        .using_db(conn)
        .update(comment=REMOVED)
    )
    await MemberReport.filter(reporter_id=member_id).using_db(conn).update(reason=REMOVED)

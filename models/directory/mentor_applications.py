"""Becoming a mentor: a member applies with a complete profile; an admin approves or rejects."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from mentorgraph.models import clock
from mentorgraph.models.accounts import validation
from mentorgraph.models.accounts.users import Channel, User, UserTag
from mentorgraph.models.admin import audit
from mentorgraph.models.directory.application_records import ApplicationStatus, MentorApplication
from mentorgraph.models.directory.listing import ensure_may_be_listed, may_be_listed
from mentorgraph.models.errors import ErrorCode, RuleViolation, RuleViolations
from mentorgraph.models.notifications import email_templates
from mentorgraph.models.safety.safety_records import AuditAction

__all__ = ["MAX_MOTIVATION", "MIN_MOTIVATION", "apply_to_mentor", "review_application"]

# Characters of an application's motivation (the schema's description quotes them).
MIN_MOTIVATION = 30
MAX_MOTIVATION = 2000


async def _profile_gaps(user: User) -> list[RuleViolation]:
    gaps = []
    if not user.title.strip():
        gaps.append(("title", "Add a title to your profile before applying."))
    if not user.bio.strip():
        gaps.append(("bio", "Add a bio to your profile before applying."))
    if not await UserTag.filter(user_id=user.id).exists():
        gaps.append(("tags", "Add at least one tag to your profile before applying."))
    if not await Channel.filter(user_id=user.id).exists():
        gaps.append(("channels", "Add at least one contact channel before applying."))
    return [RuleViolation(ErrorCode.INVALID_INPUT, message, [f]) for f, message in gaps]


async def apply_to_mentor(user: User, motivation: str) -> MentorApplication:
    if user.is_mentor:
        raise RuleViolation(ErrorCode.FORBIDDEN, "You are already a mentor.")
    ensure_may_be_listed(user, "motivation")
    violations = await _profile_gaps(user)
    collector = validation.Collector()
    cleaned = collector.clean(
        validation.clean_text,
        motivation,
        "motivation",
        label="Why you want to mentor",
        min_length=MIN_MOTIVATION,
        max_length=MAX_MOTIVATION,
    )
    violations += collector.violations
    if violations:
        raise RuleViolations(violations)
    pending = RuleViolation(
        ErrorCode.APPLICATION_PENDING, "You already have an application waiting for review."
    )
    if await MentorApplication.filter(user_id=user.id, status=ApplicationStatus.PENDING).exists():
        raise pending
    try:
        return await MentorApplication.create(
            user_id=user.id, motivation=cleaned, created_at=clock.now()
        )
    except IntegrityError:
        # A concurrent application won the race; the partial unique index decided.
        raise pending from None


async def review_application(
    reviewer: User, application_id: int, *, approve: bool, reason: str | None
) -> MentorApplication:
    reason = reason.strip() if reason else None
    if not approve and not reason:
        raise RuleViolation(
            ErrorCode.INVALID_INPUT, "Give the applicant a reason for the rejection.", ["reason"]
        )
    application = await MentorApplication.get_or_none(id=application_id)
    if application is None:
        raise RuleViolation(ErrorCode.NOT_FOUND, "No such application.", ["applicationId"])
    status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
    async with in_transaction() as connection:
        # Conditional update: of two racing reviews, exactly one decides.
        decided = (
            await MentorApplication.filter(id=application_id, status=ApplicationStatus.PENDING)
            .using_db(connection)
            .update(
                status=status,
                decision_reason=reason,
                reviewer_id=reviewer.id,
                decided_at=clock.now(),
            )
        )
        if not decided:
            raise RuleViolation(
                ErrorCode.APPLICATION_DECIDED,
                "This application was already decided.",
                ["applicationId"],
            )
        applicant = await User.get(id=application.user_id, using_db=connection)
        if approve:
            # Listed at once, unless the applicant is leaving meanwhile (the listings' rule).
            await (
                User.filter(id=applicant.id)
                .using_db(connection)
                .update(is_mentor=True, available=may_be_listed(applicant), updated_at=clock.now())
            )
        await email_templates.application_decided(applicant, approve, reason, connection)
        await audit.record(
            connection,
            reviewer,
            AuditAction.REVIEW_APPLICATION,
            reason=f"{status.value}: {reason}" if reason else status.value,
            target_user_id=applicant.id,
        )
    await application.refresh_from_db()
    return application

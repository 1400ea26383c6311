"""Safety (issue 16): `blockMember`, `unblockMember`, `blockedMembers`, `reportMember`,
`reportMentorshipRequest`; for admins the report queue (`reports`), `dismissReport`,
`warnMember`, `suspendMember`, `banMember`, `unsuspendMember`, `adminAuditLog` and `members`.
Admin fields refuse everyone else (FORBIDDEN); the rest need a signed-in member."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from mentorgraph.models.admin.members import MemberRole as MemberRoleEnum
from mentorgraph.models.safety.safety_records import AdminAuditEntry as AuditModel
from mentorgraph.models.safety.safety_records import AuditAction as AuditActionEnum
from mentorgraph.models.safety.safety_records import MemberBlock as BlockModel
from mentorgraph.models.safety.safety_records import MemberReport as ReportModel
from mentorgraph.models.safety.safety_records import ReportCategory as ReportCategoryEnum
from mentorgraph.models.safety.safety_records import ReportStatus as ReportStatusEnum
from mentorgraph.models.safety.standing import MemberStatus as MemberStatusEnum
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.resolvers.pagination import Slice
from mentorgraph.resolvers.requests.requests_read import user_of, visible_request
from mentorgraph.resolvers.safety import safety
from mentorgraph.schema.accounts.user_types import User
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import INPUT
from mentorgraph.schema.errors import UserError, payload, user_errors_field
from mentorgraph.schema.pagination import After, Before, Connection, First, Last, connection
from mentorgraph.schema.requests.request_types import MentorshipRequest
from mentorgraph.schema.resolver_fields import field_resolver, mutation
from mentorgraph.schema.safety.safety_enums import (
    AuditAction,
    MemberRole,
    MemberStatus,
    ReportCategory,
    ReportStatus,
)

__all__ = ["SafetyMutation", "SafetyQuery"]


@strawberry.type(description="A member you blocked.")
class BlockedMember:
    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, cls | BlockModel)

    @field_resolver(description="When you blocked them.")
    def blocked_at(self, root: strawberry.Parent[BlockModel]) -> datetime:
        return root.created_at

    @field_resolver(description="The member.")
    async def user(self, root: strawberry.Parent[BlockModel], info: Info) -> User:
        return await user_of(info.context, root.blocked_id)  # type: ignore[return-value]


@strawberry.type(description="A member's report of another member or of a request.")
class MemberReport:
    category: ReportCategory = strawberry.field(description="What it is about.")
    reason: str = strawberry.field(description="The reporter's words.")
    status: ReportStatus = strawberry.field(description="Where it stands.")
    created_at: datetime = strawberry.field(description="When it was filed.")
    resolved_at: datetime | None = strawberry.field(description="When an admin closed it.")
    resolution_note: str | None = strawberry.field(description="The admin's words on closing it.")

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, cls | ReportModel)

    @field_resolver(description="The report's id (for `dismissReport` and the actions).")
    def id(self, root: strawberry.Parent[ReportModel]) -> strawberry.ID:
        return strawberry.ID(encode_global_id("MemberReport", root.id))

    @field_resolver(description="Who reported.")
    async def reporter(self, root: strawberry.Parent[ReportModel], info: Info) -> User:
        return await user_of(info.context, root.reporter_id)  # type: ignore[return-value]

    @field_resolver(description="The member reported (for a request: its other side).")
    async def target_user(self, root: strawberry.Parent[ReportModel], info: Info) -> User:
        return await user_of(info.context, root.target_user_id)  # type: ignore[return-value]

    @field_resolver(description="The request reported; null for a report of a member.")
    async def target_request(
        self, root: strawberry.Parent[ReportModel], info: Info
    ) -> MentorshipRequest | None:
        if root.target_request_id is None:
            return None
        return await visible_request(info.context, root.target_request_id)  # type: ignore[return-value]

    @field_resolver(description="The admin who closed it; null while open.")
    async def resolved_by(self, root: strawberry.Parent[ReportModel], info: Info) -> User | None:
        return await user_of(info.context, root.resolved_by_id)  # type: ignore[return-value]


@strawberry.type(description="One admin action: who, what, to whom, when and why.")
class AdminAuditEntry:
    action: AuditAction = strawberry.field(description="What was done.")
    reason: str = strawberry.field(description="Why, in the admin's (or the action's) words.")
    occurred_at: datetime = strawberry.field(description="When.")

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, cls | AuditModel)

    @field_resolver(description="The admin; null when their account is gone.")
    async def actor(self, root: strawberry.Parent[AuditModel], info: Info) -> User | None:
        return await user_of(info.context, root.actor_id)  # type: ignore[return-value]

    @field_resolver(description="The member acted on, if any.")
    async def target_user(self, root: strawberry.Parent[AuditModel], info: Info) -> User | None:
        return await user_of(info.context, root.target_user_id)  # type: ignore[return-value]

    @field_resolver(description="The request acted on, if any.")
    async def target_request(
        self, root: strawberry.Parent[AuditModel], info: Info
    ) -> MentorshipRequest | None:
        if root.target_request_id is None:
            return None
        return await visible_request(info.context, root.target_request_id)  # type: ignore[return-value]

    @field_resolver(description="The report acted on (a MemberReport id), if any.")
    def target_report_id(self, root: strawberry.Parent[AuditModel]) -> strawberry.ID | None:
        if root.target_report_id is None:
            return None
        return strawberry.ID(encode_global_id("MemberReport", root.target_report_id))


# --- Inputs and payloads.


@strawberry.input(description="The member to block or unblock.")
class BlockMemberInput:
    user_id: strawberry.ID = strawberry.field(description="A User id.")


@strawberry.type(description="The result of `blockMember`.")
class BlockMemberPayload:
    user: User | None = strawberry.field(description="The member blocked; null when refused.")
    requests: list[MentorshipRequest] | None = strawberry.field(
        description="The open requests between you, closed now."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The result of `unblockMember`.")
class UnblockMemberPayload:
    user: User | None = strawberry.field(description="The member unblocked; null when refused.")
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="A report of a member.")
class ReportMemberInput:
    user_id: strawberry.ID = strawberry.field(description="The member (a User id).")
    category: ReportCategory = strawberry.field(description="What it is about.")
    reason: str = strawberry.field(description="What happened: 10 to 2000 characters.")


@strawberry.input(description="A report of a request you are the mentor or the mentee of.")
class ReportMentorshipRequestInput:
    request_id: strawberry.ID = strawberry.field(description="A MentorshipRequest id.")
    category: ReportCategory = strawberry.field(description="What it is about.")
    reason: str = strawberry.field(description="What happened: 10 to 2000 characters.")


@strawberry.type(description="The result of `reportMember` and `reportMentorshipRequest`.")
class ReportPayload:
    report: MemberReport | None = strawberry.field(description="The report; null when refused.")
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="An admin closes a report without acting on the member.")
class DismissReportInput:
    report_id: strawberry.ID = strawberry.field(description="An OPEN report (a MemberReport id).")
    note: str | None = strawberry.field(default=None, description="Why, at most 2000 characters.")


@strawberry.input(description="An admin warns a member (emailed the reason).")
class WarnMemberInput:
    user_id: strawberry.ID = strawberry.field(description="The member (a User id).")
    reason: str = strawberry.field(description="Why: 3 to 2000 characters, sent to them.")
    report_id: strawberry.ID | None = strawberry.field(
        default=None, description="The OPEN report about them this acts on (then ACTIONED)."
    )


@strawberry.input(description="An admin suspends a member until a time.")
class SuspendMemberInput:
    user_id: strawberry.ID = strawberry.field(description="The member (a User id).")
    until: datetime = strawberry.field(
        description="When the suspension ends by itself: in the future, within 365 days."
    )
    reason: str = strawberry.field(description="Why: 3 to 2000 characters, sent to them.")
    report_id: strawberry.ID | None = strawberry.field(
        default=None, description="The OPEN report about them this acts on (then ACTIONED)."
    )


@strawberry.input(description="An admin bans a member.")
class BanMemberInput:
    user_id: strawberry.ID = strawberry.field(description="The member (a User id).")
    reason: str = strawberry.field(description="Why: 3 to 2000 characters, sent to them.")
    report_id: strawberry.ID | None = strawberry.field(
        default=None, description="The OPEN report about them this acts on (then ACTIONED)."
    )


@strawberry.input(description="An admin lifts a member's suspension or ban.")
class UnsuspendMemberInput:
    user_id: strawberry.ID = strawberry.field(description="The member (a User id).")
    reason: str = strawberry.field(description="Why: 3 to 2000 characters, sent to them.")


@strawberry.type(description="The result of `dismissReport`.")
class DismissReportPayload:
    report: MemberReport | None = strawberry.field(description="The report; null when refused.")
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The result of `warnMember` and `unsuspendMember`.")
class ModerateMemberPayload:
    user: User | None = strawberry.field(description="The member; null when refused.")
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The result of `suspendMember` and `banMember`.")
class RestrictMemberPayload:
    user: User | None = strawberry.field(description="The member; null when refused.")
    requests: list[MentorshipRequest] | None = strawberry.field(
        description="Their open requests, closed now."
    )
    user_errors: list[UserError] = user_errors_field()


def _enum(cls: Any, value: Any) -> Any:
    return None if value is None else cls(value)


@strawberry.type
class SafetyQuery:
    @field_resolver(description="The members you blocked, newest first.")
    async def blocked_members(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[BlockedMember]:
        page = await safety.blocked_members(info.context, Slice.of(first, after, last, before))
        return connection(page)

    @field_resolver(description="Admins: the reports, oldest first.")
    async def reports(
        self,
        info: Info,
        status: Annotated[
            ReportStatus | None,
            strawberry.argument(description="Only reports in this status (default: all)."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[MemberReport]:
        page = await safety.report_queue(
            info.context,
            _enum(ReportStatusEnum, status),
            Slice.of(first, after, last, before),
        )
        return connection(page)

    @field_resolver(description="Admins: what admins did, newest first.")
    async def admin_audit_log(
        self,
        info: Info,
        actor: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this admin's (a User id).")
        ] = None,
        action: Annotated[
            AuditAction | None,
            strawberry.argument(description="Only this kind of action."),
        ] = None,
        target: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only actions on this member (a User id)."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AdminAuditEntry]:
        page = await safety.admin_audit_log(
            info.context,
            actor=actor,
            action=_enum(AuditActionEnum, action),
            target=target,
            page=Slice.of(first, after, last, before),
        )
        return connection(page)

    @field_resolver(description="Admins: the members, newest first.")
    async def members(
        self,
        info: Info,
        role: Annotated[
            MemberRole | None,
            strawberry.argument(description="Only members with this role."),
        ] = None,
        status: Annotated[
            MemberStatus | None,
            strawberry.argument(description="Only members in this standing."),
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Only members whose email or name starts with this (any case;"
                " at most 100 characters)."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[User]:
        page = await safety.member_list(
            info.context,
            role=_enum(MemberRoleEnum, role),
            status=_enum(MemberStatusEnum, status),
            search=search,
            page=Slice.of(first, after, last, before),
        )
        return connection(page)


@strawberry.type
class SafetyMutation:
    @mutation(
        description="Block a member: they can no longer ask you for mentorship, see your"
        " contact or write to you, and the open requests between you are closed. They are"
        " not told."
    )
    async def block_member(
        self, info: Info, input: Annotated[BlockMemberInput, INPUT]
    ) -> BlockMemberPayload:
        work = safety.block_member(info.context, input.user_id)
        return await payload(BlockMemberPayload, work, "user", "requests")

    @mutation(description="Lift a block (closed requests stay closed).")
    async def unblock_member(
        self, info: Info, input: Annotated[BlockMemberInput, INPUT]
    ) -> UnblockMemberPayload:
        work = safety.unblock_member(info.context, input.user_id)
        return await payload(UnblockMemberPayload, work, "user")

    @mutation(
        description="Report a member to the admins (one open report per member; at most 10"
        " reports an hour: TOO_SOON)."
    )
    async def report_member(
        self, info: Info, input: Annotated[ReportMemberInput, INPUT]
    ) -> ReportPayload:
        work = safety.report_member(
            info.context, input.user_id, ReportCategoryEnum(input.category), input.reason
        )
        return await payload(ReportPayload, work, "report")

    @mutation(
        description="Report a request you are a side of to the admins (one open report per"
        " request; at most 10 reports an hour: TOO_SOON)."
    )
    async def report_mentorship_request(
        self, info: Info, input: Annotated[ReportMentorshipRequestInput, INPUT]
    ) -> ReportPayload:
        work = safety.report_request(
            info.context, input.request_id, ReportCategoryEnum(input.category), input.reason
        )
        return await payload(ReportPayload, work, "report")

    @mutation(description="Admins: close a report without acting (audited).")
    async def dismiss_report(
        self, info: Info, input: Annotated[DismissReportInput, INPUT]
    ) -> DismissReportPayload:
        work = safety.dismiss_report(info.context, input.report_id, input.note)
        return await payload(DismissReportPayload, work, "report")

    @mutation(description="Admins: warn a member by email (audited).")
    async def warn_member(
        self, info: Info, input: Annotated[WarnMemberInput, INPUT]
    ) -> ModerateMemberPayload:
        work = safety.warn_member(info.context, input.user_id, input.reason, input.report_id)
        return await payload(ModerateMemberPayload, work, "user")

    @mutation(
        description="Admins: suspend a member until a time: they cannot sign in, their"
        " sessions end, their listings disappear and their open requests close (audited)."
    )
    async def suspend_member(
        self, info: Info, input: Annotated[SuspendMemberInput, INPUT]
    ) -> RestrictMemberPayload:
        work = safety.suspend_member(
            info.context, input.user_id, input.until, input.reason, input.report_id
        )
        return await payload(RestrictMemberPayload, work, "user", "requests")

    @mutation(description="Admins: ban a member, as a suspension without an end (audited).")
    async def ban_member(
        self, info: Info, input: Annotated[BanMemberInput, INPUT]
    ) -> RestrictMemberPayload:
        work = safety.ban_member(info.context, input.user_id, input.reason, input.report_id)
        return await payload(RestrictMemberPayload, work, "user", "requests")

    @mutation(
        description="Admins: lift a member's suspension or ban; a mentor stays unavailable"
        " until they set themselves available (audited)."
    )
    async def unsuspend_member(
        self, info: Info, input: Annotated[UnsuspendMemberInput, INPUT]
    ) -> ModerateMemberPayload:
        work = safety.unsuspend_member(info.context, input.user_id, input.reason)
        return await payload(ModerateMemberPayload, work, "user")

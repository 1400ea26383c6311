"""applyToMentor, reviewMentorApplication, and reading applications (the applicant and admins)."""

from __future__ import annotations

from mentorgraph.models.directory import mentor_applications
from mentorgraph.models.directory.application_records import ApplicationStatus, MentorApplication
from mentorgraph.models.privacy import is_self_or_admin
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.ids import decode_id_of
from mentorgraph.resolvers.pagination import Page, Slice, keyset_page

__all__ = ["apply", "list_for_admin", "review", "visible_application"]


async def apply(ctx: Context, motivation: str) -> MentorApplication:
    return await mentor_applications.apply_to_mentor(ctx.require_viewer(), motivation)


async def review(
    ctx: Context, application_id: str, *, approve: bool, reason: str | None
) -> MentorApplication:
    pk = decode_id_of("MentorApplication", application_id, "applicationId")
    admin = ctx.require_admin()
    return await mentor_applications.review_application(admin, pk, approve=approve, reason=reason)


async def visible_application(ctx: Context, application_id: int) -> MentorApplication | None:
    application = await MentorApplication.get_or_none(id=application_id)
    if application is None or not is_self_or_admin(ctx.viewer, application.user_id):
        return None
    return application


async def list_for_admin(
    ctx: Context, status: ApplicationStatus | None, page: Slice
) -> Page[MentorApplication]:
    ctx.require_admin()
    queryset = MentorApplication.all()
    if status is not None:
        queryset = queryset.filter(status=status)
    return await keyset_page(queryset, [("id", False)], page)

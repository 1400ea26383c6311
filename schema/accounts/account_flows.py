"""Email verification, changing the address, data export and leaving (issue 16):
`verifyEmail`, `resendVerificationEmail`, `changeEmail`, `exportMyData`, `emailMyDataExport`,
`deleteAccount`, `cancelAccountDeletion`. The flows: docs/accounts.md."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from mentorgraph.models.accounts.account_tokens import MAX_TOKEN_LENGTH
from mentorgraph.models.accounts.validation import MAX_EMAIL_LENGTH
from mentorgraph.models.limits import Limits
from mentorgraph.resolvers.accounts import account_flows
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import INPUT
from mentorgraph.schema.errors import UserError, payload, user_errors_field
from mentorgraph.schema.resolver_fields import mutation

__all__ = ["AccountFlowMutation"]

RULES = Limits()


@strawberry.input(description="The token of an emailed confirmation link.")
class VerifyEmailInput:
    token: str = strawberry.field(
        description=f"From the link (after #token=); works once. At most {MAX_TOKEN_LENGTH}"
        " characters."
    )


@strawberry.input(description="A new email address for your account, and your password.")
class ChangeEmailInput:
    new_email: str = strawberry.field(description=f"At most {MAX_EMAIL_LENGTH} characters.")
    password: str = strawberry.field(description="Your current password.")


@strawberry.input(description="Your password, to confirm that you want to leave.")
class DeleteAccountInput:
    password: str = strawberry.field(description="Your current password.")


@strawberry.input(description="How to prove the deletion to cancel is yours.")
class CancelAccountDeletionInput:
    token: str | None = strawberry.field(
        default=None,
        description="The token of the link in the deletion email (after #token=); without it,"
        " sign in and cancel your own.",
    )


@strawberry.type(
    description="The result of `verifyEmail`, `cancelAccountDeletion` and `emailMyDataExport`."
)
class AccountFlowPayload:
    ok: bool | None = strawberry.field(description="True when done; null when refused.")
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The result of `resendVerificationEmail`.")
class ResendVerificationEmailPayload:
    sent: bool | None = strawberry.field(
        description="Whether a link was sent (false: your address is confirmed and no change"
        " waits); null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The result of `changeEmail`.")
class ChangeEmailPayload:
    changed: bool | None = strawberry.field(
        description="True when the address changed now (no verification required); false when"
        " it changes once confirmed from the new inbox; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The result of `exportMyData`.")
class ExportMyDataPayload:
    document: str | None = strawberry.field(
        description="Everything held about you, as the text of one JSON document (format"
        " `mentorgraph-export/1`, docs/accounts.md): a file to keep, not a graph to select"
        " from; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The result of `deleteAccount`.")
class DeleteAccountPayload:
    deletion_due_at: datetime | None = strawberry.field(
        description="When the account is anonymised unless you cancel; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type
class AccountFlowMutation:
    @mutation(
        description="Confirm an email address with the emailed link's token (no sign-in needed):"
        " the account is verified, and a change's new address replaces the old."
        " INVALID_VERIFICATION_TOKEN when unknown, used, expired or replaced by a newer link."
    )
    async def verify_email(
        self, info: Info, input: Annotated[VerifyEmailInput, INPUT]
    ) -> AccountFlowPayload:
        work = account_flows.verify_email(info.context, input.token)
        return await payload(AccountFlowPayload, work, "ok")

    @mutation(
        description="Email a new confirmation link for your address waiting to be confirmed"
        f" (signed in; older links stop working). VERIFICATION_THROTTLED past"
        f" {RULES.verification_emails_per_window} an hour (by default)."
    )
    async def resend_verification_email(self, info: Info) -> ResendVerificationEmailPayload:
        work = account_flows.resend_verification_email(info.context)
        return await payload(ResendVerificationEmailPayload, work, "sent")

    @mutation(
        description="Use another email address (signed in, with your password). The old one"
        " stays yours until the new one is confirmed from its inbox; the old one is told."
        " EMAIL_TAKEN, INVALID_CREDENTIALS, VERIFICATION_THROTTLED."
    )
    async def change_email(
        self, info: Info, input: Annotated[ChangeEmailInput, INPUT]
    ) -> ChangeEmailPayload:
        work = account_flows.change_email(
            info.context, new_email=input.new_email, password=input.password
        )
        return await payload(ChangeEmailPayload, work, "changed")

    @mutation(
        description="Everything held about you as one JSON document (signed in). A mutation:"
        f" each is counted, EXPORT_THROTTLED past {RULES.data_exports_per_hour} an hour (by"
        " default, together with `emailMyDataExport`)."
    )
    async def export_my_data(self, info: Info) -> ExportMyDataPayload:
        return await payload(
            ExportMyDataPayload, account_flows.export_my_data(info.context), "document"
        )

    @mutation(
        description="Email the document of `exportMyData` to your address, attached as a"
        " JSON file (signed in; throttled with it). EXPORT_TOO_LARGE when the file would"
        " exceed the attachment limit (then use `exportMyData`)."
    )
    async def email_my_data_export(self, info: Info) -> AccountFlowPayload:
        work = account_flows.email_my_data_export(info.context)
        return await payload(AccountFlowPayload, work, "ok")

    @mutation(
        description="Delete your account (signed in, with your password) after a grace period"
        f" ({RULES.account_deletion_grace_days:g} days by default): every session ends now,"
        " you are no longer listed, and an email holds a link that cancels it. Then your"
        " personal data is removed; your requests stay as anonymous records for the other side."
    )
    async def delete_account(
        self, info: Info, input: Annotated[DeleteAccountInput, INPUT]
    ) -> DeleteAccountPayload:
        work = account_flows.delete_account(info.context, input.password)
        return await payload(DeleteAccountPayload, work, "deletion_due_at")

    @mutation(
        description="Keep your account during the grace period: signed in, or with the"
        " emailed link's token. INVALID_CANCELLATION_TOKEN when nothing is left to cancel."
    )
    async def cancel_account_deletion(
        self, info: Info, input: Annotated[CancelAccountDeletionInput, INPUT]
    ) -> AccountFlowPayload:
        work = account_flows.cancel_account_deletion(info.context, input.token)
        return await payload(AccountFlowPayload, work, "ok")

"""Email verification, changing the address, data export and leaving (issue 16): thin calls
into `models/accounts/email_verification.py`, `models/accounts/data_export.py`,
`models/accounts/account_deletion.py`."""

from __future__ import annotations

from datetime import datetime

from mentorgraph.models.accounts import account_deletion, data_export, email_verification
from mentorgraph.resolvers.context import Context

__all__ = [
    "cancel_account_deletion",
    "change_email",
    "delete_account",
    "email_my_data_export",
    "export_my_data",
    "resend_verification_email",
    "verify_email",
]


async def verify_email(ctx: Context, token: str) -> bool:
    await email_verification.verify_email(token)
    return True


async def resend_verification_email(ctx: Context) -> bool:
    return await email_verification.resend(ctx.require_viewer())


async def change_email(ctx: Context, *, new_email: str, password: str) -> bool:
    return await email_verification.change_email(
        ctx.require_viewer(), new_email=new_email, password=password
    )


async def export_my_data(ctx: Context) -> str:
    return data_export.as_text(await data_export.export_of(ctx.require_viewer()))


async def email_my_data_export(ctx: Context) -> bool:
    await data_export.email_export(ctx.require_viewer())
    return True


async def delete_account(ctx: Context, password: str) -> datetime:
    return await account_deletion.schedule_deletion(ctx.require_viewer(), password=password)


async def cancel_account_deletion(ctx: Context, token: str | None) -> bool:
    """With the emailed link's token anyone holding it may cancel; without, the signed-in
    member cancels their own."""
    if token is not None:
        await account_deletion.cancel_by_token(token)
    else:
        await account_deletion.cancel_deletion(ctx.require_viewer())
    return True

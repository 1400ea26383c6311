"""Records behind authentication rules that must hold across server processes."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

__all__ = ["AccountToken", "KnownAddress", "PasswordReset", "RefreshToken", "Session", "Throttle"]


class Throttle(Model):
    """The attempts counted under one key (`models/throttle.py`): logIn failures per account
    and address pair, per account, per address; sign-ups per address.

    Times are epoch seconds (floats) so that one SQL text compares them on both databases.
    """

    # A digest of what is counted (e.g. "login-pair" + email + address): fixed length whatever
    # a client sends, and no raw email of a stranger kept.
    key = fields.CharField(max_length=64, primary_key=True)
    attempts = fields.IntField(default=0)
    # The wait the last counted attempt imposed (0 while attempts are still free); doubles.
    backoff_seconds = fields.FloatField(default=0)
    last_attempt_at = fields.FloatField(default=0)
    # No attempt is counted (nor checked) under this key before this time.
    blocked_until = fields.FloatField(default=0)

    class Meta:
        table = "throttles"


class KnownAddress(Model):
    """A client address a user has signed in from with the right password: from there the
    account-wide and address-wide logIn ceilings do not apply to them
    (`models/accounts/accounts.py`)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    address = fields.CharField(max_length=64)
    last_signed_in_at = fields.DatetimeField()

    class Meta:
        table = "known_addresses"
        unique_together = (("user", "address"),)


class Session(Model):
    """One sign-in (logIn, signUp, `mentorgraph token`): the family of its refresh tokens, and
    what its access tokens name (`sid`), so that ending it ends them
    (`models/accounts/sessions.py`)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    # What the client said it was at sign-in or its last refresh (cut, never trusted).
    user_agent = fields.CharField(max_length=200, default="")
    user_id: int
    address = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    # The sign-in or the last refresh.
    last_used_at = fields.DatetimeField()
    # Unless refreshed before, the session ends then (sliding: each refresh moves it).
    expires_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    # Why it ended (`mentorgraph.models.accounts.sessions.EndReason`), for the owner and the audit.
    end_reason = fields.CharField(max_length=20, null=True)

    class Meta:
        table = "sessions"
        indexes = [("user_id", "ended_at")]


class RefreshToken(Model):
    """Every refresh token a session was given, by its SHA-256 (the token itself is never
    stored). A used one stays: presenting it again is reuse, and ends its session."""

    token_hash = fields.CharField(max_length=64, primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name=False, on_delete=fields.CASCADE
    )
    session_id: int
    created_at = fields.DatetimeField()
    # Set once, by the one refresh that spent it (a conditional update: of concurrent
    # refreshes with the same token exactly one sets it).
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_tokens"
        # Ending or deleting a session finds its tokens (cascades) without a scan.
        indexes = [("session_id",)]


class PasswordReset(Model):
    """An emailed password-reset token, by its SHA-256 (`models/accounts/password_reset.py`): single
    use (`used_at`, set by a conditional update), valid until `expires_at`."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "password_resets"
        # A reset spends the account's other live tokens.
        indexes = [("user_id", "used_at")]


class AccountToken(Model):
    """An emailed single-use account link by its SHA-256 (`models/accounts/account_tokens.py`):
    confirm an address (`purpose` VERIFY_EMAIL, with the address it confirms) or cancel a scheduled
    deletion (CANCEL_DELETION). Spent by one conditional update of `used_at`."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    purpose = fields.CharField(max_length=20)
    # The address a VERIFY_EMAIL link confirms (the sign-up's, or the new one of a change).
    email = fields.CharField(max_length=254, default="")
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account_tokens"
        # A new link spends the account's older live ones of the same purpose.
        indexes = [("user_id", "purpose", "used_at")]

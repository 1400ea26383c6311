"""Records behind authentication rules that must hold across server processes."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

__all__ = ["KnownAddress", "Throttle"]


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
    account-wide and address-wide logIn ceilings do not apply to them (`models/accounts.py`)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    address = fields.CharField(max_length=64)
    last_signed_in_at = fields.DatetimeField()

    class Meta:
        table = "known_addresses"
        unique_together = (("user", "address"),)

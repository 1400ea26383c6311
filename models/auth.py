"""Records behind authentication rules that must hold across server processes."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

__all__ = ["LoginFailure"]


class LoginFailure(Model):
    """One failed logIn, keyed by email or by client address, for throttling."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=300)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "login_failures"
        indexes = [("key", "created_at")]

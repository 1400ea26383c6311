"""Signed one-click unsubscribe links: stop one kind of notification email (or all of them)
without signing in.

A token names the member, what it stops (a `NotificationKind`, or ALL) and when it stops
working; an HMAC keyed from the server's secret signs it, so nothing in it can be changed.
Unsubscribing is idempotent, so a token needs no row and may be used any number of times
until it expires. It is a secret (it changes someone's settings): never logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from mentorgraph.models import clock
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications.email_preferences import (
    EmailFrequency,
    NotificationKind,
    set_frequency,
)
from mentorgraph.models.requests.email_links import derive_key

__all__ = [
    "ALL_KINDS",
    "UNSUBSCRIBE_PATH",
    "UnsubscribeClaims",
    "UnsubscribeRefusal",
    "UnsubscribeRefused",
    "apply_unsubscribe",
    "check_token",
    "unsubscribe_token",
    "unsubscribe_url",
]

_VERSION = "u1"
_PURPOSE = b"mentorgraph unsubscribe links v1"
# What a digest email's link stops: every kind of notification email.
ALL_KINDS = "ALL"
UNSUBSCRIBE_PATH = "/email/unsubscribe"
MAX_TOKEN = 200


class UnsubscribeRefusal(StrEnum):
    INVALID = "LINK_INVALID"  # malformed, forged or altered
    EXPIRED = "LINK_EXPIRED"


class UnsubscribeRefused(Exception):
    def __init__(self, refusal: UnsubscribeRefusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True, slots=True)
class UnsubscribeClaims:
    user_id: int
    # The kinds it stops (every kind for ALL).
    kinds: tuple[NotificationKind, ...]
    expires_at: datetime


def _signature(body: str) -> str:
    raw = hmac.new(derive_key(_PURPOSE), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsubscribe_token(user_id: int, scope: NotificationKind | str) -> str:
    expires = clock.now() + timedelta(days=limits().unsubscribe_link_days)
    body = f"{_VERSION}.{user_id}.{scope}.{int(expires.timestamp())}"
    return f"{body}.{_signature(body)}"


def unsubscribe_url(user_id: int, scope: NotificationKind | str) -> str:
    """The link in an email's footer and its List-Unsubscribe header (RFC 8058: the same URL
    takes the one-click POST)."""
    base = limits().public_api_url.rstrip("/")
    return f"{base}{UNSUBSCRIBE_PATH}?token={unsubscribe_token(user_id, scope)}"


def check_token(token: str) -> UnsubscribeClaims:
    """The claims of a well-signed, unexpired token; UnsubscribeRefused for anything else."""
    parts = token.split(".")
    if len(token) > MAX_TOKEN or len(parts) != 5 or parts[0] != _VERSION:
        raise UnsubscribeRefused(UnsubscribeRefusal.INVALID)
    body, signature = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(signature.encode(), _signature(body).encode()):
        raise UnsubscribeRefused(UnsubscribeRefusal.INVALID)
    try:
        user_id, expires = int(parts[1]), int(parts[3])
        scope = parts[2]
        kinds = tuple(NotificationKind) if scope == ALL_KINDS else (NotificationKind(scope),)
    except ValueError:  # a signed token always has these right; defensive only
        raise UnsubscribeRefused(UnsubscribeRefusal.INVALID) from None
    expires_at = datetime.fromtimestamp(expires, UTC)
    if clock.now() >= expires_at:
        raise UnsubscribeRefused(UnsubscribeRefusal.EXPIRED)
    return UnsubscribeClaims(user_id, kinds, expires_at)


async def apply_unsubscribe(token: str) -> UnsubscribeClaims:
    """Set the token's kinds to NEVER for its member (again: no change)."""
    claims = check_token(token)
    await set_frequency(claims.user_id, claims.kinds, EmailFrequency.NEVER)
    return claims

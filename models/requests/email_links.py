"""Signed one-click links in emails: a mentor answers a request from their inbox.

A link's token names the request and the mentor it was sent to and when it stops working, and
carries a random nonce; an HMAC (keyed from the server's secret) signs all of it, so nothing
in it can be changed. The database keeps one row per token (only the nonce's SHA-256: a copy
of the table opens nothing), and using it is a conditional update of that row inside the
transaction that makes the decision: a token works once, whichever process serves it, and a
refused decision (rolled back) leaves it usable.

Tokens are secrets: they are never logged, and never put in an exception message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.limits import limits
from mentorgraph.models.requests.requests import MentorshipRequest

__all__ = [
    "EmailLink",
    "LinkClaims",
    "LinkRefusal",
    "LinkRefused",
    "configure_link_key",
    "derive_key",
    "find_link",
    "issue_link",
    "parse_token",
    "spend_link",
]

_VERSION = "m1"
_CONTEXT = b"mentorgraph email links v1"
# Where the signing key comes from: the server's secret, asked for when a link is first signed
# or checked (`mentorgraph.rules_setup`; commands that never touch a link never read it).
# Unconfigured: a random key, and links work in this process only.
_secret: Callable[[], str] | None = None
_key: bytes | None = None


class EmailLink(Model):
    id = fields.BigIntField(primary_key=True)
    # SHA-256 of the token's nonce (hex); the nonce itself exists only in the email.
    digest = fields.CharField(max_length=64, unique=True)
    request: fields.ForeignKeyRelation[MentorshipRequest] = fields.ForeignKeyField(
        "models.MentorshipRequest", related_name="email_links", on_delete=fields.CASCADE
    )
    mentor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="email_links", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    # Set by the decision that used it; a used link is refused.
    used_at = fields.DatetimeField(null=True)

    request_id: int
    mentor_id: int

    class Meta:
        table = "email_links"


class LinkRefusal(StrEnum):
    INVALID = "LINK_INVALID"  # malformed, forged, altered, or unknown
    EXPIRED = "LINK_EXPIRED"
    USED = "LINK_USED"


class LinkRefused(Exception):
    """The link cannot be used; the message says why, in words for the person who clicked."""

    def __init__(self, refusal: LinkRefusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True, slots=True)
class LinkClaims:
    request_id: int
    mentor_id: int
    expires_at: datetime
    digest: str


def configure_link_key(secret: Callable[[], str]) -> None:
    """Sign with a key derived from the server's secret (the same in every process)."""
    global _secret, _key
    _secret, _key = secret, None


def _signing_key() -> bytes:
    global _key
    if _key is None:
        secret = _secret() if _secret is not None else secrets.token_hex(32)
        _key = hmac.new(secret.encode(), _CONTEXT, hashlib.sha256).digest()
    return _key


def derive_key(purpose: bytes) -> bytes:
    """A key of its own for another kind of signed link (e.g. unsubscribe links), from the
    same secret: a token of one kind never verifies as another."""
    return hmac.new(_signing_key(), purpose, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _signature(body: str) -> str:
    return _b64(hmac.new(_signing_key(), body.encode(), hashlib.sha256).digest())


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


async def issue_link(conn: BaseDBAsyncClient, request: MentorshipRequest) -> str:
    """A new token for the request's mentor, recorded on `conn` (the email's transaction)."""
    now = clock.now()
    expires = now + timedelta(days=limits().email_link_days)
    nonce = _b64(secrets.token_bytes(24))
    await EmailLink.create(
        digest=_digest(nonce),
        request_id=request.id,
        mentor_id=request.mentor_id,
        created_at=now,
        expires_at=expires,
        using_db=conn,
    )
    body = f"{_VERSION}.{request.id}.{request.mentor_id}.{int(expires.timestamp())}.{nonce}"
    return f"{body}.{_signature(body)}"


def parse_token(token: str) -> LinkClaims:
    """The claims of a well-signed token; LinkRefused(INVALID) for anything else."""
    parts = token.split(".")
    if len(parts) != 6 or parts[0] != _VERSION or len(token) > 200:
        raise LinkRefused(LinkRefusal.INVALID)
    body, signature = ".".join(parts[:5]), parts[5]
    if not hmac.compare_digest(signature.encode(), _signature(body).encode()):
        raise LinkRefused(LinkRefusal.INVALID)
    try:
        request_id, mentor_id, expires = int(parts[1]), int(parts[2]), int(parts[3])
    except ValueError:  # a signed token always has numbers there; defensive only
        raise LinkRefused(LinkRefusal.INVALID) from None
    return LinkClaims(
        request_id, mentor_id, datetime.fromtimestamp(expires, UTC), _digest(parts[4])
    )


async def find_link(token: str) -> EmailLink:
    """The row of a valid, unexpired, unused token (as committed now), else LinkRefused."""
    claims = parse_token(token)
    link = await EmailLink.get_or_none(digest=claims.digest)
    if link is None or link.request_id != claims.request_id or link.mentor_id != claims.mentor_id:
        raise LinkRefused(LinkRefusal.INVALID)
    if clock.now() >= claims.expires_at:
        raise LinkRefused(LinkRefusal.EXPIRED)
    if link.used_at is not None:
        raise LinkRefused(LinkRefusal.USED)
    return link


async def spend_link(conn: BaseDBAsyncClient, link_id: int) -> None:
    """Mark the link used inside the decision's transaction; LinkRefused(USED) if another
    decision spent it first (its commit decided: the update matches no row)."""
    spent = (
        await EmailLink.filter(id=link_id, used_at__isnull=True)
        .using_db(conn)
        .update(used_at=clock.now())
    )
    if spent != 1:
        raise LinkRefused(LinkRefusal.USED)

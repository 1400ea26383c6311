"""Persisted GraphQL documents, by the sha256 of their text: what lets a client send a hash
instead of a document (Apollo's automatic persisted queries, and operations registered ahead of
time from an app's manifest). Shared by every server process through the database.

Two kinds: *registered* documents (`register`, from `mentorgraph persist-operations`) are kept
until unregistered by hand; *automatic* ones (registered by clients, `save_automatic`) are a
cache bounded in count: beyond `max_stored`, the oldest are deleted, and a client whose hash was
evicted is told PERSISTED_QUERY_NOT_FOUND and resends the document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from tortoise import fields
from tortoise.models import Model

from mentorgraph.models import clock
from mentorgraph.models.sql import column_values

__all__ = [
    "PersistedQuery",
    "StoredDocument",
    "document_hash",
    "find_document",
    "register",
    "save_automatic",
]


def document_hash(document: str) -> str:
    """The hash a client computes: sha256 of the document's UTF-8 text, lowercase hex."""
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


class PersistedQuery(Model):
    # Insertion order: the eviction of automatic documents deletes the lowest ids first.
    id = fields.IntField(primary_key=True)
    sha256 = fields.CharField(max_length=64, unique=True)
    document = fields.TextField()
    registered = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "persisted_queries"
        indexes = (("registered", "id"),)


@dataclass(frozen=True, slots=True)
class StoredDocument:
    document: str
    registered: bool


async def find_document(sha256: str) -> StoredDocument | None:
    row = await PersistedQuery.get_or_none(sha256=sha256).values("document", "registered")
    if row is None:
        return None
    return StoredDocument(row["document"], bool(row["registered"]))


async def save_automatic(sha256: str, document: str, *, max_stored: int) -> None:
    """Keep a client-registered document (a no-op if another process already did), then delete
    the oldest automatic documents beyond `max_stored`."""
    await PersistedQuery.bulk_create(
        [PersistedQuery(sha256=sha256, document=document, created_at=clock.now())],
        ignore_conflicts=True,
    )
    # The id of the oldest automatic document that stays; everything older goes.
    keep_from = (
        await PersistedQuery.filter(registered=False)
        .order_by("-id")
        .offset(max(max_stored - 1, 0))
        .limit(1)
        .values_list("id", flat=True)
    )
    if keep_from:
        await PersistedQuery.filter(registered=False, id__lt=keep_from[0]).delete()


async def register(manifest: Mapping[str, str]) -> int:
    """Register `{sha256: document}` (hashes already checked); returns how many were new."""
    known = column_values(
        await PersistedQuery.filter(sha256__in=list(manifest), registered=True).values_list(
            "sha256", flat=True
        ),
        str,
    )
    fresh = {sha: doc for sha, doc in manifest.items() if sha not in known}
    if not fresh:
        return 0
    # Documents a client registered before become registered ones (same text: same hash).
    await PersistedQuery.filter(sha256__in=list(fresh)).update(registered=True)
    await PersistedQuery.bulk_create(
        [
            PersistedQuery(sha256=sha, document=doc, registered=True, created_at=clock.now())
            for sha, doc in fresh.items()
        ],
        ignore_conflicts=True,
    )
    return len(fresh)

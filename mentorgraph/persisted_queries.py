"""Persisted queries over HTTP: Apollo's automatic persisted queries (APQ) and operations
registered ahead of time (`mentorgraph persist-operations`), per `Settings.persisted_queries`.

APQ, as Apollo's `@apollo/client/link/persisted-queries` speaks it: the client first sends only
`extensions.persistedQuery.sha256Hash` (POST, or GET for queries with `useGETForHashedQueries`);
on a miss it hears PERSISTED_QUERY_NOT_FOUND (message "PersistedQueryNotFound", status 200 as
Apollo Server answers, so every link sees the error) and sends the document with the hash. The
document's own sha256 must equal the hash (else PERSISTED_QUERY_HASH_MISMATCH); it is stored only
after it ran without a document error (it parsed and validated: no garbage is stored), and the
next hash-only request finds it. After resolving the hash to a document the request goes the
way of any other (the fast read path on PostgreSQL first).

Bounds against a hostile client: a document stored is at most `max_body_bytes` (413 beyond,
over GET too), it must validate, and the table keeps at most
`persisted_queries_max_stored` automatic documents (oldest deleted first), so disk use is
bounded by their product; each process keeps `persisted_queries_cache_entries` in memory.
In "registered-only" mode nothing is stored by clients at all.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

from mentorgraph.models.errors import FaultCode
from mentorgraph.models.persisted_queries import (
    StoredDocument,
    document_hash,
    find_document,
    save_automatic,
)
from mentorgraph.request_rules import GraphQLParams, RequestRefused, check_size

__all__ = ["PersistedQueries", "ResolvedQuery"]

Mode = Literal["off", "automatic", "registered-only"]

NOT_FOUND = FaultCode.PERSISTED_QUERY_NOT_FOUND
NOT_SUPPORTED = FaultCode.PERSISTED_QUERY_NOT_SUPPORTED
NOT_REGISTERED = FaultCode.PERSISTED_QUERY_NOT_REGISTERED
HASH_MISMATCH = FaultCode.PERSISTED_QUERY_HASH_MISMATCH


@dataclass(frozen=True, slots=True)
class ResolvedQuery:
    query: str
    # Set when the client sent a document with a hash not yet stored: store it if it runs.
    store_as: str | None = None


class PersistedQueries:
    def __init__(
        self, mode: Mode, *, max_stored: int, cache_entries: int, max_document_bytes: int
    ) -> None:
        self.mode = mode
        # A POST body is bounded already; a GET query string only by the HTTP parser's header
        # limit: a document stored is bounded like a body, whichever way it came.
        self.max_document_bytes = max_document_bytes
        self.max_stored = max_stored
        self.cache_entries = cache_entries
        self._cache: OrderedDict[str, StoredDocument] = OrderedDict()

    async def resolve(self, params: GraphQLParams) -> ResolvedQuery:
        """The document to run, or RequestRefused with the code a client acts on."""
        sha256 = params.persisted_hash
        if sha256 is None:
            assert params.query is not None  # `graphql_params` guarantees one of the two
            if self.mode == "registered-only":
                await self._registered(document_hash(params.query))
            return ResolvedQuery(params.query)
        if self.mode == "off":
            # Apollo's link stops hashing for good on this message.
            raise RequestRefused("PersistedQueryNotSupported", status=200, code=NOT_SUPPORTED)
        if params.query is not None and document_hash(params.query) != sha256:
            raise RequestRefused(
                "The document's sha256 does not match 'sha256Hash'.", code=HASH_MISMATCH
            )
        if self.mode == "registered-only":
            return ResolvedQuery((await self._registered(sha256)).document)
        stored = await self._lookup(sha256)
        if stored is not None:
            return ResolvedQuery(stored.document)
        if params.query is None:
            raise RequestRefused("PersistedQueryNotFound", status=200, code=NOT_FOUND)
        check_size(len(params.query.encode("utf-8")), self.max_document_bytes)
        return ResolvedQuery(params.query, store_as=sha256)

    async def store(self, sha256: str, document: str) -> None:
        """Keep a document the client registered (it ran without a document error)."""
        await save_automatic(sha256, document, max_stored=self.max_stored)
        self._remember(sha256, StoredDocument(document, registered=False))

    async def _registered(self, sha256: str) -> StoredDocument:
        stored = await self._lookup(sha256)
        if stored is not None and not stored.registered:
            # Stored by a client earlier, and perhaps registered since: ask the table.
            stored = await find_document(sha256)
            if stored is not None:
                self._remember(sha256, stored)
        if stored is None or not stored.registered:
            raise RequestRefused(
                "Only registered operations run on this server: register the operation"
                " (`mentorgraph persist-operations`) and send its sha256 hash.",
                code=NOT_REGISTERED,
            )
        return stored

    async def _lookup(self, sha256: str) -> StoredDocument | None:
        stored = self._cache.get(sha256)
        if stored is not None:
            self._cache.move_to_end(sha256)
            return stored
        stored = await find_document(sha256)
        if stored is not None:
            self._remember(sha256, stored)
        return stored

    def _remember(self, sha256: str, stored: StoredDocument) -> None:
        self._cache[sha256] = stored
        self._cache.move_to_end(sha256)
        while len(self._cache) > self.cache_entries:
            self._cache.popitem(last=False)

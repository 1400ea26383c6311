"""Reads an app's persisted-operation manifest for `mentorgraph persist-operations FILE`.

Two formats, as the tools write them:
- Apollo's `generate-persisted-query-manifest` (`@apollo/generate-persisted-query-manifest`):
  `{"format": "apollo-persisted-query-manifest", "version": 1,
    "operations": [{"id": sha256, "name", "type", "body": document}, ...]}`;
- Relay's `relay-compiler` with `persistConfig: {"file": ..., "algorithm": "SHA256"}`, and
  any `{hash: document}` object: `{"<id>": "<document>", ...}`.

Documents are registered under the sha256 of their text, the hash APQ clients send. A 64-digit
hex key must be that sha256 (a mismatch is an error: the app would send a hash that finds
nothing); other keys (Relay's default MD5 or SHA1 ids) are accepted and reported, since the
server cannot answer by them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from mentorgraph.models.persisted_queries import document_hash
from mentorgraph.request_rules import SHA256_HEX

__all__ = ["Manifest", "ManifestError", "read_manifest"]

APOLLO_FORMAT = "apollo-persisted-query-manifest"


class ManifestError(Exception):
    """The file is not a manifest we can register from (the message says why)."""


@dataclass
class Manifest:
    # sha256 -> document
    documents: dict[str, str] = field(default_factory=dict)
    # Keys that are not sha256 hashes (registered by the sha256 of their document instead).
    other_ids: list[str] = field(default_factory=list)


def read_manifest(path: Path, *, max_document_bytes: int) -> Manifest:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path}: not a readable JSON file ({exc})") from None
    if isinstance(data, dict) and data.get("format") == APOLLO_FORMAT:
        if data.get("version") != 1 or not isinstance(data.get("operations"), list):
            raise ManifestError(f"{path}: only version 1 of {APOLLO_FORMAT} is understood")
        entries = [
            (op.get("id"), op.get("body")) if isinstance(op, dict) else (None, None)
            for op in data["operations"]
        ]
    elif isinstance(data, dict):
        entries = list(data.items())
    else:
        raise ManifestError(f"{path}: expected a JSON object")
    manifest = Manifest()
    for key, document in entries:
        if not isinstance(key, str) or not isinstance(document, str) or not document.strip():
            raise ManifestError(f"{path}: every entry needs an id and a document ({key!r})")
        if len(document.encode("utf-8")) > max_document_bytes:
            raise ManifestError(f"{path}: {key} exceeds {max_document_bytes} bytes")
        sha256 = document_hash(document)
        if SHA256_HEX.fullmatch(key):
            if key != sha256:
                raise ManifestError(f"{path}: {key} is not the sha256 of its document")
        else:
            manifest.other_ids.append(key)
        manifest.documents[sha256] = document
    return manifest

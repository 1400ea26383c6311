"""The `Node` interface: every entity has an opaque global id."""

from __future__ import annotations

from typing import Any

import strawberry

from mentorgraph.schema.resolver_fields import field_resolver

__all__ = ["Node"]


@strawberry.interface(description="An object with a global, opaque id.")
class Node:
    # A resolver rather than an attribute: each type encodes its own id from its model row
    # (`root`), and an attribute here could only be overridden by an attribute (mypy's dataclass
    # rule), which forced a `type: ignore` on every implementation.
    @field_resolver(
        description="Global and opaque: pass it to `node(id:)`; stable across sessions."
    )
    def id(self, root: strawberry.Parent[Any]) -> strawberry.ID:
        raise NotImplementedError("each Node type resolves its own id")

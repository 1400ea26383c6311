"""The `Node` interface: every entity has an opaque global id."""

from __future__ import annotations

import strawberry

__all__ = ["Node"]


@strawberry.interface(description="An object with a global, opaque id.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Global and opaque: pass it to `node(id:)`; stable across sessions."
    )

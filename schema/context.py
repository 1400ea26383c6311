"""The `Info` type every resolver receives."""

from __future__ import annotations

from strawberry import Info as _Info

from mentorgraph.resolvers.context import Context

__all__ = ["Context", "Info"]

Info = _Info[Context, None]

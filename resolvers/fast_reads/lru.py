"""The compiled read path's caches: plain dicts kept in least-recently-used order, bounded."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

__all__ = ["remember"]


def remember(cache: OrderedDict[Any, Any], key: Any, value: Any, size: int) -> None:
    """Least recently used out once the cache holds `size` entries."""
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)

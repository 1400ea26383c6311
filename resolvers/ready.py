"""A loader's value at once when this request already loaded it, else the awaitable load.

A resolver that returns a plain value spares graphql-core a coroutine, a future and an
event-loop round per field; a page that loads its items' relations ahead (one batch statement
each, as the fields would) lets every item's field answer that way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Hashable
from typing import TypeVar

from strawberry.dataloader import DataLoader

__all__ = ["now_or_later"]

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


def now_or_later(loader: DataLoader[K, T], key: K) -> T | Awaitable[T]:
    future = loader.cache_map.get(key)
    # A failed load is not reused here: `load` hands back its error the usual way.
    if future is not None and future.done() and not future.cancelled() and not future.exception():
        return future.result()
    return loader.load(key)

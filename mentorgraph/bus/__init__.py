"""The event bus behind live subscriptions: `EventBus` (in-process) and `PostgresBus`."""

from __future__ import annotations

from mentorgraph.bus.base import EventBus, Subscriber
from mentorgraph.bus.postgres import PostgresBus
from mentorgraph.settings import Settings

__all__ = ["EventBus", "PostgresBus", "Subscriber", "create_bus"]


def create_bus(settings: Settings) -> EventBus:
    """PostgreSQL: LISTEN/NOTIFY across processes. SQLite (one process): in-process only."""
    if settings.is_sqlite:
        return EventBus(queue_size=settings.subscription_queue_size)
    return PostgresBus(settings.resolved_database_url, queue_size=settings.subscription_queue_size)

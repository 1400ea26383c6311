"""Open WebSockets counted per client address and per account, and their accounts watched.

The limits are per server process (the counts live in this process's memory): with WORKERS
processes a client may hold up to WORKERS times as many sockets. That bounds what one client
costs each process, which is the point; counting across processes would need a shared store
for no gain in safety.

A socket takes a `SocketSlot` at the upgrade (its address) and adds its account at
`connection_init`. The registry also checks, every `account_check_seconds`, with one query for
all of them, that the accounts of its open sockets still exist, and closes the sockets of a
deleted account (a token stays valid until it expires; its account may not); and, with one
more, that their sessions are live, closing those of an ended session (logOut, a password
change: `models/accounts/sessions.py`), whichever process ended it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

from mentorgraph.models import clock
from mentorgraph.models.accounts.sessions import live_among
from mentorgraph.models.accounts.users import User
from mentorgraph.models.safety import standing
from mentorgraph.models.sql import column_values

__all__ = ["SocketRegistry", "SocketSlot"]

logger = logging.getLogger("mentorgraph.sockets")

Key = TypeVar("Key", str, int)


class SocketSlot:
    """One open socket's place in the registry: released exactly once when it closes."""

    __slots__ = (
        "_registry",
        "address",
        "on_account_deleted",
        "on_session_ended",
        "released",
        "session_id",
        "user_id",
    )

    def __init__(self, registry: SocketRegistry, address: str) -> None:
        self._registry = registry
        self.address = address
        self.user_id: int | None = None
        self.released = False
        # Set by the socket's handler: how to close it when its account is gone.
        self.on_account_deleted: Callable[[], None] | None = None
        # The session its token names (None: a session-less token), and how to close the
        # socket when that session ends.
        self.session_id: int | None = None
        self.on_session_ended: Callable[[], None] | None = None

    def claim_user(self, user_id: int) -> bool:
        """Count this socket for `user_id`; False (and not counted) beyond the limit."""
        return self._registry._claim_user(self, user_id)

    def release(self) -> None:
        self._registry._release(self)


class SocketRegistry:
    def __init__(self, per_address: int, per_user: int, account_check_seconds: float) -> None:
        self.per_address = per_address
        self.per_user = per_user
        self.account_check_seconds = account_check_seconds
        self._by_address: Counter[str] = Counter()
        self._by_user: Counter[int] = Counter()
        self._signed_in: set[SocketSlot] = set()
        self._watcher: asyncio.Task[None] | None = None

    def open(self, address: str) -> SocketSlot | None:
        """A slot for a new socket from `address`, or None beyond the limit."""
        if self._by_address[address] >= self.per_address:
            return None
        self._by_address[address] += 1
        return SocketSlot(self, address)

    def _claim_user(self, slot: SocketSlot, user_id: int) -> bool:
        assert slot.user_id is None and not slot.released
        if self._by_user[user_id] >= self.per_user:
            return False
        self._by_user[user_id] += 1
        slot.user_id = user_id
        self._signed_in.add(slot)
        return True

    def _release(self, slot: SocketSlot) -> None:
        if slot.released:
            return
        slot.released = True
        _decrement(self._by_address, slot.address)
        if slot.user_id is not None:
            _decrement(self._by_user, slot.user_id)
            self._signed_in.discard(slot)

    # The account watcher, started and stopped with the app.

    def start(self) -> None:
        if self._watcher is None:
            self._watcher = asyncio.create_task(self._watch(), name="socket-accounts")

    async def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.gather(self._watcher, return_exceptions=True)
            self._watcher = None

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.account_check_seconds)
            try:
                await self.close_sockets_of_deleted_accounts()
            except Exception:  # a database hiccup: try again next round
                logger.warning("could not check the accounts of open sockets", exc_info=True)

    async def close_sockets_of_deleted_accounts(self) -> None:
        user_ids = {slot.user_id for slot in self._signed_in}
        if not user_ids:
            return
        # Accounts gone, suspended or banned: their sockets close.
        existing = column_values(
            await User.filter(standing.good_standing_q(clock.now()), id__in=user_ids).values_list(
                "id", flat=True
            ),
            int,
        )
        for slot in list(self._signed_in):
            if slot.user_id not in existing and slot.on_account_deleted is not None:
                slot.on_account_deleted()
        session_ids = {s.session_id for s in self._signed_in if s.session_id is not None}
        live = await live_among(session_ids)
        for slot in list(self._signed_in):
            ended = slot.session_id is not None and slot.session_id not in live
            if ended and slot.on_session_ended is not None:
                slot.on_session_ended()


def _decrement(counter: Counter[Key], key: Key) -> None:
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]

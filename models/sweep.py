"""The sweep: the ladder (`models/requests/ladder.py`) plus the directory's response scores, run by
every server process each minute and by `mentorgraph sweep`.

With several processes on PostgreSQL only one sweeps at a time: the sweep holds a session-level
advisory lock on a connection of its own for the whole pass (a transaction-scoped lock would
force the whole pass into one long transaction). Others skip their turn rather than queue: the
next minute comes soon enough. On SQLite a single process serves the database, and the ladder's
own guarantees (unique reminder steps, transitions under row locks) hold regardless.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from tortoise import connections

from mentorgraph.models import clock, throttle
from mentorgraph.models.accounts import account_deletion, account_emails, password_reset, sessions
from mentorgraph.models.directory.response_scores import refresh_scores
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications import outbox
from mentorgraph.models.notifications.digest import send_digests
from mentorgraph.models.notifications.inbox import purge_read
from mentorgraph.models.requests.ladder import LadderReport, run_ladder
from mentorgraph.models.safety import standing

__all__ = ["SWEEP_LOCK_KEY", "SweepReport", "sweep", "sweep_lock"]

# Any fixed 64-bit number, the same in every process: "mentorgraph sweep" in ASCII, shortened.
SWEEP_LOCK_KEY = 0x6D67_7377_6565_70


@dataclass
class SweepReport:
    ladder: LadderReport
    scores_changed: int = 0
    digests: int = 0
    skipped: bool = False

    def __str__(self) -> str:
        if self.skipped:
            return "another process is sweeping; skipped"
        return (
            f"reminded {self.ladder.reminded}, expired {self.ladder.expired},"
            f" set unavailable {self.ladder.set_unavailable},"
            f" released {self.ladder.released}, back from a pause {self.ladder.returned},"
            f" response scores changed {self.scores_changed}, digests {self.digests}"
        )


@contextlib.asynccontextmanager
async def sweep_lock() -> AsyncIterator[bool]:
    """Yields whether this process may sweep now (always, on SQLite)."""
    client = connections.get("default")
    if client.capabilities.dialect != "postgres":
        yield True
        return
    async with client.acquire_connection() as raw:
        held = bool(await raw.fetchval("SELECT pg_try_advisory_lock($1)", SWEEP_LOCK_KEY))
        try:
            yield held
        finally:
            if held:
                # Session-level: the pool would hand the connection on still holding it.
                await raw.fetchval("SELECT pg_advisory_unlock($1)", SWEEP_LOCK_KEY)


async def sweep() -> SweepReport:
    async with sweep_lock() as held:
        if not held:
            return SweepReport(ladder=LadderReport(), skipped=True)
        ladder = await run_ladder()
        # Throttle rows nobody has counted under for longer than any rule remembers.
        lim = limits()
        await throttle.forget_stale(
            clock.now(), max(lim.login_forget_seconds, lim.signup_window_seconds)
        )
        # Old sessions, spent reset tokens, and the reset links in sent emails (issue 16).
        await sessions.forget_old(clock.now())
        await standing.clear_ended_suspensions(clock.now())
        await password_reset.forget_spent(clock.now())
        # Notifications (docs/notifications.md): due daily digests, and old read ones purged.
        digests = await send_digests(clock.now())
        await purge_read(clock.now())
        # Accounts whose deletion's grace period is over, and sent emails with links or data.
        await account_deletion.anonymise_due(clock.now())
        await account_emails.forget_sent()
        await outbox.forget_old_emails(clock.now())
        return SweepReport(ladder=ladder, scores_changed=await refresh_scores(), digests=digests)

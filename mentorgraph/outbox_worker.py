"""Delivers due outbox emails: claim with a lease, send, mark sent; on failure back off and retry,
at most `max_attempts` times: then the email has failed (unsent, `attempts` at the maximum, its
`last_error` saying why) and is no longer claimed; raising the setting gives it more tries.

Claims are conditional updates (`... WHERE leased_until IS NULL OR leased_until < now`), so several
server processes (and a cron `mentorgraph deliver-emails`) can run workers at once without sending
one email twice while the lease holds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from tortoise.expressions import Q

from mentorgraph.mailer import EmailBackend, build_message
from mentorgraph.models import clock
from mentorgraph.models.notifications.outbox import OutboxEmail, attachments_of

__all__ = ["DeliveryReport", "OutboxWorker", "backoff"]

logger = logging.getLogger("mentorgraph.outbox")


def backoff(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, at most an hour."""
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0


class OutboxWorker:
    def __init__(
        self,
        backend: EmailBackend,
        *,
        sender: str,
        max_attempts: int,
        batch_size: int = 50,
        lease: timedelta = timedelta(minutes=2),
    ) -> None:
        self.backend = backend
        self.sender = sender
        self.max_attempts = max_attempts
        self.batch_size = batch_size
        self.lease = lease

    def _claimable(self) -> Q:
        now = clock.now()
        return Q(sent_at=None, next_attempt_at__lte=now, attempts__lt=self.max_attempts) & (
            Q(leased_until=None) | Q(leased_until__lt=now)
        )

    async def deliver_due(self) -> DeliveryReport:
        report = DeliveryReport()
        candidates = (
            await OutboxEmail.filter(self._claimable())
            .order_by("id")
            .limit(self.batch_size)
            .values_list("id", flat=True)
        )
        for email_id in candidates:
            claimed = await OutboxEmail.filter(self._claimable(), id=email_id).update(
                leased_until=clock.now() + self.lease
            )
            if not claimed:
                continue  # another worker holds it
            row = await OutboxEmail.get(id=email_id)
            try:
                attached = await attachments_of(row.id)
                await self.backend.send(build_message(row, self.sender, attached))
            except Exception as exc:  # any failure to hand over is retried later
                attempts = row.attempts + 1
                await OutboxEmail.filter(id=email_id).update(
                    attempts=attempts,
                    last_error=f"{type(exc).__name__}: {exc}"[:500],
                    next_attempt_at=clock.now() + backoff(attempts),
                    leased_until=None,
                )
                if attempts >= self.max_attempts:
                    logger.error("email %s failed after %s attempts: %s", email_id, attempts, exc)
                else:
                    logger.warning(
                        "email %s not delivered (attempt %s): %s", email_id, attempts, exc
                    )
                report.failed += 1
                continue
            await OutboxEmail.filter(id=email_id).update(
                sent_at=clock.now(), attempts=row.attempts + 1, leased_until=None, last_error=None
            )
            report.sent += 1
        return report

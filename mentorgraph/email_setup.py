"""Builds the email backend and outbox worker from settings."""

from __future__ import annotations

from mentorgraph.mailer import ConsoleBackend, EmailBackend, SmtpBackend, SmtpConfig
from mentorgraph.outbox_worker import OutboxWorker
from mentorgraph.settings import Settings

__all__ = ["outbox_worker"]


def email_backend(settings: Settings) -> EmailBackend:
    if settings.email_backend == "smtp":
        return SmtpBackend(
            SmtpConfig(
                host=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username,
                password=settings.smtp_password,
                security=settings.smtp_security,
            )
        )
    return ConsoleBackend()


def outbox_worker(settings: Settings) -> OutboxWorker:
    return OutboxWorker(
        email_backend(settings),
        sender=settings.email_from,
        max_attempts=settings.outbox_max_attempts,
    )

"""Email backends: SMTP for real delivery, console for development (logs instead of sending)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

import aiosmtplib

from models.outbox import OutboxEmail

__all__ = ["ConsoleBackend", "EmailBackend", "SmtpBackend", "SmtpConfig", "build_message"]

logger = logging.getLogger("mentorgraph.mail")


def build_message(row: OutboxEmail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_email
    message["Subject"] = row.subject
    # Stable across retries: a receiver can recognise a re-sent message as the same one.
    message["Message-ID"] = row.message_id
    message["Date"] = formatdate(row.created_at.timestamp(), usegmt=True)
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    return message


class EmailBackend(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class ConsoleBackend:
    """Logs each email (the default for `make serve`): nothing leaves the machine."""

    async def send(self, message: EmailMessage) -> None:
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        logger.info("email to %s: %s\n%s", message["To"], message["Subject"], text.rstrip())


@dataclass
class SmtpConfig:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    # "none", "starttls" or "tls" (implicit TLS, usually port 465).
    security: str = "none"
    timeout: float = 10.0


class SmtpBackend:
    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    async def send(self, message: EmailMessage) -> None:
        await aiosmtplib.send(
            message,
            hostname=self.config.host,
            port=self.config.port,
            username=self.config.username,
            password=self.config.password,
            use_tls=self.config.security == "tls",
            start_tls=self.config.security == "starttls",
            timeout=self.config.timeout,
        )

"""Reading what the outbox sent: a worker aimed at the test SMTP server, and message bodies."""

from __future__ import annotations

from email.message import Message

from mentorgraph.mailer import SmtpBackend, SmtpConfig
from mentorgraph.outbox_worker import OutboxWorker
from mentorgraph.settings import Settings
from tests.utils.smtp import SmtpServer


def worker_for(server: SmtpServer) -> OutboxWorker:
    backend = SmtpBackend(SmtpConfig(host="127.0.0.1", port=server.port, timeout=2))
    return OutboxWorker(
        backend,
        sender="mentorgraph <noreply@example.org>",
        max_attempts=Settings().outbox_max_attempts,
    )


def part_of(message: Message, content_type: str) -> str:
    for part in message.walk():
        if part.get_content_type() == content_type:
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no {content_type} part in {message['Subject']!r}")


def text_of(message: Message) -> str:
    return part_of(message, "text/plain")


def inbox(server: SmtpServer, address: str) -> list[Message]:
    return [m for m in server.messages if m["To"] == address]

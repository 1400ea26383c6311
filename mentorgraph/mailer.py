"""Email backends: SMTP for real delivery, console for development (logs instead of sending)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Protocol

import aiosmtplib

from mentorgraph.models.notifications.outbox import Attachment, OutboxEmail

__all__ = ["ConsoleBackend", "EmailBackend", "SmtpBackend", "SmtpConfig", "build_message"]

logger = logging.getLogger("mentorgraph.mail")


# What Python's email takes for a line break (`str.splitlines`): each is refused in a header.
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]+\s*")


def header_text(value: str) -> str:
    """`value` on one line: a line break in a header would end it and start another (a name
    "Eve\\r\\nBcc: ..." injecting a header); Python refuses such a header outright, which made
    the email fail on every retry. Breaks fold into one space."""
    return _LINE_BREAKS.sub(" ", value).strip()


# Header lines up to RFC 5322's limit: at the usual 78, a header with no room to fold (the
# List-Unsubscribe URL) is written as RFC 2047 encoded words, which no client reads as a URL.
WIRE_POLICY = policy.SMTP.clone(max_line_length=998)


def build_message(
    row: OutboxEmail, sender: str, attachments: Sequence[Attachment] = ()
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = header_text(sender)
    message["To"] = header_text(row.to_email)
    # Subjects carry people's names.
    message["Subject"] = header_text(row.subject)
    # Stable across retries: a receiver can recognise a re-sent message as the same one.
    message["Message-ID"] = row.message_id
    message["Date"] = formatdate(row.created_at.timestamp(), usegmt=True)
    if row.list_unsubscribe:
        # RFC 2369 and RFC 8058: mail clients offer "unsubscribe", and POST this URL (body
        # `List-Unsubscribe=One-Click`) without opening it in a browser.
        message["List-Unsubscribe"] = f"<{header_text(row.list_unsubscribe)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    for attachment in attachments:
        # multipart/mixed around the text/HTML alternatives: the file is offered as a file
        # (Content-Disposition: attachment), base64 on the wire whatever it holds.
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            filename=header_text(attachment.filename),
        )
    return message


class EmailBackend(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class ConsoleBackend:
    """Logs each email (the default for `make serve`): nothing leaves the machine."""

    async def send(self, message: EmailMessage) -> None:
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        # Named, never printed: an attachment (a member's data export) stays out of logs.
        files = [
            f"{part.get_filename()} ({part.get_content_type()})"
            for part in message.iter_attachments()
        ]
        if files:
            text = f"{text.rstrip()}\n[attached: {', '.join(files)}]"
        # INFO, which the server's logging (`logging_setup`) writes: one record per email,
        # readable in a terminal, one JSON line with LOG_FORMAT=json.
        logger.info(
            "email to %s: %s\n%s\n-- end of email",
            message["To"],
            message["Subject"],
            text.rstrip(),
            extra={"fields": {"email_to": message["To"]}},
        )


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
        # Flattened here with `WIRE_POLICY` (aiosmtplib would use its own, folding at 78).
        await aiosmtplib.send(
            message.as_bytes(policy=WIRE_POLICY),
            sender=parseaddr(str(message["From"]))[1],
            recipients=[parseaddr(str(message["To"]))[1]],
            hostname=self.config.host,
            port=self.config.port,
            username=self.config.username,
            password=self.config.password,
            use_tls=self.config.security == "tls",
            start_tls=self.config.security == "starttls",
            timeout=self.config.timeout,
        )

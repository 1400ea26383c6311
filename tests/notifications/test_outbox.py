"""The outbox delivers through a real SMTP server; a server outage loses and doubles nothing."""

from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from tortoise.transactions import in_transaction

from devkit.factories import make_user
from mentorgraph.models import clock
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications.email_templates import compose
from mentorgraph.models.notifications.outbox import (
    Attachment,
    Email,
    OutboxAttachment,
    OutboxEmail,
    enqueue_email,
)
from mentorgraph.models.sweep import sweep
from tests.utils.mail import part_of, worker_for
from tests.utils.smtp import SmtpServer


def email(n: int) -> Email:
    return Email(
        kind="test",
        to=f"person{n}@example.org",
        subject=f"Hello {n}",
        text=f"Plain body {n}",
        html=f"<p>HTML body {n}</p>",
    )


async def test_delivers_text_and_html_with_a_stable_message_id(db: None, smtp: SmtpServer) -> None:
    row = await enqueue_email(email(1))
    report = await worker_for(smtp).deliver_due()
    assert (report.sent, report.failed) == (1, 0)
    [message] = smtp.messages
    assert message["To"] == "person1@example.org"
    assert message["Subject"] == "Hello 1"
    assert message["Message-ID"] == row.message_id
    parts = {part.get_content_type(): part.get_payload(decode=True) for part in message.walk()}
    assert b"Plain body 1" in parts["text/plain"]
    assert b"<p>HTML body 1</p>" in parts["text/html"]
    await row.refresh_from_db()
    assert row.sent_at is not None
    assert (await worker_for(smtp).deliver_due()).sent == 0


async def test_rolled_back_changes_send_nothing(db: None, smtp: SmtpServer) -> None:
    with pytest.raises(RuntimeError):
        async with in_transaction() as connection:
            await enqueue_email(email(1), connection=connection)
            raise RuntimeError("the change failed")
    assert await OutboxEmail.all().count() == 0
    assert (await worker_for(smtp).deliver_due()).sent == 0


async def test_server_down_then_back_delivers_everything_once(db: None) -> None:
    server = SmtpServer()  # not started: connections are refused
    worker = worker_for(server)
    for n in range(5):
        await enqueue_email(email(n))

    down = await worker.deliver_due()
    assert (down.sent, down.failed) == (0, 5)
    rows = await OutboxEmail.all()
    assert all(r.attempts == 1 and r.sent_at is None and r.last_error for r in rows)

    # Not due yet: backing off.
    assert (await worker.deliver_due()).failed == 0

    clock.advance(timedelta(minutes=5))
    server.start()
    try:
        back = await worker.deliver_due()
        again = await worker.deliver_due()
    finally:
        server.stop()
    assert (back.sent, back.failed) == (5, 0)
    assert again.sent == 0
    assert sorted(m["To"] for m in server.messages) == [f"person{n}@example.org" for n in range(5)]
    assert len({m["Message-ID"] for m in server.messages}) == 5


async def test_a_live_lease_keeps_other_workers_off(db: None, smtp: SmtpServer) -> None:
    row = await enqueue_email(email(1))
    await OutboxEmail.filter(id=row.id).update(leased_until=clock.now() + timedelta(minutes=1))
    assert (await worker_for(smtp).deliver_due()).sent == 0
    clock.advance(timedelta(minutes=2))  # the other worker died; its lease ran out
    assert (await worker_for(smtp).deliver_due()).sent == 1
    assert len(smtp.messages) == 1


async def test_a_templated_email_arrives_as_text_and_escaped_html(
    db: None, smtp: SmtpServer
) -> None:
    # Names as people type them: accents, quotes, markup.
    to = await make_user(name="Zoë <b>O'Brien</b>", email="zoe@example.org")
    await enqueue_email(compose("request_cancelled", to, {"mentee": to, "note": "Ça va & <ok>"}))
    assert (await worker_for(smtp).deliver_due()).sent == 1
    [message] = smtp.messages
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == "Zoë <b>O'Brien</b> withdrew their request"
    assert message.get_content_type() == "multipart/alternative"
    text, html = part_of(message, "text/plain"), part_of(message, "text/html")
    assert text.startswith("Hi Zoë <b>O'Brien</b>,")
    assert "Ça va & <ok>" in text
    assert "Hi Zoë &lt;b&gt;O&#39;Brien&lt;/b&gt;," in html
    assert "Ça va &amp; &lt;ok&gt;" in html
    assert "<b>" not in html


async def test_the_sweep_forgets_emails_past_the_retention_sent_or_not(db: None) -> None:
    """The outbox is a queue, not an archive: a sent email goes `SENT_EMAIL_RETENTION_DAYS`
    after it was sent, one never sent (failed for good) as long after it was written, each
    with its attachments; younger ones stay, also when they failed."""
    retention = timedelta(days=limits().sent_email_retention_days)
    export = Attachment("export.json", "application/json", b"{}")
    failed = await enqueue_email(
        Email(
            kind="test",
            to="gone@example.org",
            subject="Export",
            text="t",
            html="<p>t</p>",
            attachments=(export,),
        )
    )
    await OutboxEmail.filter(id=failed.id).update(attempts=99, last_error="550 no such user")
    sent = await enqueue_email(email(2))
    clock.advance(retention / 2)
    await OutboxEmail.filter(id=sent.id).update(sent_at=clock.now())
    clock.advance(retention / 4)
    young_failure = await enqueue_email(email(3))
    await OutboxEmail.filter(id=young_failure.id).update(attempts=99, last_error="550")

    clock.advance(retention / 4 + timedelta(minutes=1))  # the failure written first is past it
    await sweep()
    kept = await OutboxEmail.all().order_by("id").values_list("id", flat=True)
    assert kept == [sent.id, young_failure.id]
    assert await OutboxAttachment.all().count() == 0

    clock.advance(retention / 2)  # the sent one too, a retention after its sending
    await sweep()
    assert await OutboxEmail.all().values_list("id", flat=True) == [young_failure.id]

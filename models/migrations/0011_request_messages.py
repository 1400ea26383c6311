"""Request message threads (`models/requests/request_messages.py`): the kind of each request event (a
database default marks the existing ones status changes), and an author's recent messages by
index for the flood throttle."""

from tortoise import fields, migrations
from tortoise.indexes import PartialIndex
from tortoise.migrations import operations as ops

from mentorgraph.models.requests.requests import EventKind


class Migration(migrations.Migration):
    dependencies = [("models", "0010_email_links_and_locale")]

    initial = False

    operations = [
        ops.AddField(
            model_name="RequestEvent",
            name="kind",
            field=fields.CharEnumField(
                default=EventKind.STATUS_CHANGE,
                description="STATUS_CHANGE: STATUS_CHANGE\nMESSAGE: MESSAGE",
                db_default="STATUS_CHANGE",
                enum_type=EventKind,
                max_length=16,
            ),
        ),
        ops.AddIndex(
            model_name="RequestEvent",
            index=PartialIndex(fields=["actor_id", "occurred_at"], condition={"kind": "MESSAGE"}),
        ),
    ]

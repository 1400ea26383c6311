"""Attachments of outbox emails (`models/notifications/outbox.py`: the emailed data export travels as a file),
and the decline reason ACCOUNT_CLOSED (`models/requests/requests.py`).

The reason is a new value of a varchar column (no CHECK constraint on either database): only the
column's description in the migration state changes. `DescribeField` records it without touching
the table, where SQLite's ALTER would rebuild `mentorship_requests` and lose the indexes made in
SQL (0006, 0016)."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from mentorgraph.models.requests.requests import DeclineReason


class DescribeField(ops.AlterField):
    """An AlterField for the migration state only (see above)."""

    async def database_forward(self, *args, **kwargs) -> None:
        return None

    async def database_backward(self, *args, **kwargs) -> None:
        return None


class Migration(migrations.Migration):
    dependencies = [("models", "0016_statistics_indexes")]

    initial = False

    operations = [
        ops.CreateModel(
            name="OutboxAttachment",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "email",
                    fields.ForeignKeyField(
                        "models.OutboxEmail",
                        source_field="email_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("filename", fields.CharField(max_length=120)),
                ("content_type", fields.CharField(max_length=100)),
                ("content", fields.BinaryField()),
                ("size", fields.IntField()),
            ],
            options={
                "table": "outbox_attachments",
                "app": "models",
                "indexes": [Index(fields=["email_id"])],
                "pk_attr": "id",
                "table_description": "One file an outbox email carries, sent as a MIME attachment.",
            },
            bases=["Model"],
        ),
        DescribeField(
            model_name="MentorshipRequest",
            name="decline_reason",
            field=fields.CharEnumField(
                null=True,
                description="NOT_A_GOOD_FIT: NOT_A_GOOD_FIT\nNO_CAPACITY: NO_CAPACITY\nNOT_ENOUGH_INFORMATION: NOT_ENOUGH_INFORMATION\nOUT_OF_EXPERTISE: OUT_OF_EXPERTISE\nMENTOR_INACTIVE: MENTOR_INACTIVE\nACCOUNT_CLOSED: ACCOUNT_CLOSED\nOTHER: OTHER",
                enum_type=DeclineReason,
                max_length=32,
            ),
        ),
    ]

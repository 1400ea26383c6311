"""The notification kind SET_UNAVAILABLE ("you were set unavailable", `models/notifications/inbox.py`).

A new value of two varchar columns (no CHECK constraint on either database): only the columns'
descriptions in the migration state change. `DescribeField` records them without touching the
tables, where SQLite's ALTER would rebuild `notifications` and `email_preferences` and lose the
indexes made in SQL."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from mentorgraph.models.notifications.email_preferences import NotificationKind

# Written out, not computed from the enum: a later kind must show up as a change of the models.
KINDS = "\n".join(
    f"{kind}: {kind}"
    for kind in (
        "REQUEST_NEW",
        "REQUEST_APPROVED",
        "REQUEST_DECLINED",
        "REQUEST_CANCELLED",
        "REQUEST_REMINDER",
        "REQUEST_EXPIRED",
        "REQUEST_MESSAGE",
        "FEEDBACK_RECEIVED",
        "SET_UNAVAILABLE",
    )
)


class DescribeField(ops.AlterField):
    """An AlterField for the migration state only (see above)."""

    async def database_forward(self, *args, **kwargs) -> None:
        return None

    async def database_backward(self, *args, **kwargs) -> None:
        return None


class Migration(migrations.Migration):
    dependencies = [("models", "0017_outbox_attachments")]

    initial = False

    operations = [
        DescribeField(
            model_name="EmailPreference",
            name="kind",
            field=fields.CharEnumField(
                description=KINDS, enum_type=NotificationKind, max_length=24
            ),
        ),
        DescribeField(
            model_name="Notification",
            name="kind",
            field=fields.CharEnumField(
                description=KINDS, enum_type=NotificationKind, max_length=24
            ),
        ),
    ]

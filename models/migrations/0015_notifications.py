"""Notifications in the app and email preferences (`models/notifications/inbox.py`, `models/notifications/email_preferences.py`),
and the one-click unsubscribe URL of a notification email (`outbox_emails.list_unsubscribe`)."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from mentorgraph.models.notifications.email_preferences import EmailFrequency, NotificationKind


class Migration(migrations.Migration):
    dependencies = [("models", "0014_safety")]

    initial = False

    operations = [
        ops.CreateModel(
            name="EmailPreference",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="email_preferences",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="REQUEST_NEW: REQUEST_NEW\nREQUEST_APPROVED: REQUEST_APPROVED\nREQUEST_DECLINED: REQUEST_DECLINED\nREQUEST_CANCELLED: REQUEST_CANCELLED\nREQUEST_REMINDER: REQUEST_REMINDER\nREQUEST_EXPIRED: REQUEST_EXPIRED\nREQUEST_MESSAGE: REQUEST_MESSAGE\nFEEDBACK_RECEIVED: FEEDBACK_RECEIVED",
                        enum_type=NotificationKind,
                        max_length=24,
                    ),
                ),
                (
                    "frequency",
                    fields.CharEnumField(
                        description="IMMEDIATELY: IMMEDIATELY\nDAILY_DIGEST: DAILY_DIGEST\nNEVER: NEVER",
                        enum_type=EmailFrequency,
                        max_length=16,
                    ),
                ),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "email_preferences",
                "app": "models",
                "unique_together": (("user", "kind"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="REQUEST_NEW: REQUEST_NEW\nREQUEST_APPROVED: REQUEST_APPROVED\nREQUEST_DECLINED: REQUEST_DECLINED\nREQUEST_CANCELLED: REQUEST_CANCELLED\nREQUEST_REMINDER: REQUEST_REMINDER\nREQUEST_EXPIRED: REQUEST_EXPIRED\nREQUEST_MESSAGE: REQUEST_MESSAGE\nFEEDBACK_RECEIVED: FEEDBACK_RECEIVED",
                        enum_type=NotificationKind,
                        max_length=24,
                    ),
                ),
                (
                    "request",
                    fields.ForeignKeyField(
                        "models.MentorshipRequest",
                        source_field="request_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications_caused",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("read_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("digest_pending", fields.BooleanField(default=False)),
            ],
            options={
                "table": "notifications",
                "app": "models",
                "indexes": [
                    Index(fields=["user_id", "read_at"]),
                    Index(fields=["digest_pending", "created_at"]),
                ],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="OutboxEmail",
            name="list_unsubscribe",
            field=fields.CharField(null=True, max_length=400),
        ),
    ]

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from mentorgraph.models.directory.application_records import ApplicationStatus


class Migration(migrations.Migration):
    dependencies = [("models", "0002_constraints")]

    initial = False

    operations = [
        ops.CreateModel(
            name="MentorApplication",
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
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mentor_applications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("motivation", fields.TextField(unique=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=ApplicationStatus.PENDING,
                        description="PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED",
                        enum_type=ApplicationStatus,
                        max_length=16,
                    ),
                ),
                ("decision_reason", fields.TextField(null=True, unique=False)),
                (
                    "reviewer",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="reviewer_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="reviewed_applications",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "mentor_applications",
                "app": "models",
                "indexes": [Index(fields=["status", "id"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="OutboxEmail",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("kind", fields.CharField(max_length=40)),
                ("to_email", fields.CharField(max_length=254)),
                ("subject", fields.CharField(max_length=250)),
                ("text_body", fields.TextField(unique=False)),
                ("html_body", fields.TextField(unique=False)),
                ("message_id", fields.CharField(unique=True, max_length=120)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("next_attempt_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "leased_until",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("attempts", fields.IntField(default=0)),
                ("last_error", fields.CharField(null=True, max_length=500)),
                ("sent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "outbox_emails",
                "app": "models",
                "indexes": [Index(fields=["sent_at", "next_attempt_at"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.RunSQL(
            # One pending application per user at a time, whatever races.
            "CREATE UNIQUE INDEX uniq_pending_application ON mentor_applications (user_id)"
            " WHERE status = 'PENDING'",
            reverse_sql="DROP INDEX uniq_pending_application",
        ),
    ]

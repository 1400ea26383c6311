from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from mentorgraph.models.requests.feedback import AuthorRole

# PostgreSQL also checks the rating itself (SQLite cannot add a CHECK to an existing table).
CHECKS = [
    "ALTER TABLE mentorship_feedback ADD CONSTRAINT ck_feedback_rating"
    " CHECK (rating BETWEEN 1 AND 5)",
]


async def forward(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        for sql in CHECKS:
            await client.execute_script(sql)


async def backward(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            "ALTER TABLE mentorship_feedback DROP CONSTRAINT IF EXISTS ck_feedback_rating"
        )


class Migration(migrations.Migration):
    dependencies = [("models", "0004_ladder")]

    initial = False

    operations = [
        ops.CreateModel(
            name="MentorshipFeedback",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "request",
                    fields.ForeignKeyField(
                        "models.MentorshipRequest",
                        source_field="request_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="feedback",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "author",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="author_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="feedback_given",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "subject",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="subject_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="feedback_received",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "author_role",
                    fields.CharEnumField(
                        description="MENTOR: MENTOR\nMENTEE: MENTEE",
                        enum_type=AuthorRole,
                        max_length=8,
                    ),
                ),
                ("rating", fields.SmallIntField()),
                ("comment", fields.TextField(null=True, unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "mentorship_feedback",
                "app": "models",
                "unique_together": (("request", "author"),),
                "indexes": [Index(fields=["subject_id", "author_role"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.RunPython(forward, backward),
    ]

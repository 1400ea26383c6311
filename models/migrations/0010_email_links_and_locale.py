"""One-click answer links in emails (`models/requests/email_links.py`), and the locale emails are written in."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class AddLocaleColumn(ops.AddField):
    """AddField writes no DEFAULT, which fails on a table that has rows (and leaves statements
    that insert users without naming the column failing): existing users write in English."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor:
            await state_editor.client.execute_script(
                'ALTER TABLE "users" ADD COLUMN "locale" VARCHAR(16) NOT NULL DEFAULT \'en\''
            )


class Migration(migrations.Migration):
    dependencies = [("models", "0009_sessions_and_password_resets")]

    initial = False

    operations = [
        ops.CreateModel(
            name="EmailLink",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("digest", fields.CharField(unique=True, max_length=64)),
                (
                    "request",
                    fields.ForeignKeyField(
                        "models.MentorshipRequest",
                        source_field="request_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="email_links",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "mentor",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="mentor_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="email_links",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "email_links", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
        AddLocaleColumn(
            model_name="User",
            name="locale",
            field=fields.CharField(default="en", max_length=16),
        ),
    ]

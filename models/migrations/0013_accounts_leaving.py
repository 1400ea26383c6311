"""Email verification and leaving (issue 16): `users.email_verified` (true for every account
that exists now), `users.deletion_due_at` and `users.deleted_at`, and `account_tokens` (emailed
verification and cancellation links, `models/accounts/account_tokens.py`)."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class AddVerifiedColumn(ops.AddField):
    """AddField writes no DEFAULT, which fails on a table that has rows: the accounts made
    before verification existed count as verified (and statements that insert users without
    naming the column make verified users, as the model does)."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor:
            postgres = state_editor.client.capabilities.dialect == "postgres"
            kind, true = ("BOOL", "TRUE") if postgres else ("INT", "1")
            await state_editor.client.execute_script(
                f'ALTER TABLE "users" ADD COLUMN "email_verified" {kind} NOT NULL DEFAULT {true}'
            )


class Migration(migrations.Migration):
    dependencies = [("models", "0012_mentor_pause")]

    initial = False

    operations = [
        ops.CreateModel(
            name="AccountToken",
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
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("purpose", fields.CharField(max_length=20)),
                ("email", fields.CharField(default="", max_length=254)),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "account_tokens",
                "app": "models",
                "indexes": [Index(fields=["user_id", "purpose", "used_at"])],
                "pk_attr": "id",
                "table_description": "An emailed single-use account link by its SHA-256 (`models/accounts/account_tokens.py`):",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="User",
            name="deleted_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="User",
            name="deletion_due_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        AddVerifiedColumn(
            model_name="User",
            name="email_verified",
            field=fields.BooleanField(default=True),
        ),
        ops.AddIndex(
            model_name="User",
            index=Index(fields=["deletion_due_at"]),
        ),
    ]

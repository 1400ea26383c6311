"""Sessions with rotating refresh tokens, and password resets (`models/accounts/sessions.py`, `models/accounts/password_reset.py`)."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0008_persisted_queries")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PasswordReset",
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
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "password_resets",
                "app": "models",
                "indexes": [Index(fields=["user_id", "used_at"])],
                "pk_attr": "id",
                "table_description": "An emailed password-reset token, by its SHA-256 (`models/accounts/password_reset.py`): single",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Session",
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
                ("user_agent", fields.CharField(default="", max_length=200)),
                ("address", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("last_used_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("ended_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("end_reason", fields.CharField(null=True, max_length=20)),
            ],
            options={
                "table": "sessions",
                "app": "models",
                "indexes": [Index(fields=["user_id", "ended_at"])],
                "pk_attr": "id",
                "table_description": "One sign-in (logIn, signUp, `mentorgraph token`): the family of its refresh tokens, and",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RefreshToken",
            fields=[
                (
                    "token_hash",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64),
                ),
                (
                    "session",
                    fields.ForeignKeyField(
                        "models.Session",
                        source_field="session_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "refresh_tokens",
                "app": "models",
                "indexes": [Index(fields=["session_id"])],
                "pk_attr": "token_hash",
                "table_description": "Every refresh token a session was given, by its SHA-256 (the token itself is never",
            },
            bases=["Model"],
        ),
    ]

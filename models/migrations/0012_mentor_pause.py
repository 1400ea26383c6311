"""A mentor's own pause (`users.unavailable_until`) and when their availability last changed
(`users.availability_changed_at`, what the silent-mentor rule counts from)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0011_request_messages')]

    initial = False

    operations = [
        ops.AddField(
            model_name='User',
            name='availability_changed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='User',
            name='unavailable_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='User',
            index=Index(fields=['unavailable_until']),
        ),
    ]

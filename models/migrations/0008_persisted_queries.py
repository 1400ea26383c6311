"""Persisted GraphQL documents by sha256 (`models/persisted_queries.py`): APQ and registered operations."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_login_throttles')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PersistedQuery',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('sha256', fields.CharField(unique=True, max_length=64)),
                ('document', fields.TextField(unique=False)),
                ('registered', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'persisted_queries', 'app': 'models', 'indexes': [Index(fields=['registered', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]

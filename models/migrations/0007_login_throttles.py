"""LogIn and signUp throttling by atomic counters (issue 11): one `throttles` row per key with
its back-off, replacing a row per failure (`login_failures`); and the addresses each user has
signed in from, which keep the owner out of the account-wide ceiling."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_explain_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='KnownAddress',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('address', fields.CharField(max_length=64)),
                ('last_signed_in_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'known_addresses', 'app': 'models', 'unique_together': (('user', 'address'),), 'pk_attr': 'id', 'table_description': 'A client address a user has signed in from with the right password: from there the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Throttle',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('backoff_seconds', fields.FloatField(default=0)),
                ('last_attempt_at', fields.FloatField(default=0)),
                ('blocked_until', fields.FloatField(default=0)),
            ],
            options={'table': 'throttles', 'app': 'models', 'pk_attr': 'key', 'table_description': 'The attempts counted under one key (`models/throttle.py`): logIn failures per account'},
            bases=['Model'],
        ),
        ops.DeleteModel(name='LoginFailure'),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index



class AddScoreColumn(ops.AddField):
    """AddField writes no DEFAULT, which fails on a table that has rows; existing mentors start
    with an unknown score (-1) until the first sweep computes it."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor:
            await state_editor.client.execute_script(
                'ALTER TABLE "users" ADD COLUMN "response_score" INT NOT NULL DEFAULT -1'
            )


class Migration(migrations.Migration):
    dependencies = [('models', '0003_outbox_and_applications')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AvailabilityChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('mentor', fields.ForeignKeyField('models.User', source_field='mentor_id', db_constraint=True, to_field='id', related_name='availability_changes', on_delete=OnDelete.CASCADE)),
                ('available', fields.BooleanField()),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='availability_changes_made', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.TextField(unique=False)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'availability_changes', 'app': 'models', 'indexes': [Index(fields=['mentor_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RequestReminder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('models.MentorshipRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='reminders', on_delete=OnDelete.CASCADE)),
                ('number', fields.SmallIntField(null=True)),
                ('sent_by', fields.ForeignKeyField('models.User', source_field='sent_by_id', null=True, db_constraint=True, to_field='id', related_name='reminders_sent', on_delete=OnDelete.SET_NULL)),
                ('sent_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'request_reminders', 'app': 'models', 'unique_together': (('request', 'number'),), 'indexes': [Index(fields=['request_id', 'sent_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        AddScoreColumn(
            model_name='User',
            name='response_score',
            field=fields.IntField(default=-1),
        ),
        ops.AddIndex(
            model_name='User',
            index=Index(fields=['is_mentor', 'available', 'response_score', 'id']),
        ),
    ]

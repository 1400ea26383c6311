"""Indexes for admins' statistics (`models/admin/admin_statistics.py`), each figure read by one index
range scan over the weeks asked for (docs/admin-statistics.md):
- requests by the time they were made, with what the request figures read (index-only);
- approved and completed mentorships by approval time, completed ones by completion time
  (partial: a small part of the requests);
- the silent-mentor rule's changes of availability by time (partial)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

INDEXES = {
    "idx_requests_made_at": "mentorship_requests (created_at, status, responded_at, decline_reason)",
    "idx_requests_approved_at": "mentorship_requests (responded_at)"
    " WHERE status IN ('APPROVED', 'COMPLETED')",
    "idx_requests_completed_at": "mentorship_requests (updated_at) WHERE status = 'COMPLETED'",
    "idx_availability_flagged": "availability_changes (occurred_at)"
    " WHERE actor_id IS NULL AND NOT available",
}


async def forward(apps, schema_editor) -> None:
    for name, definition in INDEXES.items():
        await schema_editor.client.execute_script(f"CREATE INDEX {name} ON {definition}")


async def backward(apps, schema_editor) -> None:
    for name in INDEXES:
        await schema_editor.client.execute_script(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("models", "0015_notifications")]

    initial = False

    operations = [ops.RunPython(forward, backward)]

"""Constraints and indexes the model layer cannot express: partial unique indexes, CHECKs
and PostgreSQL's trigram index for directory search."""

from tortoise import migrations
from tortoise.migrations import operations as ops

OPEN_STATUSES = "('NEW', 'VIEWED', 'APPROVED')"

COMMON = [
    # At most one open (or active) request per mentor-mentee pair, whatever races.
    "CREATE UNIQUE INDEX uniq_open_request_per_pair ON mentorship_requests (mentor_id, mentee_id)"
    f" WHERE status IN {OPEN_STATUSES}",
]

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Free-text search over name, title and bio; the directory query uses the same expression.
    "CREATE INDEX idx_users_search_trgm ON users USING gin"
    " (lower(name || ' ' || title || ' ' || bio) gin_trgm_ops) WHERE is_mentor",
    "ALTER TABLE mentorship_requests ADD CONSTRAINT ck_request_status CHECK (status IN"
    " ('NEW', 'VIEWED', 'APPROVED', 'DECLINED', 'CANCELLED', 'EXPIRED', 'COMPLETED'))",
    "ALTER TABLE users ADD CONSTRAINT ck_users_capacity CHECK (capacity >= 0)",
    "ALTER TABLE users ADD CONSTRAINT ck_users_email_lower CHECK (email = lower(email))",
]


async def forward(apps, schema_editor) -> None:
    client = schema_editor.client
    statements = list(COMMON)
    if client.capabilities.dialect == "postgres":
        statements += POSTGRES
    for sql in statements:
        await client.execute_script(sql)


async def backward(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_script("DROP INDEX IF EXISTS uniq_open_request_per_pair")
    if client.capabilities.dialect == "postgres":
        await client.execute_script("DROP INDEX IF EXISTS idx_users_search_trgm")
        for table, name in [
            ("mentorship_requests", "ck_request_status"),
            ("users", "ck_users_capacity"),
            ("users", "ck_users_email_lower"),
        ]:
            await client.execute_script(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    initial = False

    operations = [ops.RunPython(forward, backward)]

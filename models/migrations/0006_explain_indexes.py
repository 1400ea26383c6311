"""Indexes the 100,000-mentor EXPLAINs asked for (docs/benchmarks.md, "EXPLAIN at 100,000
mentors"): newest mentors first, a mentor's newest requests, the sweep's recent expiries, the
mentorship graph's edges, and (PostgreSQL) `available` in the country index."""

from tortoise import migrations
from tortoise.indexes import Index, PartialIndex
from tortoise.migrations import operations as ops

# The graph's edges (APPROVED or COMPLETED requests), mentor to mentee: the lineage walk
# (`models/graph/lineage.py`) reads them from the index alone. Without it, for a mentor with
# hundreds of mentees the planner hashes every edge of the graph at each step of the walk.
# The model layer cannot express an IN condition, so the index is written here.
EDGES_INDEX = (
    "CREATE INDEX idx_mentorship_edges ON mentorship_requests (mentor_id, mentee_id)"
    " WHERE status IN ('APPROVED', 'COMPLETED')"
)


# PostgreSQL only (SQLite has no INCLUDE): the country index of 0001, same name and keys, also
# carries `available`, so a country's mentors are counted from the index alone. Without it the
# planner preferred reading every mentor through the newest-mentors index below for counts and
# facets filtered by country (the two indexes' heap orders are priced very differently).
COUNTRY_INDEX = "idx_users_is_ment_c234d8"
COUNTRY_KEYS = "users (is_mentor, country, id)"


async def _country_index(schema_editor, definition: str) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(f"DROP INDEX {COUNTRY_INDEX}")
        await client.execute_script(f"CREATE INDEX {COUNTRY_INDEX} ON {definition}")


async def forward(apps, schema_editor) -> None:
    await _country_index(schema_editor, f"{COUNTRY_KEYS} INCLUDE (available)")


async def backward(apps, schema_editor) -> None:
    await _country_index(schema_editor, COUNTRY_KEYS)


class Migration(migrations.Migration):
    dependencies = [("models", "0005_mentorship_feedback")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="MentorshipRequest",
            index=Index(fields=["mentor_id", "id"]),
        ),
        ops.AddIndex(
            model_name="RequestEvent",
            index=PartialIndex(
                fields=["occurred_at", "request_id"], condition={"to_status": "EXPIRED"}
            ),
        ),
        ops.AddIndex(
            model_name="User",
            index=PartialIndex(fields=["id"], condition={"is_mentor": True}),
        ),
        ops.RunSQL(EDGES_INDEX, reverse_sql="DROP INDEX idx_mentorship_edges"),
        ops.RunPython(forward, backward),
    ]

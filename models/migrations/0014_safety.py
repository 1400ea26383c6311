"""Safety (issue 16): blocks, reports, the admin audit, members' standing; the indexes behind
the one-open-report rule and admins' member search by name or email prefix."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from mentorgraph.models.safety.safety_records import AuditAction, ReportCategory, ReportStatus

# Both databases: one OPEN report per reporter and target (`models/safety/reports.py`).
UNIQUE_OPEN_REPORT = (
    "CREATE UNIQUE INDEX uniq_open_report_per_target ON member_reports (reporter_id, target_key)"
    " WHERE status = 'OPEN'"
)
# PostgreSQL: `members(search:)` looks up prefixes of the (lower-cased) email and of the lower-cased
# name; text_pattern_ops serves `LIKE 'prefix%'` whatever the database's collation.
PREFIX_INDEXES = [
    "CREATE INDEX idx_users_email_prefix ON users (email text_pattern_ops)",
    "CREATE INDEX idx_users_name_prefix ON users (lower(name) text_pattern_ops)",
]


async def forward(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_script(UNIQUE_OPEN_REPORT)
    if client.capabilities.dialect == "postgres":
        for sql in PREFIX_INDEXES:
            await client.execute_script(sql)


async def backward(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_script("DROP INDEX IF EXISTS uniq_open_report_per_target")
    if client.capabilities.dialect == "postgres":
        for name in ("idx_users_email_prefix", "idx_users_name_prefix"):
            await client.execute_script(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("models", "0013_accounts_leaving")]

    initial = False

    operations = [
        ops.CreateModel(
            name="AdminAuditEntry",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "action",
                    fields.CharEnumField(
                        description="REVIEW_APPLICATION: REVIEW_APPLICATION\nSET_MENTOR_AVAILABILITY: SET_MENTOR_AVAILABILITY\nSEND_MENTOR_REMINDER: SEND_MENTOR_REMINDER\nDECLINE_REQUEST: DECLINE_REQUEST\nCANCEL_REQUEST: CANCEL_REQUEST\nDISMISS_REPORT: DISMISS_REPORT\nWARN_MEMBER: WARN_MEMBER\nSUSPEND_MEMBER: SUSPEND_MEMBER\nUNSUSPEND_MEMBER: UNSUSPEND_MEMBER\nBAN_MEMBER: BAN_MEMBER",
                        enum_type=AuditAction,
                        max_length=32,
                    ),
                ),
                (
                    "target_user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="target_user_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("target_request_id", fields.IntField(null=True)),
                ("target_report_id", fields.IntField(null=True)),
                ("reason", fields.TextField(default="", unique=False)),
                ("occurred_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "admin_audit",
                "app": "models",
                "indexes": [
                    Index(fields=["actor_id", "id"]),
                    Index(fields=["action", "id"]),
                    Index(fields=["target_user_id", "id"]),
                ],
                "pk_attr": "id",
                "table_description": "One admin action: who (`actor`), what (`action`, its target member, request or report),",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="MemberBlock",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "blocker",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="blocker_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "blocked",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="blocked_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "member_blocks",
                "app": "models",
                "unique_together": (("blocker", "blocked"),),
                "indexes": [Index(fields=["blocked_id", "blocker_id"])],
                "pk_attr": "id",
                "table_description": "`blocker` blocked `blocked`: one row per pair (the unique pair decides concurrent",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="MemberReport",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "reporter",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="reporter_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "target_user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="target_user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("target_request_id", fields.IntField(null=True)),
                ("target_key", fields.CharField(max_length=40)),
                (
                    "category",
                    fields.CharEnumField(
                        description="HARASSMENT: HARASSMENT\nSPAM: SPAM\nINAPPROPRIATE: INAPPROPRIATE\nIMPERSONATION: IMPERSONATION\nSAFETY: SAFETY\nOTHER: OTHER",
                        enum_type=ReportCategory,
                        max_length=16,
                    ),
                ),
                ("reason", fields.TextField(unique=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=ReportStatus.OPEN,
                        description="OPEN: OPEN\nDISMISSED: DISMISSED\nACTIONED: ACTIONED",
                        enum_type=ReportStatus,
                        max_length=10,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "resolved_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "resolved_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="resolved_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("resolution_note", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "member_reports",
                "app": "models",
                "indexes": [Index(fields=["status", "id"]), Index(fields=["target_user_id", "id"])],
                "pk_attr": "id",
                "table_description": "A member's report of another member, or of a request (then `target_user` is its other",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="User",
            name="banned_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="User",
            name="suspended_until",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name="User",
            index=Index(fields=["suspended_until"]),
        ),
        ops.AddIndex(
            model_name="User",
            index=Index(fields=["banned_at"]),
        ),
        ops.RunPython(forward, backward),
    ]

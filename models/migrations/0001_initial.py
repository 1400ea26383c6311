from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from mentorgraph.models.accounts.users import ChannelType
from mentorgraph.models.requests.requests import DeclineReason, RequestStatus


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="LoginFailure",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("key", fields.CharField(max_length=300)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "login_failures",
                "app": "models",
                "indexes": [Index(fields=["key", "created_at"])],
                "pk_attr": "id",
                "table_description": "One failed logIn, keyed by email or by client address, for throttling.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="User",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("email", fields.CharField(unique=True, max_length=254)),
                ("password_hash", fields.CharField(max_length=255)),
                ("name", fields.CharField(max_length=100)),
                ("avatar_url", fields.CharField(null=True, max_length=500)),
                ("title", fields.CharField(default="", max_length=100)),
                ("bio", fields.TextField(default="", unique=False)),
                ("country", fields.CharField(null=True, max_length=2)),
                ("is_mentor", fields.BooleanField(default=False)),
                ("is_admin", fields.BooleanField(default=False)),
                ("available", fields.BooleanField(default=True)),
                ("capacity", fields.IntField(default=3)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "users",
                "app": "models",
                "indexes": [
                    Index(fields=["is_mentor", "available", "id"]),
                    Index(fields=["is_mentor", "available", "name", "id"]),
                    Index(fields=["is_mentor", "country", "id"]),
                ],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Channel",
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
                        related_name="channels",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "type",
                    fields.CharEnumField(
                        description="EMAIL: EMAIL\nSLACK: SLACK\nLINKEDIN: LINKEDIN\nGITHUB: GITHUB\nTWITTER: TWITTER\nWEBSITE: WEBSITE",
                        enum_type=ChannelType,
                        max_length=16,
                    ),
                ),
                ("handle", fields.CharField(max_length=200)),
                ("position", fields.SmallIntField(default=0)),
            ],
            options={
                "table": "channels",
                "app": "models",
                "unique_together": (("user", "type"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Favorite",
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
                        related_name="favorites",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "mentor",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="mentor_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="favorited_by",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "favorites",
                "app": "models",
                "unique_together": (("user", "mentor"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="MentorshipRequest",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "mentor",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="mentor_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="received_requests",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "mentee",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="mentee_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sent_requests",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=RequestStatus.NEW,
                        description="NEW: NEW\nVIEWED: VIEWED\nAPPROVED: APPROVED\nDECLINED: DECLINED\nCANCELLED: CANCELLED\nEXPIRED: EXPIRED\nCOMPLETED: COMPLETED",
                        enum_type=RequestStatus,
                        max_length=16,
                    ),
                ),
                ("message", fields.TextField(unique=False)),
                ("background", fields.TextField(unique=False)),
                ("expectation", fields.TextField(unique=False)),
                (
                    "decline_reason",
                    fields.CharEnumField(
                        null=True,
                        description="NOT_A_GOOD_FIT: NOT_A_GOOD_FIT\nNO_CAPACITY: NO_CAPACITY\nNOT_ENOUGH_INFORMATION: NOT_ENOUGH_INFORMATION\nOUT_OF_EXPERTISE: OUT_OF_EXPERTISE\nMENTOR_INACTIVE: MENTOR_INACTIVE\nOTHER: OTHER",
                        enum_type=DeclineReason,
                        max_length=32,
                    ),
                ),
                ("response_message", fields.TextField(null=True, unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("viewed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "responded_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "mentorship_requests",
                "app": "models",
                "indexes": [
                    Index(fields=["mentee_id", "status", "id"]),
                    Index(fields=["mentor_id", "status", "id"]),
                    Index(fields=["status", "created_at"]),
                ],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RequestEvent",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "request",
                    fields.ForeignKeyField(
                        "models.MentorshipRequest",
                        source_field="request_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="events",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "from_status",
                    fields.CharEnumField(
                        null=True,
                        description="NEW: NEW\nVIEWED: VIEWED\nAPPROVED: APPROVED\nDECLINED: DECLINED\nCANCELLED: CANCELLED\nEXPIRED: EXPIRED\nCOMPLETED: COMPLETED",
                        enum_type=RequestStatus,
                        max_length=16,
                    ),
                ),
                (
                    "to_status",
                    fields.CharEnumField(
                        description="NEW: NEW\nVIEWED: VIEWED\nAPPROVED: APPROVED\nDECLINED: DECLINED\nCANCELLED: CANCELLED\nEXPIRED: EXPIRED\nCOMPLETED: COMPLETED",
                        enum_type=RequestStatus,
                        max_length=16,
                    ),
                ),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="request_events",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("occurred_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("note", fields.TextField(null=True, unique=False)),
            ],
            options={"table": "request_events", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="UserLanguage",
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
                        related_name="language_rows",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("language", fields.CharField(max_length=2)),
                ("position", fields.SmallIntField(default=0)),
            ],
            options={
                "table": "user_languages",
                "app": "models",
                "unique_together": (("user", "language"),),
                "indexes": [Index(fields=["language", "user_id"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="UserTag",
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
                        related_name="tag_rows",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("tag", fields.CharField(max_length=40)),
                ("position", fields.SmallIntField(default=0)),
            ],
            options={
                "table": "user_tags",
                "app": "models",
                "unique_together": (("user", "tag"),),
                "indexes": [Index(fields=["tag", "user_id"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]

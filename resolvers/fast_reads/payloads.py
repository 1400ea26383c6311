"""Mutation payloads as SQL: what a payload holds, read again after the write (`payload_reads.py`).

A payload is rendered over the Python object its resolver built
(`mentorgraph.schema.errors.payload`): the objects it holds (a request, a user, an application...)
are read again by id, with their selection, by the same renderings as any query (`one_request`,
`one_user`...); what only Python holds (userErrors, a token, a count) goes into the answer as it is
(`Build.python_value`), never through the database. The renderings read the payload only through the
`Build` (`Held`,
`Build.decide`, `Build.held_param`), so the statement is compiled once per payload shape and run
again for later payloads (`payload_reads.py`). So a payload type needs nothing but its fields
declared, most of them by `declare_payload` below::

    declare_payload("ApproveMentorshipRequestPayload", held=["request"])

- `held`: fields holding a model object (or a list of them) whose GraphQL type has a reader in
  `HOLDERS` (a new type: add its `one_<type>` there);
- `values`: fields holding a JSON-ready value (Int, Boolean, String; a DateTime as its scalar
  writes it), answered as Python holds it;
- `userErrors` is declared for every payload.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from graphql import GraphQLObjectType

from mentorgraph.models.requests.feedback import MentorshipFeedback
from mentorgraph.models.safety.safety_records import MemberReport
from mentorgraph.resolvers.fast_reads.admin import one_application
from mentorgraph.resolvers.fast_reads.build import Build, Held
from mentorgraph.resolvers.fast_reads.fields import declare, object_sql, renders
from mentorgraph.resolvers.fast_reads.nodes import one_event
from mentorgraph.resolvers.fast_reads.requests import one_request
from mentorgraph.resolvers.fast_reads.selection import Selected, Unsupported, child_type
from mentorgraph.resolvers.fast_reads.users import one_user

__all__ = ["HOLDERS", "declare_payload"]

FEEDBACK = MentorshipFeedback._meta.db_table
REPORTS = MemberReport._meta.db_table
# json_build_array takes at most 100 arguments.
_MAX_ITEMS = 100


def one_feedback(
    build: Build, selected: Selected, id_sql: str, runtime: GraphQLObjectType | None = None
) -> str:
    """The feedback whose id is `id_sql` (its comment under `FEEDBACK_COMMENT`, per field)."""
    f = build.alias("fb")
    feedback = object_sql(build, selected, f, runtime)
    return f"(SELECT {feedback} FROM {FEEDBACK} {f} WHERE {f}.id = {id_sql})"


def one_report(
    build: Build, selected: Selected, id_sql: str, runtime: GraphQLObjectType | None = None
) -> str:
    """The member report whose id is `id_sql` (its reporter's or an admin's: whoever the
    payload was built for)."""
    m = build.alias("mr")
    report = object_sql(build, selected, m, runtime)
    return f"(SELECT {report} FROM {REPORTS} {m} WHERE {m}.id = {id_sql})"


# A held object's GraphQL type -> its reader by id (each applies its type's visibility; the
# payloads hold only what their viewer may see, so the ordinary path answers the same).
HOLDERS: dict[str, Callable[..., str]] = {
    "MentorshipRequest": one_request,
    "User": one_user,
    "MentorApplication": one_application,
    "RequestEvent": one_event,
    "MentorshipFeedback": one_feedback,
    "MemberReport": one_report,
}


def attribute(selected: Selected) -> str:
    """The Python attribute behind a payload's field (Strawberry's own mapping)."""
    definition = selected.definition.extensions.get("strawberry-definition")
    if definition is None:
        raise Unsupported(f"{selected.name}: not a Strawberry field")
    return str(definition.python_name)


# What a payload's renderings read of it, each through the `Build` (`Held`): the statement is
# reused for later payloads of the same shape (`payload_reads.py`).


def _is_none(value: Any) -> bool:
    return value is None


def _is_list(value: Any) -> bool:
    return isinstance(value, list | tuple)


def _count(value: Any) -> int:
    return len(value or ())


def _pk(value: Any) -> int:
    return int(value.pk)


def _pks(values: Any) -> list[int]:
    return [int(v.pk) for v in values]


def _scalar(value: Any) -> Any:
    if isinstance(value, datetime):  # as the `DateTime` scalar serialises it
        return value.isoformat()
    return value


def _held(build: Build, selected: Selected, payload: Held) -> str:
    """The object (or the objects, in order) the payload holds, read again by id."""
    held = payload.attribute(attribute(selected))
    if build.decide(held, _is_none):
        return "NULL::json"
    one = HOLDERS[child_type(build.schema, selected).name]
    if not build.decide(held, _is_list):
        return one(build, selected, f"{build.held_param(held, _pk)}::bigint")
    p = build.alias("p")
    item = one(build, selected, f"{p}.id")
    ids = build.held_param(held, _pks)
    return (
        f"(SELECT coalesce(json_agg({item} ORDER BY {p}.n), '[]'::json)"
        f" FROM unnest({ids}::bigint[]) WITH ORDINALITY {p}(id, n))"
    )


def _value(build: Build, selected: Selected, payload: Held) -> str:
    return build.python_value(payload.attribute(attribute(selected)), _scalar)


def _user_errors(build: Build, selected: Selected, payload: Held) -> str:
    errors = payload.attribute(attribute(selected))
    count = build.decide(errors, _count)
    if not count:
        return "'[]'::json"
    if count > _MAX_ITEMS:
        raise Unsupported("too many userErrors for one array")
    items = (object_sql(build, selected, errors.item(i)) for i in range(count))
    return f"json_build_array({', '.join(items)})"


@renders("UserError", "field", "message", "retryAfterSeconds")
def _user_error_value(build: Build, selected: Selected, error: Held) -> str:
    return build.python_value(error.attribute(attribute(selected)))


def _enum_name(value: Any) -> Any:
    return value.name


@renders("UserError", "code")
def _user_error_code(build: Build, selected: Selected, error: Held) -> str:
    # An enum answers its value's name (`UserErrorCode`, from `ErrorCode`).
    return build.python_value(error.attribute("code"), _enum_name)


def declare_payload(
    type_name: str, *, held: Iterable[str] = (), values: Iterable[str] = ()
) -> None:
    """Declare the payload type's fields (see the module's docstring), `userErrors` included."""
    declare(type_name, held, _held)
    declare(type_name, values, _value)
    declare(type_name, ["userErrors"], _user_errors)


for _name in (
    "ApproveMentorshipRequestPayload",
    "CancelMentorshipRequestPayload",
    "CompleteMentorshipPayload",
    "CreateMentorshipRequestPayload",
    "DeclineMentorshipRequestPayload",
    "MarkMentorshipRequestViewedPayload",
    "SendMentorReminderPayload",
):
    declare_payload(_name, held=["request"])
declare_payload("CancelOtherMentorshipRequestsPayload", held=["requests"])
declare_payload("AddFavoriteMentorPayload", held=["user"])
declare_payload("RemoveFavoriteMentorPayload", held=["user"])
declare_payload("UpdateProfilePayload", held=["user"])
declare_payload("SetAvailabilityPayload", held=["user", "declinedRequests"])
declare_payload("SetMentorAvailabilityPayload", held=["user", "requests"])
declare_payload("ApplyToMentorPayload", held=["application"])
declare_payload("ReviewMentorApplicationPayload", held=["application"])
declare_payload("LeaveMentorshipFeedbackPayload", held=["feedback", "request"])
declare_payload("SendMentorshipRequestMessagePayload", held=["message"])
declare_payload("AuthPayload", held=["viewer"], values=["token", "refreshToken"])
declare_payload("EndSessionsPayload", values=["ended"])
declare_payload("ChangePasswordPayload", values=["endedSessions"])
declare_payload("PasswordResetPayload", values=["ok"])
declare_payload("MarkNotificationsReadPayload", values=["marked", "unreadCount"])
declare_payload("SetEmailPreferencePayload")


@renders("SetEmailPreferencePayload", "emailPreferences")
def _email_preferences(build: Build, selected: Selected, payload: Held) -> str:
    """Every kind with its frequency as the write left them (the defaults merged in Python):
    held by the payload, answered as the executor would, with the selection's own keys."""
    preferences = payload.attribute(attribute(selected))
    if build.decide(preferences, _is_none):
        return "NULL::json"
    _, wanted = build.fields(selected)

    def answered(held: Any) -> list[dict[str, Any]]:
        return [
            {
                key: "EmailPreference"
                if child.name == "__typename"
                else getattr(preference, child.name).name  # an enum answers its value's name
                for key, child in wanted.items()
            }
            for preference in held
        ]

    return build.python_value(preferences, answered)


declare_payload("AccountFlowPayload", values=["ok"])
declare_payload("ResendVerificationEmailPayload", values=["sent"])
declare_payload("ChangeEmailPayload", values=["changed"])
declare_payload("DeleteAccountPayload", values=["deletionDueAt"])
declare_payload("ExportMyDataPayload", values=["document"])
declare_payload("BlockMemberPayload", held=["user", "requests"])
declare_payload("UnblockMemberPayload", held=["user"])
declare_payload("ReportPayload", held=["report"])
declare_payload("DismissReportPayload", held=["report"])
declare_payload("ModerateMemberPayload", held=["user"])
declare_payload("RestrictMemberPayload", held=["user", "requests"])

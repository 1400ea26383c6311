"""Opaque global ids ("Type:pk", base64url) for every `Node`."""

from __future__ import annotations

import base64
import binascii

from mentorgraph.resolvers.errors import BadUserInput

__all__ = ["LARGEST_KEY", "NO_SUCH_ROW", "decode_global_id", "decode_id_of", "encode_global_id"]


def encode_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def _largest_keys() -> dict[str, int]:
    from mentorgraph.models.accounts.users import User
    from mentorgraph.models.directory.application_records import MentorApplication
    from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent
    from mentorgraph.models.safety.safety_records import MemberReport

    models = (User, MentorshipRequest, RequestEvent, MentorApplication, MemberReport)
    return {m.__name__: int(m._meta.pk.constraints["le"]) for m in models}


# The largest key each node type's column holds (PostgreSQL int4 or bigint; SQLite alike).
LARGEST_KEY = _largest_keys()
# What a well-formed id beyond its column decodes to: no row has it (keys start at 1), so every
# reader finds nothing (null, an empty list, NOT_FOUND) on both databases and both read paths,
# instead of the database refusing the parameter.
NO_SUCH_ROW = 0


def decode_global_id(global_id: str) -> tuple[str, int]:
    """(type name, primary key); BadUserInput when the id is not one of ours. A key beyond what
    its type's column holds is `NO_SUCH_ROW`: such an id is well formed but names nothing."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        value = int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput(f"'{_shown(global_id)}' is not a valid id.") from None
    if not type_name or value <= 0:
        raise BadUserInput(f"'{_shown(global_id)}' is not a valid id.")
    if value > LARGEST_KEY.get(type_name, 2**63 - 1):
        return type_name, NO_SUCH_ROW
    return type_name, value


def _shown(global_id: str) -> str:
    """The id as an error message quotes it: a long one cut short."""
    return global_id if len(global_id) <= 64 else global_id[:61] + "..."


def decode_id_of(type_name: str, global_id: str, argument: str = "id") -> int:
    """The primary key of a `type_name` id; BadUserInput naming `argument` otherwise."""
    kind, pk = decode_global_id(global_id)
    if kind != type_name:
        raise BadUserInput(f"'{argument}' must be the id of a {type_name}.", field=argument)
    return pk

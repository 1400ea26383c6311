"""Opaque global ids ("Type:pk", base64url) for every `Node`."""

from __future__ import annotations

import base64
import binascii

from resolvers.errors import BadUserInput

__all__ = ["decode_global_id", "decode_id_of", "encode_global_id"]


def encode_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def decode_global_id(global_id: str) -> tuple[str, int]:
    """(type name, primary key); BadUserInput when the id is not one of ours."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        value = int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput(f"'{global_id}' is not a valid id.") from None
    if not type_name or value <= 0 or value > 2**62:
        raise BadUserInput(f"'{global_id}' is not a valid id.")
    return type_name, value


def decode_id_of(type_name: str, global_id: str, argument: str = "id") -> int:
    """The primary key of a `type_name` id; BadUserInput naming `argument` otherwise."""
    kind, pk = decode_global_id(global_id)
    if kind != type_name:
        raise BadUserInput(f"'{argument}' must be the id of a {type_name}.", field=argument)
    return pk

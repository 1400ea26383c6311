"""Faults of the client (top-level `errors`, each with `extensions.code`)."""

from __future__ import annotations

from graphql import GraphQLError

from mentorgraph.models.errors import FaultCode

__all__ = [
    "BadUserInput",
    "ClientError",
    "Forbidden",
    "Unauthenticated",
    "check_range",
]


class ClientError(GraphQLError):
    code = FaultCode.BAD_USER_INPUT

    def __init__(self, message: str, **extensions: object) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class BadUserInput(ClientError):
    code = FaultCode.BAD_USER_INPUT


class Unauthenticated(ClientError):
    code = FaultCode.UNAUTHENTICATED


class Forbidden(ClientError):
    code = FaultCode.FORBIDDEN


def check_range(name: str, value: int, low: int, high: int) -> int:
    """`value` of the argument `name`; BadUserInput unless `low <= value <= high`."""
    if not low <= value <= high:
        raise BadUserInput(f"'{name}' must be between {low} and {high}.", field=name)
    return value

"""Validation rules of our own, run with graphql-core's (and cached with them)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, StringValueNode, ValidationRule

from mentorgraph.models.errors import FaultCode

__all__ = ["NoNulInStrings"]


class NoNulInStrings(ValidationRule):
    """No string literal may hold a NUL: no field accepts one and PostgreSQL cannot store one.

    (Variables are checked by the HTTP endpoint before execution.)
    """

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        if "\x00" in node.value:
            self.report_error(
                GraphQLError(
                    "Text must not contain NUL characters.",
                    node,
                    extensions={"code": FaultCode.BAD_USER_INPUT},
                )
            )

"""The GraphQL schema: how the API looks. Built from one module per feature."""

from mentorgraph.schema.build import build_schema

__all__ = ["build_schema"]

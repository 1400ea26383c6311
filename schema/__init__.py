"""The GraphQL schema: how the API looks. Built from one module per feature."""

from schema.build import build_schema

__all__ = ["build_schema"]

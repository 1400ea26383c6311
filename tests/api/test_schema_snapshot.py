"""The checked-in SDL (`schema.graphql`) matches the schema; regenerate with `make schema`."""

from __future__ import annotations

from mentorgraph.schema import build_schema
from mentorgraph.schema.build import SDL_PATH


def test_sdl_snapshot_is_current() -> None:
    current = build_schema().as_str() + "\n"
    assert SDL_PATH.read_text() == current, "schema.graphql is stale: run `make schema`"

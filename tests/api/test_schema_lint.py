"""`graphql-schema-linter` (npm, pinned under tests/clients/schema-lint/) over the checked-in SDL
with its description and deprecation rules: what a front-end team's CI would run on our schema.
`tests/api/test_schema_documentation.py` checks the same in Python on the built schema."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.utils.node_clients import installed

SDL = Path(__file__).resolve().parents[2] / "schema.graphql"
RULES = [
    "types-have-descriptions",
    "fields-have-descriptions",
    "arguments-have-descriptions",
    "enum-values-have-descriptions",
    "input-object-values-have-descriptions",
    "deprecations-have-a-reason",
]


def lint(sdl: Path) -> tuple[int, list[dict[str, object]]]:
    folder = installed("schema-lint")
    done = subprocess.run(
        [
            str(folder / "node_modules" / ".bin" / "graphql-schema-linter"),
            "--rules",
            ",".join(RULES),
            "--format",
            "json",
            str(sdl),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, json.loads(done.stdout)["errors"]


def test_the_schema_passes_the_description_rules() -> None:
    returncode, errors = lint(SDL)
    assert [e["message"] for e in errors] == []
    assert returncode == 0


def test_the_linter_catches_an_undescribed_field(tmp_path: Path) -> None:
    sdl = tmp_path / "bare.graphql"
    sdl.write_text('"Root." type Query { "Described." a: Int b(x: Int): Int }\n')
    returncode, errors = lint(sdl)
    assert returncode != 0
    assert sorted(str(e["rule"]) for e in errors) == [
        "arguments-have-descriptions",
        "fields-have-descriptions",
    ]

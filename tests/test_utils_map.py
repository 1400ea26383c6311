"""The maps of the test helpers (`tests/utils/__init__.py`) and of the shared dev tooling
(`devkit/__init__.py`) name every module in their folder, and only modules that exist: a helper
added without a line saying when to use it fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# A map line: "- `name`: what it is for" (several names may share a line: "- `a`, `b`: ...").
_ENTRY = re.compile(r"^- ((?:`\w+`(?:, )?)+):", re.MULTILINE)


def _mapped(package: Path) -> set[str]:
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    return {name for entry in _ENTRY.findall(docstring) for name in re.findall(r"`(\w+)`", entry)}


def _modules(package: Path) -> set[str]:
    return {p.stem for p in package.glob("*.py") if p.stem != "__init__"}


@pytest.mark.parametrize("folder", ["tests/utils", "devkit"])
def test_every_helper_module_is_on_its_folders_map(folder: str) -> None:
    package = ROOT / folder
    mapped, present = _mapped(package), _modules(package)
    assert present - mapped == set(), f"add these to {folder}/__init__.py's map"
    assert mapped - present == set(), f"{folder}/__init__.py's map names modules that are gone"


def test_the_map_reader_reads_entries_and_nothing_else() -> None:
    text = '"""Intro naming `client` in passing.\n\n- `a`: one.\n- `b`, `c`: two.\n"""\n'
    probe = ROOT / "tests" / "utils"
    assert {"client"} & _mapped(probe)  # the real map
    assert _ENTRY.findall(ast.get_docstring(ast.parse(text)) or "") == ["`a`", "`b`, `c`"]

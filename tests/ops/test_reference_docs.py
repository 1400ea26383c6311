"""docs/lifecycle.md, docs/read-rules.md and docs/error-codes.md say what the code says.

They are written from the code by `make docs` (`mentorgraph/reference_docs.py`); this fails while
one differs, e.g. after a transition, a rule or an error code changed without `make docs`.
"""

from __future__ import annotations

import pytest

from mentorgraph.models.errors import ErrorCode, FaultCode
from mentorgraph.reference_docs import DOCS_DIR, render_all


@pytest.mark.parametrize("name", ["lifecycle.md", "read-rules.md", "error-codes.md"])
def test_the_document_is_what_the_code_says(name: str) -> None:
    expected = render_all()[DOCS_DIR / name]
    assert (DOCS_DIR / name).read_text() == expected, f"docs/{name} is stale: run `make docs`"


def test_every_code_is_described_and_means_one_thing() -> None:
    for family in (ErrorCode, FaultCode):
        descriptions = [code.description for code in family]
        assert all(d.strip() for d in descriptions), f"{family.__name__}: a code without meaning"
        assert len(set(descriptions)) == len(descriptions), "two codes described alike"

"""Unit tests of the directory's filter rules
(`mentorgraph.models.directory.directory.clean_filter`), no database."""

from __future__ import annotations

import pytest

from mentorgraph.models.directory.directory import MentorFilter, clean_filter
from mentorgraph.models.errors import ErrorCode, RuleViolation


def test_an_empty_filter_lists_available_mentors() -> None:
    assert clean_filter() == MentorFilter(available_only=True)
    assert clean_filter(search="  ", tags=[], country="", spoken_language=" ") == MentorFilter()


def test_values_are_normalised() -> None:
    cleaned = clean_filter(
        search="  Data   ENGINEER data ",
        tags=[" Machine  Learning", "python", "PYTHON"],
        country=" de ",
        spoken_language="EN",
        available_only=False,
    )
    assert cleaned == MentorFilter(
        words=("data", "engineer"),
        tags=("machine learning", "python"),
        country="DE",
        spoken_language="en",
        available_only=False,
    )


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"search": "a" * 101}, ["search"]),
        ({"search": "tab\tis whitespace, bell\x07 is not"}, ["search"]),
        ({"tags": [str(i) for i in range(11)]}, ["tags"]),
        ({"tags": ["x" * 41]}, ["tags"]),
        ({"country": "DEU"}, ["country"]),
        ({"spoken_language": "eng"}, ["spokenLanguage"]),
    ],
)
def test_bad_values_name_their_field(arguments: dict[str, object], field: list[str]) -> None:
    with pytest.raises(RuleViolation) as refused:
        clean_filter(**arguments)  # type: ignore[arg-type]
    assert refused.value.code is ErrorCode.INVALID_INPUT
    assert refused.value.field == field

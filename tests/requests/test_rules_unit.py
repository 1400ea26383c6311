"""Fast unit tests of the pure rules, beside their end-to-end tests: the lifecycle table
(`models/requests/lifecycle.py`; end to end in test_lifecycle_*.py), the limits' cross-checks
(`models/limits.py`; through the settings in test_settings.py), the ladder's expiry
(`models/requests/ladder.py`; test_ladder*.py) and the listing rule's Python forms
(`models/directory/listing.py`; test_listing_forms.py). No database, no server: they run in
milliseconds and name the rule that
broke when the end-to-end ones fail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.listing import listed, may_be_listed, offered
from mentorgraph.models.limits import Limits
from mentorgraph.models.requests.ladder import expires_at
from mentorgraph.models.requests.lifecycle import TRANSITIONS, Actor, is_allowed, may_ever
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from tests.utils.rules import rules

S = RequestStatus
OPEN = (S.NEW, S.VIEWED)
SETTLED = (S.DECLINED, S.CANCELLED, S.EXPIRED, S.COMPLETED)
EVERYONE = frozenset(Actor)


# --- The lifecycle table ---------------------------------------------------------------------


def test_a_settled_request_changes_no_more_whoever_asks() -> None:
    for settled in SETTLED:
        for to in S:
            assert not is_allowed(settled, to, EVERYONE), (settled, to)


def test_every_status_is_reached_from_a_new_request() -> None:
    reached: set[RequestStatus] = set()
    frontier: set[RequestStatus | None] = {None}
    while frontier:
        step = {to for (frm, to) in TRANSITIONS if frm in frontier} - reached
        reached |= step
        frontier = set(step)
    assert reached == set(S)


def test_only_the_mentor_answers_and_only_the_system_expires() -> None:
    for frm in OPEN:
        assert is_allowed(frm, S.APPROVED, frozenset({Actor.MENTOR}))
        for other in (Actor.MENTEE, Actor.ADMIN, Actor.SYSTEM):
            assert not is_allowed(frm, S.APPROVED, frozenset({other})), other
        assert is_allowed(frm, S.EXPIRED, frozenset({Actor.SYSTEM}))
        assert not is_allowed(frm, S.EXPIRED, EVERYONE - {Actor.SYSTEM})
    # An admin who is also the request's mentor answers as its mentor.
    assert is_allowed(S.NEW, S.APPROVED, frozenset({Actor.ADMIN, Actor.MENTOR}))


def test_a_request_is_created_only_by_its_mentee_and_completed_only_once_approved() -> None:
    assert is_allowed(None, S.NEW, frozenset({Actor.MENTEE}))
    assert not is_allowed(None, S.NEW, EVERYONE - {Actor.MENTEE})
    both = frozenset({Actor.MENTOR, Actor.MENTEE})
    assert is_allowed(S.APPROVED, S.COMPLETED, frozenset({Actor.MENTEE}))
    assert [frm for frm in (None, *S) if is_allowed(frm, S.COMPLETED, both)] == [S.APPROVED]


def test_may_ever_separates_forbidden_from_invalid() -> None:
    # FORBIDDEN: the role never makes that change; INVALID_TRANSITION: not from this status.
    assert not may_ever(S.APPROVED, frozenset({Actor.MENTEE}))
    assert may_ever(S.CANCELLED, frozenset({Actor.MENTEE}))
    assert not is_allowed(S.APPROVED, S.CANCELLED, frozenset({Actor.MENTEE}))
    assert not may_ever(S.VIEWED, frozenset({Actor.ADMIN}))


# --- The limits' cross-checks ----------------------------------------------------------------


def test_the_default_limits_are_consistent() -> None:
    Limits()


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"first_reminder_days": 0}, "FIRST_REMINDER_DAYS"),
        ({"first_reminder_days": 10, "second_reminder_days": 10}, "FIRST_REMINDER_DAYS"),
        ({"second_reminder_days": 14, "expire_after_days": 14}, "SECOND_REMINDER_DAYS"),
        ({"inactive_window_days": 13, "expire_after_days": 14}, "INACTIVE_WINDOW_DAYS"),
        ({"silent_reminder_grace_days": 6, "silent_idle_days": 6}, "SILENT_REMINDER_GRACE_DAYS"),
    ],
)
def test_contradicting_limits_are_refused_naming_the_setting(
    values: dict[str, float], named: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        Limits(**values)  # type: ignore[arg-type]
    assert named in str(refused.value)


def test_the_edges_the_checks_allow() -> None:
    # The window may equal the expiry age; a reminder may come the day before expiry.
    Limits(inactive_window_days=14, expire_after_days=14)
    Limits(first_reminder_days=0.5, second_reminder_days=13.9, expire_after_days=14)


# --- The ladder's expiry -----------------------------------------------------------------------

CREATED = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_an_open_request_expires_expire_after_days_after_it_was_made() -> None:
    for status in OPEN:
        request = MentorshipRequest(status=status, created_at=CREATED)
        assert expires_at(request) == CREATED + timedelta(days=14)
        with rules(expire_after_days=3.5):
            assert expires_at(request) == CREATED + timedelta(days=3, hours=12)


def test_a_request_no_longer_open_never_expires() -> None:
    for status in (S.APPROVED, *SETTLED):
        assert expires_at(MentorshipRequest(status=status, created_at=CREATED)) is None


# --- The listing rule's Python forms ---------------------------------------------------------


def test_offered_listed_and_may_be_listed_over_unsaved_members() -> None:
    mentor = User(is_mentor=True, available=True, email_verified=True)
    paused = User(is_mentor=True, available=False, email_verified=True)
    suspended = User(is_mentor=True, available=False, suspended_until=CREATED)
    member = User(is_mentor=False, available=True, email_verified=True)
    assert [offered(u) for u in (mentor, paused, suspended, member)] == [True, False, False, False]
    assert [listed(u) for u in (mentor, paused, suspended, member)] == [True, True, False, False]
    assert may_be_listed(member)
    assert not may_be_listed(User(email_verified=False))
    assert not may_be_listed(User(email_verified=True, deletion_due_at=CREATED))

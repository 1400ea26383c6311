"""A small, varied world for the differential test of the fast read path.

About forty users and two hundred requests, the same on every run (a seeded `random.Random`, ids
from 1): profiles from `world_profiles`, requests in every status with exact times (microseconds
zero and not, some with trailing zeros) and their events (`world_events`), and mentors whose
history is shaped for the
responsiveness edge cases: 1 of 8 answered (0.125), 1 of 32 (0.03125, where rounding half to even
and half up part), a median of two (2.25 hours, likewise), a whole median (2.0), all answered
(1.0) and none (0.0), no settled request (null), answers only older than the 180-day window (an
old approval still counts as activity, an old decline does not), a decline by the system
(counts as unanswered, not as activity), and requests on either side of the window's edge.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from devkit.factories import TEXT, make_mentor, make_user, request_row
from devkit.world_profiles import MENTEE_NAMES, MENTORS
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import ChannelType, Favorite, User
from mentorgraph.models.directory.response_scores import refresh_scores
from mentorgraph.models.requests.feedback import AuthorRole, MentorshipFeedback
from mentorgraph.models.requests.requests import DeclineReason, MentorshipRequest, RequestStatus
from tests.utils.world_events import write_histories

__all__ = ["CLOCK_AHEAD", "World", "build_world"]

# The app's clock runs ahead of the database's: a path that asks the database for "now"
# rather than `mentorgraph.models.clock` counts other requests in the 180-day window (see Boundary
# Bo).
CLOCK_AHEAD = timedelta(days=2, hours=3)

# Microseconds of the stored times: none, trailing zeros (PostgreSQL prints fewer digits than
# Python's isoformat), all six digits, the extremes.
MICROSECONDS = (0, 0, 120_000, 500_000, 123_456, 999_999, 1)
RESPONSES = [None, None, "Gern geschehen — bis bald! 👋", 'Line one\nLine two\t"quoted"', "\\o/"]
MESSAGES = [TEXT, TEXT, "Olá! Poderia me ajudar? 🙏 " + TEXT, 'Tabs\tand "quotes" and \\ ' + TEXT]
OPEN = (RequestStatus.NEW, RequestStatus.VIEWED, RequestStatus.APPROVED)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
# The reasons drawn for generated declines: those of before ACCOUNT_CLOSED (a closed account's
# declines are the anonymisation's, tested there), so the seeded worlds stay as they were.
GENERATED_REASONS = [r for r in DeclineReason if r is not DeclineReason.ACCOUNT_CLOSED]


@dataclass(frozen=True)
class World:
    # Who asks: anonymous (None), a member with no requests, a mentee with approved and
    # completed mentorships (and others), a mentor with their own received requests, an admin.
    viewers: dict[str, User | None]
    # An account deleted after its token could have been issued.
    gone: User
    user_ids: list[int]
    request_ids: list[int]


class _Requests:
    """Writes requests at exact times, one open request per mentor and mentee at most."""

    def __init__(self, rng: random.Random, mentees: list[User]) -> None:
        self.rng = rng
        self.now = clock.now().replace(microsecond=0)
        self.mentees = mentees
        self.turn = 0
        self.open_pairs: set[tuple[int, int]] = set()
        self.ids: list[int] = []

    def _mentee_for(self, mentor: User, status: RequestStatus) -> User:
        for _ in self.mentees:
            mentee = self.mentees[self.turn % len(self.mentees)]
            self.turn += 1
            if status not in OPEN or (mentor.id, mentee.id) not in self.open_pairs:
                return mentee
        raise RuntimeError(f"every mentee already has an open request with {mentor}")

    async def add(
        self,
        mentor: User,
        status: RequestStatus,
        *,
        ago: timedelta,
        mentee: User | None = None,
        answered: timedelta | None = None,
        viewed: timedelta | None = None,
        reason: DeclineReason | None = None,
    ) -> MentorshipRequest:
        mentee = mentee or self._mentee_for(mentor, status)
        if status in OPEN:
            self.open_pairs.add((mentor.id, mentee.id))
        micro = timedelta(microseconds=self.rng.choice(MICROSECONDS))
        request = await request_row(
            mentee=mentee,
            mentor=mentor,
            status=status,
            created_at=self.now - ago + micro,
            answered_after=answered,
            viewed_after=viewed,
            decline_reason=reason,
            message=self.rng.choice(MESSAGES),
            response_message=self.rng.choice(RESPONSES) if answered else None,
        )
        self.ids.append(request.id)
        return request

    async def random_history(self, mentor: User, count: int) -> None:
        """`count` requests in any status, from an hour to 400 days old (never near 180)."""
        rng = self.rng
        for _ in range(count):
            status = rng.choice(list(RequestStatus))
            ago = rng.choice([rng.randint(1, 60) * HOUR, rng.randint(3, 170) * DAY])
            if status is RequestStatus.EXPIRED or rng.random() < 0.2:
                ago = rng.choice([rng.randint(15, 170), rng.randint(190, 400)]) * DAY
            if status in (RequestStatus.NEW, RequestStatus.VIEWED):
                ago = rng.randint(1, 240) * HOUR
            micro = timedelta(microseconds=rng.choice(MICROSECONDS))
            delay = min(ago / 2, rng.randint(0, 200) * HOUR) + micro
            viewed = delay / 2 if status is not RequestStatus.NEW and rng.random() < 0.7 else None
            answered = None
            reason = None
            if status in (RequestStatus.APPROVED, RequestStatus.COMPLETED):
                answered = delay
            elif status is RequestStatus.DECLINED:
                answered = delay
                reason = rng.choice(GENERATED_REASONS)
                if reason is DeclineReason.MENTOR_INACTIVE:
                    viewed = None
            await self.add(mentor, status, ago=ago, answered=answered, viewed=viewed, reason=reason)


async def _shaped_histories(reqs: _Requests, by_name: dict[str, User]) -> None:
    """The responsiveness edge cases, one mentor each (see the module's docstring)."""
    s = RequestStatus
    old = by_name["Old Timer"]
    for days, status in (
        (200, s.COMPLETED),
        (250, s.DECLINED),
        (260, s.EXPIRED),
        (300, s.APPROVED),
    ):
        answered = None if status is s.EXPIRED else 2 * DAY
        reason = DeclineReason.NOT_A_GOOD_FIT if status is s.DECLINED else None
        await reqs.add(old, status, ago=days * DAY, answered=answered, viewed=DAY, reason=reason)
    quiet = by_name["Quiet Quentin"]
    for days in (20, 40, 60):
        await reqs.add(quiet, s.EXPIRED, ago=days * DAY)
    inactive = DeclineReason.MENTOR_INACTIVE
    await reqs.add(quiet, s.DECLINED, ago=30 * DAY, answered=14 * DAY, reason=inactive)
    await reqs.add(quiet, s.NEW, ago=5 * HOUR)
    paula = by_name["Perfect Paula"]
    for hours in (1, 2, 3):  # median 2.0: a float that happens to be whole
        await reqs.add(paula, s.COMPLETED, ago=(10 + hours) * DAY, answered=hours * HOUR)
    ethan = by_name["Eighth Ethan"]
    await reqs.add(ethan, s.APPROVED, ago=9 * DAY, answered=5 * HOUR, viewed=HOUR)
    for days in range(7):
        await reqs.add(ethan, s.EXPIRED, ago=(20 + days) * DAY)
    await reqs.add(ethan, s.CANCELLED, ago=3 * DAY)  # counts neither way
    priya = by_name["Pair Priya"]  # answers after 2 h and 2.5 h: median 2.25
    await reqs.add(priya, s.APPROVED, ago=7 * DAY, answered=2 * HOUR)
    await reqs.add(
        priya,
        s.DECLINED,
        ago=8 * DAY,
        answered=150 * timedelta(minutes=1),
        reason=DeclineReason.OUT_OF_EXPERTISE,
    )
    for days in (2, 4):
        await reqs.add(priya, s.CANCELLED, ago=days * DAY, viewed=HOUR)
    theo = by_name["Thirty-two Theo"]
    await reqs.add(
        theo, s.DECLINED, ago=50 * DAY, answered=30 * HOUR, reason=DeclineReason.NO_CAPACITY
    )
    for n in range(31):
        await reqs.add(theo, s.EXPIRED, ago=(15 + n * 5) * DAY)
    ines = by_name["Inactive Ines"]  # the system's decline is newer, but is not her activity
    await reqs.add(ines, s.APPROVED, ago=12 * DAY, answered=2 * DAY, viewed=DAY)
    await reqs.add(ines, s.DECLINED, ago=15 * DAY, answered=14 * DAY, reason=inactive)
    bo = by_name["Boundary Bo"]
    await reqs.add(bo, s.COMPLETED, ago=179 * DAY + 20 * HOUR, answered=3 * HOUR)
    await reqs.add(bo, s.EXPIRED, ago=180 * DAY + 4 * HOUR)
    await reqs.add(
        bo, s.DECLINED, ago=181 * DAY, answered=HOUR, reason=DeclineReason.NOT_A_GOOD_FIT
    )
    nina = by_name["Newbie Nina"]
    await reqs.add(nina, s.NEW, ago=3 * HOUR)
    await reqs.add(nina, s.VIEWED, ago=30 * HOUR, viewed=2 * HOUR)


async def _viewers_histories(
    reqs: _Requests, viewers: dict[str, User], mentors: list[User], former: User
) -> None:
    s = RequestStatus
    mentee, mentor = viewers["mentee"], viewers["mentor"]
    # The mentee may see the channels of their approved and completed mentors, and only theirs;
    # never of a former mentor (no longer a mentor), whatever they approved.
    for target, status in zip(
        [*mentors[:7], former, mentor],
        [
            s.APPROVED,
            s.COMPLETED,
            s.DECLINED,
            s.NEW,
            s.VIEWED,
            s.CANCELLED,
            s.EXPIRED,
            s.APPROVED,
            s.COMPLETED,
        ],
        strict=True,
    ):
        answered = 20 * HOUR if status in (s.APPROVED, s.COMPLETED, s.DECLINED) else None
        reason = DeclineReason.NOT_A_GOOD_FIT if status is s.DECLINED else None
        ago = 6 * HOUR if status in (s.NEW, s.VIEWED) else 30 * DAY
        viewed = HOUR if status is not s.NEW else None
        await reqs.add(
            target, status, ago=ago, mentee=mentee, answered=answered, viewed=viewed, reason=reason
        )
    for status in [*RequestStatus, s.APPROVED, s.DECLINED]:
        answered = 5 * HOUR if status in (s.APPROVED, s.COMPLETED, s.DECLINED) else None
        ago = 2 * DAY if status in (s.NEW, s.VIEWED) else 20 * DAY
        await reqs.add(
            mentor,
            status,
            ago=ago,
            answered=answered,
            reason=DeclineReason.OTHER if status is s.DECLINED else None,
        )
    # The mentor was a mentee once, and still is of someone else.
    await reqs.add(mentors[0], s.COMPLETED, ago=90 * DAY, mentee=mentor, answered=DAY)
    await reqs.add(mentors[15], s.APPROVED, ago=10 * DAY, mentee=mentor, answered=DAY)


# A mentor rated 33 / 8 = 4.125 exactly: Python rounds it to 4.12 (half to even),
# PostgreSQL's round(numeric) to 4.13.
HALF_WAY_RATINGS = [5, 5, 5, 5, 4, 4, 4, 1]


async def _feedback(reqs: _Requests, rng: random.Random, rated: User) -> None:
    """Ratings by mentees (which make a mentor's rating) and by mentors (which do not) on
    completed mentorships: random ones, and one mentor's average exactly half-way."""
    for _ in HALF_WAY_RATINGS:
        await reqs.add(rated, RequestStatus.COMPLETED, ago=30 * DAY, answered=HOUR)
    completed = await MentorshipRequest.filter(status=RequestStatus.COMPLETED).order_by("id")
    half_way = iter(HALF_WAY_RATINGS)
    for request in completed:
        rated_here = request.mentor_id == rated.id
        mentee_rating = next(half_way, 3) if rated_here else rng.randint(1, 5)
        await MentorshipFeedback.create(
            request_id=request.id,
            author_id=request.mentee_id,
            subject_id=request.mentor_id,
            author_role=AuthorRole.MENTEE,
            rating=mentee_rating,
            # Comments on most (not all): visible to their author, their subject and admins.
            comment=None if request.id % 3 == 0 else f"Thanks for mentorship {request.id}.",
            created_at=reqs.now,
        )
        if rng.random() < 0.5:
            await MentorshipFeedback.create(
                request_id=request.id,
                author_id=request.mentor_id,
                subject_id=request.mentee_id,
                author_role=AuthorRole.MENTOR,
                rating=rng.randint(1, 5),
                created_at=reqs.now,
            )


async def build_world(seed: int = 6) -> World:
    clock.advance(CLOCK_AHEAD)
    rng = random.Random(seed)
    viewers: dict[str, User] = {
        "admin": await make_user(name="Alex Admin", admin=True),
        "member": await make_user(name="Max Member", country="DE", languages=["de"]),
        "mentee": await make_user(name="Chris Mentee ✨", bio="Learning\tfast", country="BR"),
        "mentor": await make_mentor(
            name="Morgan Mentor",
            title="Staff engineer 🛠",
            bio="Mentoring since 2010.\nAsk about GraphQL.",
            country="DE",
            tags=["graphql", "python", "career"],
            languages=["en", "de"],
            channels=[(ChannelType.GITHUB, "morgan"), (ChannelType.SLACK, "@morgan")],
            avatar_url="https://img.example.org/morgan.jpg",
        ),
    }
    mentors = [await make_mentor(**profile) for profile in MENTORS]
    former = await make_user(name="Fiona Former", channels=[(ChannelType.GITHUB, "fiona")])
    mentees = [await make_user(name=name) for name in MENTEE_NAMES]
    reqs = _Requests(rng, mentees)
    for mentor in mentors[:16]:
        await reqs.random_history(mentor, rng.randint(4, 10))
    await _shaped_histories(reqs, {m.name: m for m in mentors})
    await _viewers_histories(reqs, viewers, mentors, former)
    await write_histories(reqs.ids, rng)
    await _feedback(reqs, rng, mentors[-1])
    for user, favorites in (
        (viewers["member"], [mentors[0], mentors[7]]),
        (viewers["mentee"], [mentors[3], viewers["mentor"], former]),
    ):
        for favorite in favorites:
            await Favorite.create(user_id=user.id, mentor_id=favorite.id)
    # Some profiles created at whole seconds and at trailing-zero microseconds.
    for user, micro in ((mentors[1], 0), (mentors[2], 120_000), (viewers["mentor"], 0)):
        moment: datetime = reqs.now - 400 * DAY + timedelta(microseconds=micro)
        await User.filter(id=user.id).update(created_at=moment)
    await refresh_scores()  # what `orderBy: RESPONSIVENESS` sorts by
    gone = await make_user(name="Gone Gabriel")
    await gone.delete()
    users = await User.all().order_by("id").values_list("id", flat=True)
    return World(
        viewers={"anonymous": None, **viewers},
        gone=gone,
        user_ids=[int(u) for u in users],  # type: ignore[call-overload]
        request_ids=reqs.ids,
    )

"""The simulated people as accounts in the throw-away database, written in bulk (the rules under
test start with the first request, not with sign-up)."""

from __future__ import annotations

from mentorgraph.models.accounts.passwords import hash_password
from mentorgraph.models.accounts.users import User, UserLanguage, UserTag
from mentorgraph.simulate.population import Population, SimMentee, SimMentor

__all__ = ["store_population"]

# Nobody logs in during a simulation; one hash serves every account (argon2 is slow on purpose).
_PASSWORD = "simulated-person-not-for-login"


async def store_population(population: Population) -> dict[str, int]:
    """Every simulated person's database id, by email."""
    password_hash = hash_password(_PASSWORD)
    people: list[SimMentor | SimMentee] = [*population.mentors, *population.mentees]
    await User.bulk_create(
        [
            User(
                email=p.email,
                password_hash=password_hash,
                name=f"{'Mentor' if isinstance(p, SimMentor) else 'Mentee'} {p.index}",
                title="Engineer" if isinstance(p, SimMentor) else "Learner",
                country=p.country,
                is_mentor=isinstance(p, SimMentor),
                capacity=p.capacity if isinstance(p, SimMentor) else 3,
            )
            for p in people
        ],
        batch_size=500,
    )
    # bulk_create leaves primary keys unset on PostgreSQL: read them back by email.
    rows = await User.all().values_list("email", "id")
    ids = {str(email): int(pk) for email, pk in rows}
    await UserTag.bulk_create(
        [
            UserTag(user_id=ids[p.email], tag=tag, position=i)
            for p in people
            for i, tag in enumerate(p.tags)
        ],
        batch_size=500,
    )
    await UserLanguage.bulk_create(
        [UserLanguage(user_id=ids[p.email], language=p.language, position=0) for p in people],
        batch_size=500,
    )
    return ids

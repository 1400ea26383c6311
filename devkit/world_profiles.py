"""The people of the differential test's world: profiles chosen for what they exercise.

Text carries what JSON built by PostgreSQL must escape or keep exactly as Python does: non-ASCII
letters, emoji, quotes, backslashes, newlines, tabs, carriage returns, LIKE wildcards (`%`, `_`).
Names repeat and differ only in case so that ordering by name needs its tie-break. Profiles go
straight to `make_user`; none of them passes through the profile validation.
"""

from __future__ import annotations

from typing import Any

from mentorgraph.models.accounts.users import ChannelType

__all__ = ["COUNTRIES", "LANGUAGES", "MENTEE_NAMES", "MENTORS", "SEARCH_WORDS", "TAGS"]

GITHUB, LINKEDIN, EMAIL, SLACK, TWITTER, WEBSITE = (
    ChannelType.GITHUB,
    ChannelType.LINKEDIN,
    ChannelType.EMAIL,
    ChannelType.SLACK,
    ChannelType.TWITTER,
    ChannelType.WEBSITE,
)

# `make_user` keyword arguments per mentor, in creation order (so ids are stable).
MENTORS: list[dict[str, Any]] = [
    dict(
        name="Zoë Ångström",
        title="Data Scientist",
        bio='Statistics, Python & R.\nLikes "clean" data.',
        country="SE",
        tags=["python", "data science", "r"],
        languages=["sv", "en"],
        avatar_url="https://img.example.org/zoe.png?size=64&v=1",
        channels=[(GITHUB, "zoe"), (LINKEDIN, "zoe-angstrom")],
    ),
    dict(
        name="Łukasz Żółć",
        title="Backend engineer",
        bio="Go, Rust\tand PostgreSQL.",
        country="PL",
        tags=["go", "rust", "postgresql"],
        languages=["pl", "en", "de"],
        channels=[(EMAIL, "lukasz@example.pl")],
    ),
    dict(
        name="José Núñez",
        title="Engineering manager",
        bio="Café ☕ chats about careers.",
        country="ES",
        tags=["leadership", "career"],
        languages=["es", "en", "pt"],
        available=False,
        channels=[],
    ),
    dict(
        name="李小龙",
        title="前端工程师",
        bio="React 和 TypeScript",
        country="CN",
        tags=["react", "typescript"],
        languages=["zh", "en"],
        avatar_url="https://img.example.org/李.png",
        channels=[(WEBSITE, "https://example.cn/~li")],
    ),
    dict(
        name="Ода Мельникова",
        title="ML researcher",
        bio="PyTorch, data and papers",
        tags=["python", "machine learning"],
        languages=["ru", "en"],
    ),
    dict(
        name='Dwayne "The Rock" O\'Neil',
        title="Career coach",
        bio="Backslash \\ and \"quotes\" 'single' too",
        country="US",
        tags=["career", "public speaking"],
        languages=["en"],
        channels=[(TWITTER, "therock"), (SLACK, "@dwayne")],
    ),
    dict(
        name="Back\\Slash Betty",
        title="C:\\Windows\\System32 admin",
        bio="",
        country="GB",
        tags=["c#", ".net"],
        languages=["en"],
    ),
    dict(
        name="Rocket 🚀 Ray",
        title="SRE 🔥",
        bio="On-call 24/7 🧯\r\nAsk me about incidents.",
        country="US",
        tags=["kubernetes", "sre"],
        languages=["en", "es"],
        capacity=5,
    ),
    dict(name="ada lowercase", tags=[], channels=[]),
    dict(
        name="Ada Uppercase",
        title="Compiler wizard",
        bio="Lambda λ calculus",
        country="GB",
        tags=["haskell", "compilers"],
        languages=["en"],
    ),
    dict(
        name="Émile Zola-Durand",
        title="Data engineer",
        bio="Spark, Airflow, data pipelines",
        country="FR",
        tags=["python", "data engineering", "spark"],
        languages=["fr", "en"],
    ),
    dict(
        name="Émile Zola-Durand",
        title="Data engineer",
        bio="The other Émile: dbt and SQL",
        country="FR",
        tags=["python"],
        languages=["fr"],
        channels=[(GITHUB, "emile2")],
    ),
    dict(
        name="Snake_Case Sam",
        title="100% test coverage",
        bio="Writes % and _ in searches",
        country="DE",
        tags=["python", "testing"],
        languages=["de", "en"],
    ),
    dict(
        name="Tab\tTina",
        title="Mobile",
        bio="Swift\tKotlin",
        country="JP",
        tags=["ios", "android"],
        languages=["ja", "en"],
        available=False,
    ),
    dict(
        name="Nadia Nil",
        title="Product manager",
        bio="Roadmaps",
        country="BR",
        tags=["product"],
        languages=["pt"],
        capacity=0,
    ),
    dict(
        name="Omar Farouk",
        title="Security engineer",
        bio="AppSec, threat modeling",
        country="EG",
        tags=["security"],
        languages=["ar", "en"],
        capacity=20,
    ),
    # Below: mentors whose request history is shaped in `world.py` (named for the shape).
    dict(name="Old Timer", title="Retired CTO", country="US", tags=["leadership"]),
    dict(name="Quiet Quentin", title="Never answers", country="DE", tags=["go"]),
    dict(name="Perfect Paula", title="Always answers", country="DE", tags=["python"]),
    dict(name="Eighth Ethan", title="Answered one of eight", tags=["rust"]),
    dict(name="Pair Priya", title="Two answers", country="IN", tags=["python", "data science"]),
    dict(name="Thirty-two Theo", title="One of thirty-two", tags=["go"], available=False),
    dict(name="Inactive Ines", title="Declined by the system", country="PT", tags=["java"]),
    dict(name="Boundary Bo", title="At the window's edge", country="US", tags=["python"]),
    dict(name="Newbie Nina", title="Only waiting requests", country="NL", tags=["react"]),
]

MENTEE_NAMES = [
    "Mía Pérez",
    "Ngozi Okafor",
    "Søren Kierkegård",
    "\uff26\uff55\uff4c\uff4c \uff37\uff49\uff44\uff54\uff48",  # full-width letters
    'Chloé "Chlo" D\'Arcy',
    "Yūki Tanaka",
    "Plain Pat",
    "Omega Ω",
    "Line\nBreak",
    "Ümit Öztürk",
]

# What the directory filters may ask for: values in the world, a few that match nothing.
TAGS = ["python", "data science", "go", "rust", "career", "react", "c#", "c++", "Python ", "cobol"]
COUNTRIES = ["DE", "US", "FR", "GB", "de", " se ", "AQ"]
LANGUAGES = ["en", "de", "fr", "pt", "ja", "EN", "xh"]
SEARCH_WORDS = [
    "data",
    "ZOË",
    "engineer",
    "λ",
    "100%",
    "%",
    "_",
    "snake_case",
    "\\",
    "🚀",
    "café",
    "data python",
    "  wizard   ",
    "",
    "nomatchxyz",
    '"quotes"',
    "мельникова",
]

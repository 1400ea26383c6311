"""What demo mentors know and how they describe themselves.

A mentor has one main track (frontend, data, ...) whose tags they list first, sometimes a few tags
of a second track, and often some career topics. The weights make a few tags (javascript, react,
python, career) very common and most of the others rare, as in real mentor directories.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CAREER_TAGS",
    "COMPANIES",
    "HOBBIES",
    "MENTEE_GOALS",
    "MENTEE_TITLES",
    "OFFERS",
    "SENIORITY",
    "TRACKS",
    "Track",
]


@dataclass(frozen=True)
class Track:
    name: str
    # How many mentors have this as their main track, relatively.
    weight: int
    # Tags with their relative popularity inside the track.
    tags: tuple[tuple[str, int], ...]
    roles: tuple[str, ...]
    # Completes "... years of experience <doing>."
    doing: str


# fmt: off
TRACKS: tuple[Track, ...] = (
    Track("frontend", 26,
          (("javascript", 20), ("react", 16), ("typescript", 8), ("css", 5), ("html", 4),
           ("vue", 3), ("next.js", 2), ("angular", 2), ("accessibility", 1)),
          ("Frontend Engineer", "Front-End Developer", "UI Engineer", "Web Developer",
           "Full-Stack Developer"),
          "building web interfaces people like to use"),
    Track("backend", 18,
          (("python", 16), ("java", 8), ("node.js", 8), ("sql", 5), ("go", 3), ("postgresql", 2),
           ("django", 2), ("c#", 2), ("spring", 1), ("dotnet", 1), ("ruby", 1), ("php", 1),
           ("rust", 1), ("graphql", 1), ("api design", 1)),
          ("Backend Engineer", "Software Engineer", "Software Developer", "Platform Engineer",
           "Full-Stack Developer"),
          "building backend services and APIs"),
    Track("data", 12,
          (("python", 16), ("machine learning", 8), ("data science", 7), ("sql", 5),
           ("data engineering", 2), ("pandas", 2), ("statistics", 1), ("deep learning", 1),
           ("llm", 1)),
          ("Data Scientist", "Machine Learning Engineer", "Data Engineer", "Data Analyst",
           "Analytics Engineer"),
          "turning messy data into decisions and products"),
    Track("devops", 8,
          (("devops", 5), ("aws", 5), ("docker", 4), ("kubernetes", 4), ("linux", 3),
           ("terraform", 2), ("azure", 2)),
          ("DevOps Engineer", "Site Reliability Engineer", "Cloud Engineer",
           "Infrastructure Engineer"),
          "keeping production systems fast, safe and boring"),
    Track("leadership", 8,
          (("engineering management", 5), ("product management", 5), ("leadership", 4),
           ("startups", 3)),
          ("Engineering Manager", "Product Manager", "Head of Engineering", "CTO",
           "Tech Lead"),
          "growing teams and shipping products"),
    Track("mobile", 7,
          (("android", 4), ("ios", 4), ("kotlin", 3), ("swift", 3), ("flutter", 2),
           ("react native", 2)),
          ("Mobile Engineer", "Android Developer", "iOS Developer", "Mobile Developer"),
          "shipping mobile apps to millions of phones"),
    Track("design", 5,
          (("ux design", 5), ("ui design", 3), ("figma", 3), ("product design", 3)),
          ("Product Designer", "UX Designer", "UI/UX Designer", "Design Lead"),
          "designing products that make sense to people"),
    Track("security", 3,
          (("security", 5), ("appsec", 2)),
          ("Security Engineer", "Application Security Engineer", "Penetration Tester"),
          "breaking software so that others cannot"),
    Track("games", 2,
          (("game development", 3), ("c++", 3), ("unity", 2)),
          ("Game Developer", "Gameplay Programmer", "Graphics Engineer"),
          "making games and the engines behind them"),
)

# Topics any mentor may add after their track's tags, with relative popularity.
CAREER_TAGS: tuple[tuple[str, int], ...] = (
    ("career", 24), ("interviews", 8), ("system design", 4), ("resume review", 3),
    ("career change", 3), ("open source", 2), ("algorithms", 2), ("job search", 2),
    ("testing", 1), ("public speaking", 1), ("git", 1),
)

# (prefix, weight, years of experience from, to)
SENIORITY: tuple[tuple[str, int, int, int], ...] = (
    ("", 30, 3, 8), ("Senior ", 40, 5, 12), ("Staff ", 10, 9, 18), ("Principal ", 6, 12, 22),
    ("Lead ", 8, 7, 15), ("Freelance ", 6, 4, 20),
)

COMPANIES: tuple[str, ...] = (
    "Kestrel Payments", "Lumen Labs", "Brightwave", "Fernbank Health", "Openfield",
    "Tidewater Logistics", "Quillstack", "Harbor Bank", "Mosaic Learning", "Parcelly",
    "Cobalt Cloud", "Greenleaf Energy", "Northstar Media", "Pebble Robotics", "Saltbox Games",
    "Juniper Insurance", "Atlas Mobility", "Beacon Analytics", "Corvid Security", "Tandem Travel",
)

OFFERS: tuple[str, ...] = (
    "Happy to do mock interviews and review CVs.",
    "I enjoy helping career changers land their first role in tech.",
    "Let's talk about code reviews, architecture and growing as an engineer.",
    "I mentor best over a weekly 30-minute call.",
    "Ask me about moving from individual contributor to lead.",
    "I taught myself to code and remember how confusing the start is.",
    "I prefer async mentoring: send me your code and your questions.",
    "I can help you plan a learning path and stick to it.",
    "Bring a project you are stuck on and we will get it unstuck together.",
    "I also help with salary negotiation and job offers.",
    "Portfolio reviews and honest feedback are my thing.",
    "Open to mentees from under-represented groups in tech in particular.",
)

HOBBIES: tuple[str, ...] = (
    "Outside work I climb, cook and read too much science fiction.",
    "When I'm not coding I'm probably on a bike.",
    "I organise a local meetup and love meeting new people.",
    "Parent of two, amateur photographer.",
    "I play the guitar badly and chess slightly better.",
    "I volunteer at a coding school on weekends.",
    "Coffee nerd and long-distance runner.",
)

MENTEE_TITLES: tuple[str, ...] = (
    "Computer Science Student", "Junior Developer", "Bootcamp Graduate", "Career Changer",
    "QA Engineer", "Self-taught Developer", "Intern", "Junior Data Analyst", "IT Support",
    "Graduate Software Engineer",
)

# Completes "Looking for guidance on <goal>."
MENTEE_GOALS: tuple[str, ...] = (
    "landing my first developer job",
    "moving from QA into development",
    "structuring bigger projects",
    "preparing for technical interviews",
    "choosing what to learn next",
    "contributing to open source",
    "switching careers into tech",
    "getting better at system design",
)
# fmt: on

"""Where demo people live and which languages they speak (ISO 3166-1 / ISO 639-1).

The weights follow the rough shape of volunteer tech-mentoring communities: many people in the US
and India, a long tail elsewhere. English is the lingua franca, so most people list it too.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["COUNTRIES", "Country"]


@dataclass(frozen=True)
class Country:
    code: str
    weight: int
    # The names to draw from (a key of `names.NAMES`).
    region: str
    # Languages in the order people list them, each with the chance that someone lists it.
    languages: tuple[tuple[str, float], ...]


# fmt: off
COUNTRIES: tuple[Country, ...] = (
    Country("US", 20, "anglo", (("en", 1.0), ("es", 0.1))),
    Country("IN", 14, "india", (("en", 1.0), ("hi", 0.6), ("ta", 0.12), ("te", 0.1),
                                ("mr", 0.08), ("bn", 0.08))),
    Country("DE", 7, "german", (("de", 1.0), ("en", 0.92))),
    Country("GB", 7, "anglo", (("en", 1.0), ("fr", 0.08))),
    Country("BR", 5, "lusophone", (("pt", 1.0), ("en", 0.8), ("es", 0.15))),
    Country("CA", 4, "anglo", (("en", 1.0), ("fr", 0.25))),
    Country("NG", 4, "nigeria", (("en", 1.0), ("yo", 0.35), ("ig", 0.3), ("ha", 0.15))),
    Country("FR", 3, "french", (("fr", 1.0), ("en", 0.85))),
    Country("ES", 3, "hispanic", (("es", 1.0), ("en", 0.8), ("ca", 0.1))),
    Country("NL", 3, "dutch", (("nl", 1.0), ("en", 0.97), ("de", 0.2))),
    Country("PL", 3, "polish", (("pl", 1.0), ("en", 0.9))),
    Country("UA", 3, "ukrainian", (("uk", 1.0), ("en", 0.85), ("pl", 0.05))),
    Country("PT", 2, "lusophone", (("pt", 1.0), ("en", 0.9))),
    Country("MX", 2, "hispanic", (("es", 1.0), ("en", 0.75))),
    Country("AR", 2, "hispanic", (("es", 1.0), ("en", 0.75))),
    Country("KE", 2, "kenya", (("en", 1.0), ("sw", 0.65))),
    Country("AU", 2, "anglo", (("en", 1.0),)),
    Country("CO", 1, "hispanic", (("es", 1.0), ("en", 0.7))),
    Country("EG", 1, "arabic", (("ar", 1.0), ("en", 0.9))),
    Country("ZA", 1, "southafrica", (("en", 1.0), ("af", 0.25), ("zu", 0.15))),
    Country("IE", 1, "anglo", (("en", 1.0), ("ga", 0.05))),
    Country("JP", 1, "japan", (("ja", 1.0), ("en", 0.75))),
    Country("CN", 1, "china", (("zh", 1.0), ("en", 0.85))),
    Country("KR", 1, "korea", (("ko", 1.0), ("en", 0.8))),
    Country("VN", 1, "vietnam", (("vi", 1.0), ("en", 0.85))),
    Country("ID", 1, "indonesia", (("id", 1.0), ("en", 0.85))),
    Country("PH", 1, "philippines", (("en", 1.0), ("tl", 0.8))),
    Country("TR", 1, "turkey", (("tr", 1.0), ("en", 0.85), ("de", 0.1))),
    Country("SE", 1, "nordic", (("sv", 1.0), ("en", 0.97))),
    Country("IT", 1, "italian", (("it", 1.0), ("en", 0.8))),
    Country("IL", 1, "hebrew", (("he", 1.0), ("en", 0.95))),
    Country("PK", 1, "pakistan", (("ur", 1.0), ("en", 0.9))),
    Country("RO", 1, "romanian", (("ro", 1.0), ("en", 0.9))),
)
# fmt: on

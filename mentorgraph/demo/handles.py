"""Plausible emails, contact handles and avatar URLs derived from a person's name.

Every address uses the reserved `example.*` domains, so no demo message can reach a real inbox;
social handles look real but are made up.
"""

from __future__ import annotations

import random
import unicodedata
from urllib.parse import quote

from mentorgraph.models.accounts.users import ChannelType

__all__ = ["avatar_url", "channel_handle", "slug", "unique_email"]

# Letters that NFKD does not decompose into an ASCII base letter.
_TRANSLITERATE = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d",
                                "Đ": "D", "ı": "i"})  # fmt: skip  # noqa: RUF001


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'Łukasz' -> 'lukasz', "O'Brien" -> 'obrien'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    ascii_text = decomposed.encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in ascii_text if ch.isalnum()) or "someone"


def unique_email(given: str, family: str, taken: set[str], domain: str = "example.org") -> str:
    base = f"{slug(given)}.{slug(family)}"
    email, n = f"{base}@{domain}", 1
    while email in taken:
        n += 1
        email = f"{base}{n}@{domain}"
    taken.add(email)
    return email


def channel_handle(kind: ChannelType, given: str, family: str, rng: random.Random) -> str:
    g, f = slug(given), slug(family)
    match kind:
        case ChannelType.GITHUB:
            options = [
                f"{g}{f}",
                f"{g[0]}{f}",
                f"{g}-{f}",
                f"{g}{f}{rng.randint(1, 99)}",
                f"{f}{g}",
            ]
            return rng.choice(options)[:39].rstrip("-")
        case ChannelType.TWITTER:
            return rng.choice([f"{g}_{f}", f"{g}{f}", f"{g}codes", f"{g[0]}{f}_dev"])[:15]
        case ChannelType.LINKEDIN:
            suffix = f"-{rng.randrange(16**6):06x}" if rng.random() < 0.6 else ""
            return f"https://www.linkedin.com/in/{g}-{f}{suffix}"
        case ChannelType.SLACK:
            return f"@{g}.{f}"
        case ChannelType.EMAIL:
            return f"{g}{f[0]}@example.com"
        case ChannelType.WEBSITE:
            return f"https://{g}{f}.example.net"
    raise ValueError(f"no demo handle for {kind}")


def avatar_url(name: str) -> str:
    # DiceBear draws initials from the seed: a real, stable image without a real photo.
    return f"https://api.dicebear.com/9.x/initials/svg?seed={quote(name)}"

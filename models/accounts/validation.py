"""Validation and normalisation of account and profile fields.

Each `clean_*` returns the normalised value or raises `RuleViolation` naming the input field.
`Collector` gathers several at once so one response can report every bad field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pycountry

from mentorgraph.models.accounts.users import ChannelType
from mentorgraph.models.errors import ErrorCode, RuleViolation, RuleViolations

__all__ = [
    "MAX_AVATAR_URL_LENGTH",
    "MAX_BIO_LENGTH",
    "MAX_CAPACITY",
    "MAX_CHANNELS",
    "MAX_EMAIL_LENGTH",
    "MAX_HANDLE_LENGTH",
    "MAX_LANGUAGES",
    "MAX_NAME_LENGTH",
    "MAX_TAGS",
    "MAX_TAG_LENGTH",
    "MAX_TITLE_LENGTH",
    "Collector",
    "clean_avatar_url",
    "clean_bio",
    "clean_capacity",
    "clean_channels",
    "clean_country",
    "clean_email",
    "clean_languages",
    "clean_name",
    "clean_tags",
    "clean_text",
    "clean_title",
]

T = TypeVar("T")

# The longest address SMTP carries (RFC 5321).
MAX_EMAIL_LENGTH = 254
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z0-9-]{2,}$")
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9+#. -]*$")
MAX_TAGS = 10
MAX_TAG_LENGTH = 40
MAX_LANGUAGES = 10
MAX_CHANNELS = 5
MAX_CAPACITY = 20
# The profile's free text (characters, after trimming); the schema's descriptions quote them.
MAX_NAME_LENGTH = 100
MAX_TITLE_LENGTH = 100
MAX_BIO_LENGTH = 2000
MAX_AVATAR_URL_LENGTH = 500
MAX_HANDLE_LENGTH = 200


def _alpha_2_codes(table: str, key: str) -> frozenset[str]:
    """The two-letter codes of one of pycountry's ISO tables, read from its file.

    Not through `pycountry.countries` / `pycountry.languages`: those load every entry as an
    object and keep it (ISO 639-3 lists ~7,900 languages), ~5 MB in every server process for
    two sets of a few hundred codes (`docs/benchmarks.md`, round nine). The emails that name
    a country or language still ask pycountry (`models/notifications/request_notifications`).
    """
    entries = json.loads((Path(pycountry.DATABASE_DIR) / table).read_text(encoding="utf-8"))[key]
    return frozenset(entry["alpha_2"] for entry in entries if entry.get("alpha_2"))


COUNTRY_CODES = _alpha_2_codes("iso3166-1.json", "3166-1")
LANGUAGE_CODES = _alpha_2_codes("iso639-3.json", "639-3")

# What a plausible handle looks like for each channel type.
HANDLE_PATTERNS: dict[ChannelType, re.Pattern[str]] = {
    ChannelType.EMAIL: EMAIL_RE,
    ChannelType.SLACK: re.compile(r"^@?[\w.-]{1,80}$"),
    ChannelType.LINKEDIN: re.compile(
        r"^(https://(www\.)?linkedin\.com/in/[\w-]{3,100}/?|[\w-]{3,100})$"
    ),
    ChannelType.GITHUB: re.compile(r"^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"),
    ChannelType.TWITTER: re.compile(r"^@?\w{1,15}$"),
    ChannelType.WEBSITE: re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$"),
}


def _invalid(field: str, message: str) -> RuleViolation:
    return RuleViolation(ErrorCode.INVALID_INPUT, message, [field])


def clean_email(value: str, field: str = "email") -> str:
    email = value.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL_RE.match(email):
        raise _invalid(field, "Enter a valid email address, like ada@example.org.")
    return email


def clean_text(value: str, field: str, *, label: str, min_length: int, max_length: int) -> str:
    text = value.strip()
    if len(text) < min_length:
        if min_length == 1:
            raise _invalid(field, f"{label} must not be empty.")
        raise _invalid(field, f"{label} must be at least {min_length} characters long.")
    if len(text) > max_length:
        raise _invalid(field, f"{label} must be at most {max_length} characters long.")
    return text


# The profile's free-text fields, the same wherever they are entered (sign-up, profile, demo).
def clean_name(value: str, field: str = "name") -> str:
    return clean_text(value, field, label="Name", min_length=1, max_length=MAX_NAME_LENGTH)


def clean_title(value: str, field: str = "title") -> str:
    return clean_text(value, field, label="Title", min_length=0, max_length=MAX_TITLE_LENGTH)


def clean_bio(value: str, field: str = "bio") -> str:
    return clean_text(value, field, label="Bio", min_length=0, max_length=MAX_BIO_LENGTH)


def clean_avatar_url(value: str | None, field: str = "avatarUrl") -> str | None:
    if value is None or not value.strip():
        return None
    url = value.strip()
    parts = urlsplit(url)
    too_long = len(url) > MAX_AVATAR_URL_LENGTH
    if parts.scheme != "https" or not parts.netloc or too_long or " " in url:
        raise _invalid(
            field,
            f"Avatar URL must be an https:// address of at most {MAX_AVATAR_URL_LENGTH}"
            " characters.",
        )
    return url


def clean_country(value: str | None, field: str = "country") -> str | None:
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if code not in COUNTRY_CODES:
        raise _invalid(field, f"'{value}' is not an ISO 3166-1 alpha-2 country code (like DE).")
    return code


def _unique(items: Sequence[T]) -> list[T]:
    return list(dict.fromkeys(items))


def clean_languages(values: Sequence[str], field: str = "spokenLanguages") -> list[str]:
    codes = _unique([v.strip().lower() for v in values])
    if len(codes) > MAX_LANGUAGES:
        raise _invalid(field, f"List at most {MAX_LANGUAGES} languages.")
    for code in codes:
        if code not in LANGUAGE_CODES:
            raise _invalid(field, f"'{code}' is not an ISO 639-1 language code (like en).")
    return codes


def clean_locale(value: str, field: str = "locale") -> str:
    """A language, optionally with a region: "en", "de", "pt-BR" (normalised to that case)."""
    language, _, region = value.strip().replace("_", "-").partition("-")
    language, region = language.lower(), region.upper()
    if language not in LANGUAGE_CODES or (region and region not in COUNTRY_CODES):
        raise _invalid(
            field,
            f"'{value}' is not a language code (ISO 639-1, like en), optionally with a"
            " country (like pt-BR).",
        )
    return f"{language}-{region}" if region else language


def clean_tags(values: Sequence[str], field: str = "tags") -> list[str]:
    tags = _unique([" ".join(v.split()).lower() for v in values])
    if not 1 <= len(tags) <= MAX_TAGS:
        raise _invalid(field, f"Give between 1 and {MAX_TAGS} tags.")
    for tag in tags:
        if len(tag) > MAX_TAG_LENGTH or not TAG_RE.match(tag):
            raise _invalid(
                field,
                f"Tag '{tag}' must be 1-{MAX_TAG_LENGTH} letters, digits, spaces or + # . -",
            )
    return tags


def clean_capacity(value: int, field: str = "capacity") -> int:
    if not 0 <= value <= MAX_CAPACITY:
        raise _invalid(field, f"Capacity must be between 0 and {MAX_CAPACITY} mentees.")
    return value


def clean_channels(
    values: Sequence[tuple[ChannelType, str]], field: str = "channels"
) -> list[tuple[ChannelType, str]]:
    if not 1 <= len(values) <= MAX_CHANNELS:
        raise _invalid(field, f"Give between 1 and {MAX_CHANNELS} contact channels.")
    seen: set[ChannelType] = set()
    cleaned = []
    for index, (raw_kind, raw) in enumerate(values):
        kind = ChannelType(raw_kind)
        handle = raw.strip()
        if kind in seen:
            raise _invalid(field, f"Channel type {kind.value} is listed twice.")
        seen.add(kind)
        if len(handle) > MAX_HANDLE_LENGTH or not HANDLE_PATTERNS[kind].match(handle):
            raise RuleViolation(
                ErrorCode.INVALID_INPUT,
                f"'{handle}' does not look like a {kind.value} handle.",
                [field, str(index), "handle"],
            )
        cleaned.append((kind, handle))
    return cleaned


class Collector:
    """Runs several `clean_*` calls and raises all their violations together."""

    def __init__(self) -> None:
        self.violations: list[RuleViolation] = []

    def clean(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T | None:
        try:
            return fn(*args, **kwargs)
        except RuleViolation as violation:
            self.violations.append(violation)
            return None

    def raise_if_any(self) -> None:
        if self.violations:
            raise RuleViolations(self.violations)

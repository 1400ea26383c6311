"""Hands the rule settings to `models/` (which reads no environment of its own)."""

from __future__ import annotations

from dataclasses import fields

from mentorgraph.settings import Settings
from models.limits import Limits, configure

__all__ = ["configure_rules"]


def configure_rules(settings: Settings) -> None:
    # Every field of Limits is a setting of the same name.
    configure(Limits(**{field.name: getattr(settings, field.name) for field in fields(Limits)}))

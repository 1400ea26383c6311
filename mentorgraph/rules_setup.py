"""Hands the rule settings (and the email links' signing secret) to `models/`, which reads no
environment of its own."""

from __future__ import annotations

from dataclasses import fields

from mentorgraph.settings import Settings
from models.email_links import configure_link_key
from models.limits import Limits, configure

__all__ = ["configure_rules"]


def configure_rules(settings: Settings) -> None:
    # Every field of Limits is a setting of the same name.
    configure(Limits(**{field.name: getattr(settings, field.name) for field in fields(Limits)}))
    # The answer links in emails are signed with a key derived from the token secret, so every
    # process (and the CLI) signs and checks them alike; read when a link is first signed, so
    # `migrate` does not create a secret file.
    configure_link_key(lambda: settings.resolved_jwt_secret)

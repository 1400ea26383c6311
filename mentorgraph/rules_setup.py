"""Hands the rule settings (and the email links' signing secret) to `models/`, which reads no
environment of its own."""

from __future__ import annotations

from mentorgraph.models.limits import Limits, configure
from mentorgraph.models.requests.email_links import configure_link_key
from mentorgraph.settings import Settings

__all__ = ["configure_rules"]


def configure_rules(settings: Settings) -> None:
    # Settings inherits Limits: its validated values, as the rules' own object.
    configure(Limits(**{name: getattr(settings, name) for name in Limits.model_fields}))
    # The answer links in emails are signed with a key derived from the token secret, so every
    # process (and the CLI) signs and checks them alike; read when a link is first signed, so
    # `migrate` does not create a secret file.
    configure_link_key(lambda: settings.resolved_jwt_secret)

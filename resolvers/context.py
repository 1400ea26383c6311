"""What every resolver knows about the request it serves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mentorgraph.models.accounts.users import User
from mentorgraph.models.policies import ADMIN_ONLY
from mentorgraph.resolvers.errors import Forbidden, Unauthenticated
from mentorgraph.resolvers.event_feed import EventFeed
from mentorgraph.resolvers.loaders import Loaders

__all__ = ["Context"]


@dataclass
class Context:
    viewer: User | None
    client_address: str
    # Issues a bearer token for a user (and their session); the server owns the secret and
    # the expiry.
    issue_token: Callable[[User, int | None], str]
    # The server's event bus, for subscriptions (None where nothing is live, e.g. HTTP).
    event_feed: EventFeed | None = None
    # The session the request's token names (None: anonymous, or a session-less token), and
    # what the client says it is (shown in the owner's list of sessions).
    session_id: int | None = None
    user_agent: str = ""
    # Reads each mutation's payload with the fast read path's compiler after the write
    # (`mentorgraph.resolvers.fast_reads.payload_reads.PayloadReads`, used by
    # `mentorgraph.schema.compiled_payloads`); None where the ordinary executor completes payloads
    # (SQLite, fast reads off); HTTP and WebSocket operations alike carry it.
    payload_reads: Any = None
    # Fresh for every operation: `renew` sets them (the `FreshLoaders` extension calls it as
    # each operation starts), so nothing builds them here only to be replaced.
    loaders: Loaders = field(init=False, repr=False)
    # Whether the last operation run with this context was a mutation (set by the
    # `FreshLoaders` extension once parsed): an HTTP mutation's answer then carries the
    # primary's WAL position for read-your-writes (`mentorgraph.read_replica`).
    ran_mutation: bool = field(default=False, init=False)

    def renew(self, viewer: User | None, loaders: Loaders | None = None) -> None:
        """Start over with `viewer` and fresh caches (each operation; each subscription event)."""
        self.viewer = viewer
        self.loaders = loaders or Loaders(viewer)

    def sign_in(self, user: User, session_id: int) -> str:
        """The rest of this operation runs as `user` in a new session (signUp, logIn,
        refreshSession); returns its access token."""
        self.renew(user)
        self.session_id = session_id
        return self.issue_token(user, session_id)

    def require_viewer(self) -> User:
        if self.viewer is None:
            raise Unauthenticated("Sign in first: send 'Authorization: Bearer <token>'.")
        return self.viewer

    def require_admin(self) -> User:
        viewer = self.require_viewer()
        if not ADMIN_ONLY.python(viewer):
            raise Forbidden("Only admins may do this.")
        return viewer

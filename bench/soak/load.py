"""The ordinary users of the soak: mentees who sign up and ask, mentors who answer, people who
log in (some with the wrong password), and anonymous visitors browsing the directory.

Each actor loops until `stop` is set, with short random pauses. The browsers' reads (directory,
facets, viewer) are "ordinary reads": their latency is what the report compares between phases
(timed in a process of their own, bench/soak/readers.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.soak import operations as ops
from bench.soak.client import call
from bench.soak.stats import Stats
from bench.soak.world import PASSWORD

__all__ = ["Crowd", "browse", "log_in", "mentee", "mentor", "wrong_logins"]


@dataclass
class Crowd:
    """What the actors share: the server, the stats, who exists."""

    http: httpx.AsyncClient
    stats: Stats
    stop: asyncio.Event
    mentor_ids: list[str]
    mentor_emails: list[str]
    # Tokens of the mentees signed up so far (abusers borrow them).
    mentee_tokens: list[str] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(11))

    async def pause(self, low: float = 0.05, high: float = 0.3) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), self.rng.uniform(low, high))


def _nodes(data: dict[str, Any] | None, list_name: str) -> list[dict[str, Any]]:
    viewer = (data or {}).get("viewer") or {}
    return list((viewer.get(list_name) or {}).get("nodes") or [])


async def log_in(crowd: Crowd, email: str, password: str, kind: str = "logIn") -> str | None:
    data = await call(
        crowd.http, crowd.stats, kind, ops.LOG_IN, {"input": {"email": email, "password": password}}
    )
    return ((data or {}).get("logIn") or {}).get("token")


async def browse(crowd: Crowd) -> None:
    """An anonymous visitor: directory pages, facets; sometimes signed in as a mentee."""
    while not crowd.stop.is_set():
        token = crowd.rng.choice(crowd.mentee_tokens) if crowd.mentee_tokens else None
        roll = crowd.rng.random()
        if roll < 0.6:
            search = crowd.rng.choice([None, {"availableOnly": False}, {"search": "help"}])
            variables = {"first": crowd.rng.choice([5, 20]), "filter": search}
            await call(crowd.http, crowd.stats, "directory", ops.DIRECTORY, variables,
                       ordinary_read=True)  # fmt: skip
        elif roll < 0.8:
            await call(crowd.http, crowd.stats, "facets", ops.FACETS, ordinary_read=True)
        elif token:
            await call(crowd.http, crowd.stats, "viewer", ops.VIEWER, token=token,
                       ordinary_read=True)  # fmt: skip
        await crowd.pause(0.02, 0.1)


async def mentee(crowd: Crowd) -> None:
    """Sign up, then ask mentors, cancel some requests, end some mentorships."""
    email = f"mentee-{uuid.uuid4().hex[:12]}@soak.example.org"
    token = None
    while token is None and not crowd.stop.is_set():
        variables = {"input": {"email": email, "name": "Soak Mentee", "password": PASSWORD}}
        data = await call(crowd.http, crowd.stats, "signUp", ops.SIGN_UP, variables)
        token = ((data or {}).get("signUp") or {}).get("token")
        if token is None:
            await crowd.pause(1, 3)
    if token is None:
        return
    crowd.mentee_tokens.append(token)
    rng = crowd.rng
    while not crowd.stop.is_set():
        roll = rng.random()
        if roll < 0.45:
            request = {
                "mentorId": rng.choice(crowd.mentor_ids),
                "message": ops.TEXT,
                "background": ops.TEXT,
                "expectation": ops.TEXT,
            }
            await call(crowd.http, crowd.stats, "createMentorshipRequest", ops.CREATE,
                       {"input": request}, token=token)  # fmt: skip
        elif roll < 0.65:
            data = await call(crowd.http, crowd.stats, "mySentRequests", ops.MY_SENT,
                              {"status": ["NEW", "VIEWED"]}, token=token)  # fmt: skip
            waiting = _nodes(data, "sentRequests")
            if waiting:
                await call(crowd.http, crowd.stats, "cancelMentorshipRequest", ops.CANCEL,
                           {"id": rng.choice(waiting)["id"]}, token=token)  # fmt: skip
        elif roll < 0.75:
            data = await call(crowd.http, crowd.stats, "mySentRequests", ops.MY_SENT,
                              {"status": ["APPROVED"]}, token=token)  # fmt: skip
            active = _nodes(data, "sentRequests")
            if active:
                await call(crowd.http, crowd.stats, "completeMentorship", ops.COMPLETE,
                           {"id": rng.choice(active)["id"]}, token=token)  # fmt: skip
        else:
            await call(crowd.http, crowd.stats, "viewer", ops.VIEWER, token=token)
        await crowd.pause()


async def mentor(crowd: Crowd, email: str) -> None:
    """Log in, then look at waiting requests: view, approve or decline; end mentorships."""
    token = None
    while token is None and not crowd.stop.is_set():
        token = await log_in(crowd, email, PASSWORD)
        if token is None:
            await crowd.pause(1, 3)
    rng = crowd.rng
    while token is not None and not crowd.stop.is_set():
        data = await call(crowd.http, crowd.stats, "myReceivedRequests", ops.MY_RECEIVED,
                          {"status": ["NEW", "VIEWED"]}, token=token)  # fmt: skip
        for request in _nodes(data, "receivedRequests")[:3]:
            roll = rng.random()
            if request["status"] == "NEW" and roll < 0.4:
                kind, operation = "markMentorshipRequestViewed", ops.MARK_VIEWED
            elif roll < 0.7:
                kind, operation = "approveMentorshipRequest", ops.APPROVE
            else:
                kind, operation = "declineMentorshipRequest", ops.DECLINE
            await call(crowd.http, crowd.stats, kind, operation, {"id": request["id"]},
                       token=token)  # fmt: skip
        if rng.random() < 0.3:
            data = await call(crowd.http, crowd.stats, "myReceivedRequests", ops.MY_RECEIVED,
                              {"status": ["APPROVED"]}, token=token)  # fmt: skip
            active = _nodes(data, "receivedRequests")
            if active:
                await call(crowd.http, crowd.stats, "completeMentorship", ops.COMPLETE,
                           {"id": rng.choice(active)["id"]}, token=token)  # fmt: skip
        await crowd.pause(0.3, 1.0)


async def wrong_logins(crowd: Crowd) -> None:
    """Mistyped passwords for real accounts and guesses for unknown ones, now and then a
    correct one (which must still work)."""
    rng = crowd.rng
    while not crowd.stop.is_set():
        roll = rng.random()
        if roll < 0.5:
            await log_in(crowd, rng.choice(crowd.mentor_emails), "wrong-password", "logIn wrong")
        elif roll < 0.8:
            await log_in(crowd, "nobody@soak.example.org", "guess", "logIn unknown")
        else:
            await log_in(crowd, rng.choice(crowd.mentor_emails), PASSWORD, "logIn right")
        await crowd.pause(0.5, 1.5)

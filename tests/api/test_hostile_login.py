"""Issue 11, items 4 and 5: logIn guessing and sign-up floods, as a hostile client sends them.

Through real servers (`mentorgraph serve`; two processes on PostgreSQL, so the counting must
hold across processes) and real sockets from distinct loopback addresses (127.0.0.x, which
Linux routes to the loopback interface), so each client has its own `client_address`.

Password checks are counted from the answers: INVALID_CREDENTIALS means the password was
checked, LOGIN_THROTTLED means it was not (`models/accounts/login_guard.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from devkit.factories import PASSWORD, make_user
from devkit.live_server import LiveServer
from mentorgraph.app import create_app
from mentorgraph.models import clock, throttle
from mentorgraph.models.accounts.auth import Throttle
from mentorgraph.models.accounts.passwords import BoundedHasher, verify_password
from mentorgraph.models.accounts.users import User
from mentorgraph.models.sweep import sweep
from mentorgraph.settings import Settings

pytestmark = pytest.mark.skipif(
    os.uname().sysname != "Linux", reason="needs 127.0.0.x loopback addresses (Linux)"
)

LOG_IN = """mutation($i: LogInInput!) {
  logIn(input: $i) { token userErrors { code message retryAfterSeconds } }
}"""
SIGN_UP = """mutation($i: SignUpInput!) {
  signUp(input: $i) { token userErrors { code retryAfterSeconds } }
}"""

# Small ceilings keep the tests quick; the rules are the same at any size.
PAIR, ACCOUNT, ADDRESS = 3, 6, 10
CEILINGS = {
    "LOGIN_PAIR_FAILURES": str(PAIR),
    "LOGIN_ACCOUNT_FAILURES": str(ACCOUNT),
    "LOGIN_ADDRESS_FAILURES": str(ADDRESS),
    "LOGIN_BACKOFF_BASE_SECONDS": "600",
    "BACKGROUND_JOBS": "false",
}


@pytest.fixture
def servers(settings: Settings, db: None) -> Iterator[list[LiveServer]]:
    """Real server processes on the test database: two on PostgreSQL, one on SQLite."""
    count = 1 if settings.is_sqlite else 2
    with contextlib.ExitStack() as stack:
        started = []
        for _ in range(count):
            server = LiveServer(settings, **CEILINGS)  # type: ignore[arg-type]
            server.start()
            stack.callback(server.stop)
            started.append(server)
        yield started


@contextlib.asynccontextmanager
async def client_from(url: str, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client whose connections come from `address` (a 127.0.0.x loopback address)."""
    transport = httpx.AsyncHTTPTransport(
        local_address=address, limits=httpx.Limits(max_connections=100)
    )
    async with httpx.AsyncClient(base_url=url, transport=transport, timeout=120) as http:
        yield http


async def log_in(http: httpx.AsyncClient, email: str, password: str) -> dict[str, Any]:
    body = {"query": LOG_IN, "variables": {"i": {"email": email, "password": password}}}
    response = await http.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()["data"]["logIn"]
    return payload


def outcome(payload: dict[str, Any]) -> str:
    """ "OK" for a token, else the code of the one userError."""
    if payload["token"]:
        return "OK"
    [error] = payload["userErrors"]
    return str(error["code"])


async def attempts(key: str) -> int:
    row = await Throttle.get_or_none(key=key)
    return row.attempts if row else 0


async def test_forty_concurrent_guesses_get_only_the_allowed_checks(
    servers: list[LiveServer],
) -> None:
    await make_user(email="ada@example.org")
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(client_from(s.url, "127.0.0.2")) for s in servers
        ]
        answers = await asyncio.gather(
            *(log_in(clients[i % len(clients)], "ada@example.org", f"guess {i}") for i in range(40))
        )
    codes = Counter(outcome(a) for a in answers)
    assert codes == {"INVALID_CREDENTIALS": PAIR, "LOGIN_THROTTLED": 40 - PAIR}
    assert await attempts(throttle.key("login-pair", "ada@example.org", "127.0.0.2")) == PAIR
    throttled = next(a for a in answers if outcome(a) == "LOGIN_THROTTLED")
    assert 0 < throttled["userErrors"][0]["retryAfterSeconds"] <= 600


@pytest.mark.parametrize("admin", [False, True], ids=["member", "admin"])
async def test_the_owner_signs_in_from_a_known_address_while_strangers_guess(
    servers: list[LiveServer], admin: bool
) -> None:
    await make_user(email="ada@example.org", admin=admin)
    url = servers[0].url
    async with client_from(url, "127.0.0.2") as home:
        assert outcome(await log_in(home, "ada@example.org", PASSWORD)) == "OK"

    async def stranger(n: int) -> str:
        # One guess from each of 40 addresses: past the pair ceiling for none of them.
        async with client_from(servers[n % len(servers)].url, f"127.0.1.{n + 1}") as http:
            return outcome(await log_in(http, "ada@example.org", f"guess {n}"))

    async def owner() -> str:
        async with client_from(url, "127.0.0.2") as home:
            return outcome(await log_in(home, "ada@example.org", PASSWORD))

    *guesses, during = await asyncio.gather(*(stranger(n) for n in range(40)), owner())
    assert Counter(guesses) == {"INVALID_CREDENTIALS": ACCOUNT, "LOGIN_THROTTLED": 40 - ACCOUNT}
    assert during == "OK"
    async with client_from(url, "127.0.0.2") as home:
        assert outcome(await log_in(home, "ada@example.org", PASSWORD)) == "OK"
    # From an address it has never signed in from, the account waits like everyone else.
    async with client_from(url, "127.0.0.3") as elsewhere:
        assert outcome(await log_in(elsewhere, "ada@example.org", PASSWORD)) == "LOGIN_THROTTLED"


async def test_one_shared_address_does_not_lock_out_everyone_behind_it(
    servers: list[LiveServer],
) -> None:
    for name in ("ada", "bob", "carol", "dave"):
        await make_user(email=f"{name}@example.org")
    url = servers[0].url
    proxy = "127.0.0.5"
    async with client_from(url, proxy) as http:
        assert outcome(await log_in(http, "carol@example.org", PASSWORD)) == "OK"

        # Someone behind the proxy hammers Ada: only the pair (Ada, proxy) waits.
        hammer = await asyncio.gather(*(log_in(http, "ada@example.org", "x") for _ in range(20)))
        assert Counter(map(outcome, hammer))["INVALID_CREDENTIALS"] == PAIR
        assert outcome(await log_in(http, "bob@example.org", PASSWORD)) == "OK"

        # Then stuffs credentials over many accounts: the address ceiling slows newcomers...
        stuffing = await asyncio.gather(
            *(log_in(http, f"victim{n}@example.org", "x") for n in range(30))
        )
        assert Counter(map(outcome, stuffing))["INVALID_CREDENTIALS"] == ADDRESS - PAIR
        assert outcome(await log_in(http, "dave@example.org", PASSWORD)) == "LOGIN_THROTTLED"
        # ...but not those who have signed in from here before.
        assert outcome(await log_in(http, "carol@example.org", PASSWORD)) == "OK"
        assert outcome(await log_in(http, "bob@example.org", PASSWORD)) == "OK"
    async with client_from(url, "127.0.0.6") as other:
        assert outcome(await log_in(other, "dave@example.org", PASSWORD)) == "OK"


async def test_sign_ups_per_address_are_counted_atomically(settings: Settings, db: None) -> None:
    server = LiveServer(settings, SIGNUP_MAX_PER_ADDRESS="3", BACKGROUND_JOBS="false")
    server.start()
    try:

        async def sign_up(http: httpx.AsyncClient, n: int) -> dict[str, Any]:
            account = {"email": f"new{n}@example.org", "password": PASSWORD, "name": "New"}
            response = await http.post(
                "/graphql", json={"query": SIGN_UP, "variables": {"i": account}}
            )
            assert response.status_code == 200, response.text
            payload: dict[str, Any] = response.json()["data"]["signUp"]
            return payload

        async with client_from(server.url, "127.0.0.7") as http:
            answers = await asyncio.gather(*(sign_up(http, n) for n in range(12)))
        assert Counter(map(outcome, answers)) == {"OK": 3, "SIGN_UP_THROTTLED": 9}
        assert await User.all().count() == 3
        refused = next(a for a in answers if not a["token"])
        assert 0 < refused["userErrors"][0]["retryAfterSeconds"] <= 3600
        async with client_from(server.url, "127.0.0.8") as other:
            assert outcome(await sign_up(other, 99)) == "OK"
    finally:
        server.stop()


# --- back-off, in process: the test moves the rules' clock ---


@contextlib.asynccontextmanager
async def in_process(settings: Settings, address: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        settings.model_copy(
            update={
                "login_pair_failures": PAIR,
                "login_backoff_base_seconds": 1,
                "login_backoff_max_seconds": 8,
                "login_forget_seconds": 3600,
            }
        ),
        manage_db=False,
    )
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def wait_of(payload: dict[str, Any]) -> int:
    [error] = payload["userErrors"]
    assert error["code"] == "LOGIN_THROTTLED"
    return int(error["retryAfterSeconds"])


@pytest.mark.parametrize("email", ["ada@example.org", "nobody@example.org"])
async def test_back_off_doubles_up_to_its_ceiling_then_the_right_password_resets_it(
    settings: Settings, db: None, email: str
) -> None:
    # The same answers for an account that does not exist: nothing to enumerate.
    await make_user(email="ada@example.org")
    # Time stands still but for the test's moves: a slow hash on a busy machine must not let
    # a one-second window pass by itself.
    clock.pin(clock.now())
    async with in_process(settings, "10.0.0.1") as http:
        for _ in range(PAIR):
            assert outcome(await log_in(http, email, "wrong")) == "INVALID_CREDENTIALS"
        waits = []
        for _ in range(6):
            wait = wait_of(await log_in(http, email, PASSWORD))
            waits.append(wait)
            clock.advance(timedelta(seconds=wait))
            assert outcome(await log_in(http, email, "wrong")) == "INVALID_CREDENTIALS"
        assert waits == [1, 2, 4, 8, 8, 8]
        # Refused while waiting, even with the right password; nothing counted.
        assert wait_of(await log_in(http, email, PASSWORD)) == 8
        clock.advance(timedelta(seconds=8))
        if email == "ada@example.org":
            assert outcome(await log_in(http, email, PASSWORD)) == "OK"
            for _ in range(PAIR):
                assert outcome(await log_in(http, email, "wrong")) == "INVALID_CREDENTIALS"
            assert wait_of(await log_in(http, email, "wrong")) == 1
        else:
            assert outcome(await log_in(http, email, PASSWORD)) == "INVALID_CREDENTIALS"


async def test_an_overlong_email_is_an_ordinary_wrong_guess(settings: Settings, db: None) -> None:
    # Counter keys are digests: no length a client sends overflows a column (it did: a 500).
    async with in_process(settings, "10.0.0.4") as http:
        payload = await log_in(http, "a" * 400 + "@example.org", "wrong")
    assert outcome(payload) == "INVALID_CREDENTIALS"


async def test_counts_are_forgotten_after_a_quiet_window(settings: Settings, db: None) -> None:
    await make_user(email="ada@example.org")
    async with in_process(settings, "10.0.0.2") as http:
        for _ in range(PAIR):
            await log_in(http, "ada@example.org", "wrong")
        clock.advance(timedelta(seconds=3600))
        for _ in range(PAIR):
            assert outcome(await log_in(http, "ada@example.org", "wrong")) == "INVALID_CREDENTIALS"


async def test_the_sweep_deletes_counters_nobody_has_used_for_long(
    settings: Settings, db: None
) -> None:
    clock.pin(clock.now())  # a slow sweep must not carry the counters past their window
    async with in_process(settings, "10.0.0.3") as http:
        await log_in(http, "ada@example.org", "wrong")
    assert await Throttle.all().count() == 3  # pair, account, address
    clock.advance(timedelta(seconds=3599))
    await sweep()
    assert await Throttle.all().count() == 3
    clock.advance(timedelta(seconds=2))
    await sweep()
    assert await Throttle.all().count() == 0


# --- password hashing off the event loop ---


async def test_the_hasher_never_runs_more_computations_than_its_bound() -> None:
    hasher = BoundedHasher(2)
    try:
        hashes = await asyncio.gather(*(hasher.hash(f"password {n}!") for n in range(8)))
        checks = await asyncio.gather(
            *(hasher.verify(h, f"password {n}!") for n, h in enumerate(hashes))
        )
    finally:
        hasher.close()
    assert all(checks)
    assert all(verify_password(h, f"password {n}!") for n, h in enumerate(hashes))
    assert hasher.peak == 2
    assert hasher.running == 0


async def test_cheap_queries_are_answered_while_sign_ups_hash(settings: Settings, db: None) -> None:
    """With one hashing thread, 20 sign-ups hash one after another; the event loop stays free,
    so while each hashes, cheap queries keep being answered (before: they waited behind the
    hashes, about one answer per sign-up)."""
    server = LiveServer(
        settings,
        PASSWORD_HASH_CONCURRENCY="1",
        SIGNUP_MAX_PER_ADDRESS="1000",
        BACKGROUND_JOBS="false",
    )
    server.start()
    try:
        async with httpx.AsyncClient(
            base_url=server.url, timeout=120, limits=httpx.Limits(max_connections=50)
        ) as http:
            completed = 0

            async def sign_up(n: int) -> None:
                nonlocal completed
                account = {"email": f"flood{n}@example.org", "password": PASSWORD, "name": "F"}
                body = {"query": SIGN_UP, "variables": {"i": account}}
                response = await http.post("/graphql", json=body)
                assert response.json()["data"]["signUp"]["token"]
                completed += 1

            flood = asyncio.gather(*(sign_up(n) for n in range(20)))
            # For each cheap answer, how many sign-ups had completed by then.
            seen: list[int] = []
            while not flood.done():
                response = await http.post("/graphql", json={"query": "{ __typename }"})
                assert response.json() == {"data": {"__typename": "Query"}}
                seen.append(completed)
            await flood
    finally:
        server.stop()
    answered_during = Counter(n for n in seen if 0 < n < 20)
    # Between one sign-up's completion and the next, many cheap answers (not one or two).
    assert max(answered_during.values()) >= 10, answered_during

"""Latency of a cheap query while 20 sign-ups run at once (issue 11, item 5).

    python -m bench.signup_flood [--root PATH] [--rounds 3] [--signups 20]

Starts `mentorgraph serve` (from `--root`, default this checkout) on a fresh SQLite database,
then per round: the median latency of `{ __typename }` alone, and while `--signups` concurrent
signUps run. Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from devkit.live_server import free_port

SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { token userErrors { code } } }"
CHEAP = {"query": "{ __typename }"}


async def _probe(http: httpx.AsyncClient, until: asyncio.Event) -> list[float]:
    """Sequential cheap queries until `until` is set; their latencies in milliseconds."""
    latencies = []
    while not until.is_set():
        started = time.perf_counter()
        response = await http.post("/graphql", json=CHEAP)
        response.raise_for_status()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


async def _round(
    url: str, signups: int, offset: int
) -> tuple[float, float, float, int, int, float]:
    limits = httpx.Limits(max_connections=signups + 5)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
        quiet = asyncio.Event()
        probe = asyncio.create_task(_probe(http, quiet))
        await asyncio.sleep(1.0)
        quiet.set()
        alone = statistics.median(await probe)

        done = asyncio.Event()
        probe = asyncio.create_task(_probe(http, done))

        async def sign_up(i: int) -> None:
            account = {
                "email": f"flood{offset + i}@example.org",
                "password": "correct horse 42",
                "name": "Flood",
            }
            body = {"query": SIGN_UP, "variables": {"i": account}}
            response = await http.post("/graphql", json=body)
            response.raise_for_status()
            signed_up.append(response.json()["data"]["signUp"]["token"] is not None)

        signed_up: list[bool] = []

        started = time.perf_counter()
        await asyncio.gather(*(sign_up(i) for i in range(signups)))
        took = time.perf_counter() - started
        done.set()
        during = await probe
        return alone, statistics.median(during), max(during), len(during), sum(signed_up), took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[1]))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--signups", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        env = {
            **os.environ,
            "PYTHONPATH": args.root,
            "DATA_DIR": data,
            "BACKGROUND_JOBS": "false",
            # So that the sign-ups measure hashing, not the sign-up throttle.
            "SIGNUP_MAX_PER_ADDRESS": "100000",
        }
        subprocess.run(
            [sys.executable, "-m", "mentorgraph", "migrate"], env=env, check=True, cwd=args.root
        )
        server = subprocess.Popen(
            [sys.executable, "-m", "mentorgraph", "serve", "--port", str(port)],
            env=env,
            cwd=args.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(f"{url}/readyz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            for n in range(args.rounds):
                alone, during, worst, count, ok, took = asyncio.run(
                    _round(url, args.signups, n * args.signups)
                )
                print(
                    f"round {n + 1}: median cheap query {alone:.1f} ms alone,"
                    f" {during:.1f} ms during {args.signups} sign-ups (max {worst:.0f} ms,"
                    f" {count} probes;"
                    f" {ok} signed up in {took:.2f} s)"
                )
        finally:
            server.terminate()
            server.wait(timeout=15)


if __name__ == "__main__":
    main()

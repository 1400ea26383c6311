"""Throughput per core of reads, writes and reads-after-write, with and without a replica.

    .venv/bin/python -m bench.scaling --seconds 12

Starts its own primary and streaming replica (`devkit/replication.py`: initdb and
`pg_basebackup -R` in a temporary directory, free ports; never the shared cluster), migrates
and seeds it (`seed-demo`), signs up writers, then runs `mentorgraph serve --workers 1` and
loads it with `wrk` (`bench/load.py`), one load at a time:

- reads: an anonymous directory page (20 mentors with their tags), the fast read path;
- reads after a write: the same, signed in and with `X-Read-After` (the replica first checks
  it has replayed that far: two statements there);
- writes: `updateProfile` (a different writer each request), the ordinary executor;

with `DATABASE_READ_URL` set to the replica, and reads again without it. Besides requests
per second (which depend on what else the shared machine runs) it reports CPU seconds used
by the API process, the primary and the replica during each load (from /proc: the
postmaster and its children), and so requests per CPU-second of each: the per-core figure,
steadier on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import PreparedRequest, run_load  # noqa: E402
from bench.servers import free_port  # noqa: E402
from bench.subscriptions import cpu_seconds, start_server  # noqa: E402
from devkit.replication import ReplicatedPostgres  # noqa: E402

JWT_SECRET = "bench-secret-bench-secret-bench-secret"
DIRECTORY = (
    "query Directory($after: String) { mentors(first: 20, after: $after) "
    "{ edges { node { id name title bio tags } } pageInfo { endCursor } } }"
)
UPDATE_BIO = (
    "mutation Bio($bio: String!) { updateProfile(input: {bio: $bio}) { userErrors { code } } }"
)


def cluster_cpu(data_dir: Path) -> float:
    """CPU of a cluster's postmaster and its children (backends, walsender, startup...);
    backends that exited during the load are lost, so loads use long-lived connections."""
    postmaster = int((data_dir / "postmaster.pid").read_text().split()[0])
    total = cpu_seconds(postmaster)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) == postmaster:
                    total += cpu_seconds(int(entry.name))
            except (OSError, IndexError):
                continue
    return total


@dataclass
class Measured:
    load: str
    replica: bool
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    api_cpu: float
    primary_cpu: float
    replica_cpu: float
    requests: int

    def per_cpu(self, cpu: float) -> str:
        return f"{self.requests / cpu:,.0f}" if cpu > 0.05 else "-"


def serve(database_url: str, read_url: str, data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        "DATABASE_READ_URL": read_url,
        "JWT_SECRET": JWT_SECRET,
        "BACKGROUND_JOBS": "false",
        "SIGNUP_MAX_PER_ADDRESS": "100000",
        "MAX_OPEN_REQUESTS_PER_MENTEE": "5",
    }
    return start_server(database_url, port, data_dir, env), f"http://127.0.0.1:{port}"


def measure(
    name: str,
    replica: bool,
    url: str,
    api: subprocess.Popen[bytes],
    clusters: ReplicatedPostgres,
    requests: list[PreparedRequest],
    args: argparse.Namespace,
) -> Measured:
    run_load(url, requests, connections=args.connections, seconds=3)  # warm-up
    before = (
        cpu_seconds(api.pid),
        cluster_cpu(clusters.dir / "primary"),
        cluster_cpu(clusters.dir / "replica"),
    )
    result = run_load(url, requests, connections=args.connections, seconds=args.seconds)
    after = (
        cpu_seconds(api.pid),
        cluster_cpu(clusters.dir / "primary"),
        cluster_cpu(clusters.dir / "replica"),
    )
    api_cpu, primary_cpu, replica_cpu = (b - a for a, b in zip(before, after, strict=True))
    return Measured(
        load=name,
        replica=replica,
        rps=result.rps,
        p50_ms=result.p50_ms,
        p99_ms=result.p99_ms,
        errors=result.errors,
        api_cpu=api_cpu,
        primary_cpu=primary_cpu,
        replica_cpu=replica_cpu,
        requests=result.requests,
    )


def body(query: str, variables: dict[str, object]) -> bytes:
    return json.dumps({"query": query, "variables": variables}).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--mentors", type=int, default=500)
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    clusters = ReplicatedPostgres()
    results: list[Measured] = []
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        try:
            clusters.start()
            env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": clusters.primary_url}
            for command in (["migrate"], ["seed-demo", "--mentors", str(args.mentors)]):
                subprocess.run(
                    [sys.executable, "-m", "mentorgraph", *command],
                    env=env,
                    check=True,
                    capture_output=True,
                )
            api, url = serve(clusters.primary_url, clusters.replica_url, data_dir)
            try:
                tokens, positions = [], []
                for n in range(args.writers):
                    answer = httpx.post(
                        f"{url}/graphql",
                        json={
                            "query": "mutation($e: String!) { signUp(input: {email: $e, name: "
                            '"Writer", password: "long enough password"}) { token } }',
                            "variables": {"e": f"writer{n}@example.org"},
                        },
                        timeout=30,
                    )
                    tokens.append(answer.json()["data"]["signUp"]["token"])
                    positions.append(answer.headers["X-Read-After"])
                reads = [PreparedRequest("/graphql", body(DIRECTORY, {}), {})]
                after_write = [
                    PreparedRequest(
                        "/graphql",
                        body(DIRECTORY, {}),
                        {"Authorization": f"Bearer {t}", "X-Read-After": p},
                    )
                    for t, p in zip(tokens, positions, strict=True)
                ]
                writes = [
                    PreparedRequest(
                        "/graphql",
                        body(UPDATE_BIO, {"bio": f"bio {n}"}),
                        {"Authorization": f"Bearer {t}"},
                    )
                    for n, t in enumerate(tokens)
                ]
                loads: list[tuple[str, list[PreparedRequest]]] = [
                    ("reads (fast path)", reads),
                    ("reads after a write (X-Read-After)", after_write),
                    ("writes (updateProfile)", writes),
                ]
                for name, requests in loads:
                    results.append(measure(name, True, url, api, clusters, requests, args))
                    print(results[-1], flush=True)
            finally:
                api.terminate()
                api.wait(10)
            api, url = serve(clusters.primary_url, "", data_dir)
            try:
                results.append(measure("reads (fast path)", False, url, api, clusters, reads, args))
                print(results[-1], flush=True)
            finally:
                api.terminate()
                api.wait(10)
        finally:
            clusters.stop()
    report(results, args)


def report(results: list[Measured], args: argparse.Namespace) -> None:
    load = os.getloadavg()
    print(
        f"\n{args.seconds:.0f} s per load, {args.connections} connections, "
        f"load average now {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}\n"
    )
    print(
        "| load | replica | req/s | p50 ms | p99 ms | errors | req per API CPU-s "
        "| req per primary CPU-s | req per replica CPU-s |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    cell: Callable[[Measured, float], str] = Measured.per_cpu
    for m in results:
        print(
            f"| {m.load} | {'yes' if m.replica else 'no'} | {m.rps:,.0f} | {m.p50_ms:.1f} "
            f"| {m.p99_ms:.1f} | {m.errors} | {cell(m, m.api_cpu)} | {cell(m, m.primary_cpu)} "
            f"| {cell(m, m.replica_cpu)} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps([m.__dict__ for m in results], indent=2))


if __name__ == "__main__":
    main()

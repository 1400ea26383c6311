"""Load with `wrk` (Debian package): one thread, fixed connections, a warm-up, then a timed run.

Each connection cycles through the prepared requests (different variables and viewers), so no
server answers the same request over and over.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LoadResult", "PreparedRequest", "run_load"]


@dataclass(frozen=True)
class PreparedRequest:
    path: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _lua_string(value: str) -> str:
    # Long brackets need no escaping; pick a level the text does not contain.
    level = 0
    while f"]{'=' * level}]" in value:
        level += 1
    eq = "=" * level
    return f"[{eq}[{value}]{eq}]"


def _script(requests: list[PreparedRequest]) -> str:
    entries = []
    for r in requests:
        headers = ", ".join(
            f"[ {_lua_string(k)} ] = {_lua_string(v)}"
            for k, v in {"Content-Type": "application/json", **r.headers}.items()
        )
        entries.append(
            f"{{path = {_lua_string(r.path)}, body = {_lua_string(r.body.decode())},"
            f" headers = {{{headers}}}}}"
        )
    return (
        "local specs = {\n" + ",\n".join(entries) + "\n}\n"
        """
local formatted = {}
local i = 0
function init(args)
  for n, s in ipairs(specs) do
    formatted[n] = wrk.format("POST", s.path, s.headers, s.body)
  end
  i = math.random(#formatted) - 1
end
function request()
  i = i % #formatted + 1
  return formatted[i]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""
    )


def run_load(
    base_url: str,
    requests: list[PreparedRequest],
    *,
    connections: int,
    seconds: float,
    timeout: float = 10,
) -> LoadResult:
    """One bounded wrk run; raises when wrk is missing or reports nothing."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "requests.lua"
        script.write_text(_script(requests))
        command = [
            wrk,
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            f"--timeout={round(timeout)}s",
            "-s",
            str(script),
            base_url,
        ]
        out = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + timeout + 30, check=True
        ).stdout
    line = next((x for x in out.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk reported nothing:\n{out}")
    raw = json.loads(line.removeprefix("RESULT "))
    return LoadResult(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=raw["errors"],
    )

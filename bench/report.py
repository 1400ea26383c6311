"""The results as a Markdown table, written into docs/benchmarks.md between markers so that
other sections of that file (subscriptions, ...) stay as they are."""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path

from bench.run import ShapeResult
from bench.shapes import SHAPES

__all__ = ["render", "write_section"]

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
BEGIN = "<!-- bench:queries:begin -->"
END = "<!-- bench:queries:end -->"


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}" if base else "-"


def table(results: Sequence[ShapeResult]) -> str:
    lines = [
        "| shape | server | req/s | p50 ms | p99 ms | SQL/op | peak RSS MiB | x PostGraphile"
        " | x bare | same data | load avg |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    by_key = {(r.shape, r.server): r for r in results}
    for r in results:
        pgl = by_key.get((r.shape, "postgraphile"))
        bare = by_key.get((r.shape, "bare"))
        statements = f"{r.statements:g}" + (f" (+{r.resets:g} reset)" if r.resets else "")
        lines.append(
            f"| {r.shape} | {r.server} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f}"
            f" | {statements} | {r.peak_rss_mb:.0f}"
            f" | {_ratio(r.rps, pgl.rps if pgl else 0)} | {_ratio(r.rps, bare.rps if bare else 0)}"
            f" | {'yes' if r.same_data else 'NO'} | {' '.join(f'{x:.1f}' for x in r.load_avg)} |"
        )
    return "\n".join(lines)


def _version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    import os

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.platform()}"


def versions(node: str) -> str:
    from importlib.metadata import version

    import asyncpg
    import graphql
    import starlette
    import strawberry  # noqa: F401
    import tortoise

    pg = _version(["psql", "--version"])
    wrk = "wrk " + _version(["dpkg-query", "-W", "-f=${Version}", "wrk"])
    return (
        f"Python {platform.python_version()}, strawberry-graphql {version('strawberry-graphql')},"
        f" graphql-core {graphql.__version__}, starlette {starlette.__version__},"
        f" tortoise-orm {tortoise.__version__}, asyncpg {asyncpg.__version__},"
        f" uvicorn {version('uvicorn')};"
        f" PostGraphile 5.1.5 on Node {_version([node, '--version'])};"
        f" {pg}; {wrk}"
    )


def render(
    results: Sequence[ShapeResult], *, command: str, data: str, node: str, notes: str
) -> str:
    shapes = "\n".join(f"{n}. {SHAPES[n].title}" for n in sorted({r.shape for r in results}))
    return f"""{BEGIN}
## Queries: mentorgraph vs PostGraphile vs the bare SQL endpoint

Command: `{command}`

Data: {data}

Machine: {machine()}

Versions: {versions(node)}

Shapes:
{shapes}

{table(results)}

{notes}
{END}"""


def write_section(section: str, doc: Path = DOC) -> None:
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text)

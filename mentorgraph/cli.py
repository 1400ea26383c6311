"""`mentorgraph serve | migrate | seed-demo | create-user | token | deliver-emails | sweep |
persist-operations | simulate`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import importlib.metadata
import sys
from collections.abc import Awaitable, Callable

from pydantic import ValidationError

from mentorgraph.db import close_db, init_db, migrate_db
from mentorgraph.logging_setup import configure_logging
from mentorgraph.metrics_dir import prepare as prepare_metrics_dir
from mentorgraph.rules_setup import configure_rules
from mentorgraph.settings import Settings, describe_invalid, get_settings

__all__ = ["main"]


def _run(settings: Settings, work: Callable[[], Awaitable[int]]) -> int:
    # Every command that runs model code (create-user, seed-demo, sweep, ...) sees the
    # configured rules, as the server does, and logs as it does (deliver-emails with the
    # console backend prints each email through the log).
    configure_rules(settings)
    configure_logging(settings.log_level, settings.log_format)

    async def wrapped() -> int:
        await init_db(settings.resolved_database_url, settings)
        try:
            return await work()
        finally:
            await close_db()

    return asyncio.run(wrapped())


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from mentorgraph.ws_protocol import UVICORN_WS

    workers = args.workers or settings.workers
    if settings.is_sqlite and workers > 1:
        print(
            "SQLite serves one process only (it has one writer); starting 1 worker."
            " Use DATABASE_URL=postgres://... for more.",
            file=sys.stderr,
        )
        workers = 1
    configure_logging(settings.log_level, settings.log_format)
    # Every worker's metrics in one place, so a scrape of any of them counts all (`metrics_dir`).
    prepare_metrics_dir()
    trusted_proxies = settings.forwarded_allow_ips.strip()
    uvicorn.run(
        "mentorgraph.asgi:app",
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=workers,
        # X-Forwarded-For / -Proto are believed only from the proxies listed in
        # FORWARDED_ALLOW_IPS (none by default: a client could claim any address).
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=trusted_proxies or None,
        # uvicorn's websockets sans-I/O protocol, with less held per open socket.
        ws=UVICORN_WS,
        ws_per_message_deflate=settings.websocket_compression,
        ws_ping_interval=settings.ws_ping_interval_seconds,
        ws_ping_timeout=settings.ws_ping_timeout_seconds,
        # A WebSocket message is a request: the HTTP body limit, refused by uvicorn with 1009.
        ws_max_size=settings.max_body_bytes,
        # SIGTERM: open requests and sockets get this long, then they are cut (and the
        # process exits), whatever they are doing.
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        # Our handler and format (`logging_setup`), not uvicorn's; its access log is off: it
        # writes query strings (a GET's variables), and each operation has its own line.
        log_config=None,
        log_level=settings.log_level.lower(),
        access_log=False,
    )
    return 0


def cmd_migrate(_: argparse.Namespace, settings: Settings) -> int:
    applied = asyncio.run(migrate_db(settings.resolved_database_url))
    for name in applied:
        print(f"Applied {name}")
    if not applied:
        print("Nothing to apply.")
    print("Database is up to date.")
    return 0


def cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    from mentorgraph.demo import seed_demo

    return _run(settings, lambda: seed_demo(mentors=args.mentors, only_if_empty=args.if_empty))


def read_password(from_stdin: bool) -> str | None:
    """The new account's password: one line of stdin (scripts), else typed twice at a prompt.
    Never argv: a command line is visible to every user of the machine (`ps`) and kept in
    shell history."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not sys.stdin.isatty():
        print("No terminal to ask for a password: pipe it with --password-stdin.", file=sys.stderr)
        return None
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            print("The passwords differ; nothing created.", file=sys.stderr)
            return None
    if not password:
        print("The password is empty; nothing created.", file=sys.stderr)
        return None
    return password


def cmd_create_user(args: argparse.Namespace, settings: Settings) -> int:
    from mentorgraph.models.accounts.accounts import create_user
    from mentorgraph.models.errors import RuleViolation, RuleViolations

    password = read_password(args.password_stdin)
    if password is None:
        return 1

    async def work() -> int:
        try:
            user = await create_user(
                email=args.email,
                password=password,
                name=args.name,
                is_mentor=args.mentor,
                is_admin=args.admin,
            )
        except (RuleViolation, RuleViolations) as exc:
            print(f"Not created: {exc}", file=sys.stderr)
            return 1
        print(f"Created user {user.id} <{user.email}>")
        return 0

    return _run(settings, work)


def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    from mentorgraph.models.accounts import sessions
    from mentorgraph.models.accounts.users import User
    from mentorgraph.models.safety import standing
    from mentorgraph.security import TokenService

    tokens = TokenService.from_settings(settings)

    async def work() -> int:
        user = await User.get_or_none(email=args.email.strip().lower())
        if user is None:
            print(f"No user with email {args.email}", file=sys.stderr)
            return 1
        # Every request would refuse such a token (`security.user_by_id`): say why now, rather
        # than print one that fails later with "sign in again".
        refused = standing.token_refusal(user)
        if refused is not None:
            print(f"No token for {user.email}: {refused}", file=sys.stderr)
            return 1
        # A session of its own, listed and ended like any other (`models/accounts/sessions.py`); the
        # token lasts as long as an unused session would (TOKEN_TTL_MINUTES), not refreshed.
        started = await sessions.start(user, address="cli", user_agent="mentorgraph token")
        print(tokens.issue(user, started.session.id, tokens.long_ttl))
        return 0

    return _run(settings, work)


def cmd_deliver_emails(_: argparse.Namespace, settings: Settings) -> int:
    from mentorgraph.email_setup import outbox_worker

    async def work() -> int:
        report = await outbox_worker(settings).deliver_due()
        print(f"sent {report.sent}, failed {report.failed}")
        return 0

    return _run(settings, work)


def cmd_sweep(_: argparse.Namespace, settings: Settings) -> int:
    from mentorgraph.models.sweep import sweep

    async def work() -> int:
        print(await sweep())
        return 0

    return _run(settings, work)


def cmd_persist_operations(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from mentorgraph.models.persisted_queries import register
    from mentorgraph.operation_manifest import ManifestError, read_manifest

    try:
        manifest = read_manifest(Path(args.file), max_document_bytes=settings.max_body_bytes)
    except ManifestError as exc:
        print(f"Nothing registered: {exc}", file=sys.stderr)
        return 1

    async def work() -> int:
        added = await register(manifest.documents)
        print(f"Registered {added} new operations ({len(manifest.documents)} in the manifest).")
        if manifest.other_ids:
            print(
                f"{len(manifest.other_ids)} ids are not sha256 hashes (e.g. Relay's default MD5):"
                " clients must send the sha256 of each document (relay-compiler:"
                ' persistConfig.algorithm "SHA256").',
                file=sys.stderr,
            )
        return 0

    return _run(settings, work)


def cmd_simulate(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from mentorgraph.simulate import SimConfig, run_simulation
    from mentorgraph.simulate.database import NotThrowAway
    from mentorgraph.simulate.plots import PlotsUnavailable

    config = SimConfig(
        days=args.days,
        mentors=args.mentors,
        silent_share=args.silent_share,
        mentees_per_day_given=args.mentees_per_day,
        seed=args.seed,
    )
    # The rules' thresholds come from the settings (environment), as in the server.
    configure_rules(settings)
    configure_logging(settings.log_level, settings.log_format)
    try:
        report = asyncio.run(
            run_simulation(
                config,
                settings,
                database_url=args.database_url,
                plots_dir=Path(args.plots) if args.plots else None,
                docs_dir=Path(args.docs_dir) if args.write_docs else None,
                progress=sys.stderr,
            )
        )
    except (NotThrowAway, PlotsUnavailable) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(report, end="")
    return 0


def _positive(kind: type[int] | type[float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
        return value

    return parse


def _share(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"a share from 0 to 1, not {text}")
    return value


def package_version() -> str:
    try:
        return importlib.metadata.version("mentorgraph")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentorgraph",
        description="The mentorgraph GraphQL server and its maintenance commands. Settings come"
        " from the environment and .env (see .env.example).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve", help="serve the API (GraphiQL at /graphql)", description="Serve the API."
    )
    serve.add_argument("--host", help="address to listen on (default: HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default: PORT, 8000)")
    serve.add_argument(
        "--workers", type=int, help="server processes (default: WORKERS, 1; SQLite: always 1)"
    )
    serve.set_defaults(handler=cmd_serve)

    migrate = commands.add_parser(
        "migrate",
        help="apply database migrations",
        description="Apply the migrations the database lacks and list them.",
    )
    migrate.set_defaults(handler=cmd_migrate)

    seed = commands.add_parser(
        "seed-demo", help="load deterministic demo data", description="Load demo data."
    )
    seed.add_argument(
        "--mentors", type=int, default=200, help="mentors to create (default: %(default)s)"
    )
    seed.add_argument(
        "--if-empty", action="store_true", help="do nothing when the database has users"
    )
    seed.set_defaults(handler=cmd_seed_demo)

    create = commands.add_parser(
        "create-user",
        # Else the removed `--password PW` would be taken for --password-stdin, PW left over.
        allow_abbrev=False,
        help="create an account",
        description="Create an account. The password is asked for twice at a prompt, or read"
        " as one line from stdin with --password-stdin; never from the command line.",
    )
    create.add_argument("--email", required=True, help="the account's email (its login)")
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password as one line from stdin (e.g. from a secrets file)",
    )
    create.add_argument("--name", required=True, help="the name shown to other members")
    create.add_argument("--mentor", action="store_true", help="make the account a mentor")
    create.add_argument("--admin", action="store_true", help="make the account an administrator")
    create.set_defaults(handler=cmd_create_user)

    token = commands.add_parser(
        "token",
        help="print a bearer token for a user",
        description="Print a bearer token for a user (for scripts and testing).",
    )
    token.add_argument("--email", required=True, help="the account's email")
    token.set_defaults(handler=cmd_token)
    deliver = commands.add_parser(
        "deliver-emails",
        help="send due emails from the outbox once",
        description="Send due emails from the outbox once (for cron).",
    )
    deliver.set_defaults(handler=cmd_deliver_emails)
    sweeper = commands.add_parser(
        "sweep",
        help="remind, expire and set silent mentors unavailable once (for cron)",
        description="Remind, expire and set silent mentors unavailable once (for cron).",
    )
    sweeper.set_defaults(handler=cmd_sweep)
    persist = commands.add_parser(
        "persist-operations",
        help="register an app's operations for persisted queries (PERSISTED_QUERIES)",
        description="Register an app's operations for persisted queries (PERSISTED_QUERIES).",
    )
    persist.add_argument(
        "file", help="a JSON manifest: Apollo's persisted-query manifest or {hash: document}"
    )
    persist.set_defaults(handler=cmd_persist_operations)
    simulate = commands.add_parser(
        "simulate",
        help="simulate days of mentors and mentees through the real rules, and report",
        description="Simulate days of mentors and mentees on a throw-away database, through the"
        " real rules, sweep, clock and outbox, and print what came of it (Markdown). The same"
        " options and settings give the same report. The rules' thresholds are the settings"
        " (e.g. INACTIVE_EXPIRIES=1 mentorgraph simulate).",
    )
    simulate.add_argument(
        "--days", type=_positive(int), default=60, help="simulated days (default: %(default)s)"
    )
    simulate.add_argument(
        "--mentors", type=_positive(int), default=300, help="mentors (default: %(default)s)"
    )
    simulate.add_argument(
        "--silent-share",
        type=_share,
        default=0.3,
        help="share of mentors who never answer (default: %(default)s)",
    )
    simulate.add_argument(
        "--mentees-per-day",
        type=_positive(float),
        help="new mentees a day (default: one for every 25 mentors)",
    )
    simulate.add_argument("--seed", type=int, default=1, help="(default: %(default)s)")
    simulate.add_argument(
        "--database-url",
        help="an empty PostgreSQL (or SQLite) database to use; default: a temporary SQLite file",
    )
    simulate.add_argument("--plots", metavar="DIR", help="also write the PNG plots into DIR")
    simulate.add_argument(
        "--write-docs",
        action="store_true",
        help="write DOCS_DIR/outcomes.md and its plots in DOCS_DIR/outcomes/ (needs matplotlib)",
    )
    simulate.add_argument(
        "--docs-dir", default="docs", help="where --write-docs writes (default: %(default)s)"
    )
    simulate.set_defaults(handler=cmd_simulate)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as invalid:
        sys.exit(describe_invalid(invalid))
    # Before any command (and any worker) runs: the embedded database's folder and the
    # development secret, made once here rather than by whoever first reads them.
    settings.provision()
    sys.exit(args.handler(args, settings))

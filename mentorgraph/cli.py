"""`mentorgraph serve | migrate | seed-demo | create-user | token | deliver-emails | sweep |
persist-operations`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from mentorgraph.db import close_db, init_db, migrate_db
from mentorgraph.metrics_dir import prepare as prepare_metrics_dir
from mentorgraph.rules_setup import configure_rules
from mentorgraph.settings import Settings, get_settings

__all__ = ["main"]


def _run(settings: Settings, work: Callable[[], Awaitable[int]]) -> int:
    # Every command that runs model code (create-user, seed-demo, sweep, ...) sees the
    # configured rules, as the server does.
    configure_rules(settings)

    async def wrapped() -> int:
        await init_db(settings.resolved_database_url, settings)
        try:
            return await work()
        finally:
            await close_db()

    return asyncio.run(wrapped())


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    workers = args.workers or settings.workers
    if settings.is_sqlite and workers > 1:
        print(
            "SQLite serves one process only (it has one writer); starting 1 worker."
            " Use DATABASE_URL=postgres://... for more.",
            file=sys.stderr,
        )
        workers = 1
    # Each worker reads the development secret; create it once here, before they race to.
    settings.resolved_jwt_secret  # noqa: B018
    # Every worker's metrics in one place, so a scrape of any of them counts all (`metrics_dir`).
    prepare_metrics_dir()
    uvicorn.run(
        "mentorgraph.asgi:app",
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=workers,
        proxy_headers=False,
        ws_per_message_deflate=settings.websocket_compression,
        # A WebSocket message is a request: the HTTP body limit, refused by uvicorn with 1009.
        ws_max_size=settings.max_body_bytes,
        # SIGTERM: open requests and sockets get this long, then they are cut (and the
        # process exits), whatever they are doing.
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        log_level="info",
    )
    return 0


def cmd_migrate(_: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(migrate_db(settings.resolved_database_url))
    print("Database is up to date.")
    return 0


def cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    from mentorgraph.demo import seed_demo

    return _run(settings, lambda: seed_demo(mentors=args.mentors, only_if_empty=args.if_empty))


def cmd_create_user(args: argparse.Namespace, settings: Settings) -> int:
    from models.accounts import create_user
    from models.errors import RuleViolation, RuleViolations

    async def work() -> int:
        try:
            user = await create_user(
                email=args.email,
                password=args.password,
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
    from mentorgraph.security import TokenService
    from models.users import User

    tokens = TokenService.from_settings(settings)

    async def work() -> int:
        user = await User.get_or_none(email=args.email.strip().lower())
        if user is None:
            print(f"No user with email {args.email}", file=sys.stderr)
            return 1
        print(tokens.issue(user))
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
    from models.sweep import sweep

    async def work() -> int:
        print(await sweep())
        return 0

    return _run(settings, work)


def cmd_persist_operations(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from mentorgraph.operation_manifest import ManifestError, read_manifest
    from models.persisted_queries import register

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mentorgraph", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API (GraphiQL at /graphql)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.set_defaults(handler=cmd_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(handler=cmd_migrate)

    seed = commands.add_parser("seed-demo", help="load deterministic demo data")
    seed.add_argument("--mentors", type=int, default=200)
    seed.add_argument(
        "--if-empty", action="store_true", help="do nothing when the database has users"
    )
    seed.set_defaults(handler=cmd_seed_demo)

    create = commands.add_parser("create-user", help="create an account")
    create.add_argument("--email", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--mentor", action="store_true")
    create.add_argument("--admin", action="store_true")
    create.set_defaults(handler=cmd_create_user)

    token = commands.add_parser("token", help="print a bearer token for a user")
    token.add_argument("--email", required=True)
    token.set_defaults(handler=cmd_token)
    deliver = commands.add_parser("deliver-emails", help="send due emails from the outbox once")
    deliver.set_defaults(handler=cmd_deliver_emails)
    sweeper = commands.add_parser(
        "sweep", help="remind, expire and set silent mentors unavailable once (for cron)"
    )
    sweeper.set_defaults(handler=cmd_sweep)
    persist = commands.add_parser(
        "persist-operations",
        help="register an app's operations for persisted queries (PERSISTED_QUERIES)",
    )
    persist.add_argument(
        "file", help="a JSON manifest: Apollo's persisted-query manifest or {hash: document}"
    )
    persist.set_defaults(handler=cmd_persist_operations)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    sys.exit(args.handler(args, get_settings()))

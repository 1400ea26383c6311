"""Models and migrations agree: changing a model without `make migrations` fails here."""

from __future__ import annotations

from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from mentorgraph.db import tortoise_config


async def test_models_have_no_unmigrated_changes(tmp_path) -> None:
    config = tortoise_config(f"sqlite://{tmp_path / 'probe.sqlite3'}")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        detector = MigrationAutodetector(ctx.apps, config["apps"])  # type: ignore[arg-type]
        writers = await detector.changes()
    assert [w.name for w in writers] == [], "models changed: run `make migrations`"

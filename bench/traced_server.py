"""`mentorgraph serve --workers 1` under tracemalloc, dumping a snapshot on SIGUSR1.

For `bench.subscriptions --memory`: where each subscription's Python memory goes. Run as
`python -m bench.traced_server PORT SNAPSHOT_PREFIX` with the server's environment; every
SIGUSR1 writes `<prefix>-<n>.snapshot` (n = 0, 1, ...) after a full collection, then prints
its path. Native memory (uvloop's transports, zlib) is not traced: compare with RSS.
"""

from __future__ import annotations

import gc
import signal
import sys
import tracemalloc
from types import FrameType

FRAMES = 12


def main() -> None:
    tracemalloc.start(FRAMES)
    import uvicorn

    from mentorgraph.cli import main as cli_main

    port, prefix = sys.argv[1], sys.argv[2]
    dumped = 0

    def dump(_signum: int, _frame: FrameType | None) -> None:
        nonlocal dumped
        gc.collect()
        path = f"{prefix}-{dumped}.snapshot"
        tracemalloc.take_snapshot().dump(path)
        dumped += 1
        print(path, flush=True)

    signal.signal(signal.SIGUSR1, dump)
    # uvicorn installs its own handlers for SIGINT/SIGTERM only: SIGUSR1 stays ours.
    del uvicorn
    cli_main(["serve", "--port", port, "--workers", "1"])


if __name__ == "__main__":
    main()

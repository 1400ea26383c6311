"""Moved to `devkit/live_server.py` (shared with bench/, which must not import tests/);
this module only keeps existing imports working. New code imports `devkit.live_server`."""

from devkit.live_server import *  # noqa: F403
from devkit.live_server import __all__ as __all__

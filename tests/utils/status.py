"""Moved to `devkit/status.py` (shared with bench/, which must not import tests/);
this module only keeps existing imports working. New code imports `devkit.status`."""

from devkit.status import *  # noqa: F403
from devkit.status import __all__ as __all__

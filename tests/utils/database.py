"""Moved to `devkit/database.py` (shared with bench/, which must not import tests/);
this module only keeps existing imports working. New code imports `devkit.database`."""

from devkit.database import *  # noqa: F403
from devkit.database import __all__ as __all__

"""Moved to `devkit/factories.py` (shared with bench/, which must not import tests/);
this module only keeps existing imports working. New code imports `devkit.factories`."""

from devkit.factories import *  # noqa: F403
from devkit.factories import __all__ as __all__

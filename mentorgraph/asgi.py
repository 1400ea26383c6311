"""The app object uvicorn imports (`mentorgraph.asgi:app`), configured from the environment."""

from mentorgraph.app import create_app
from mentorgraph.gc_tuning import tune_gc
from mentorgraph.logging_setup import configure_logging
from mentorgraph.settings import get_settings

# Every worker process imports this module: each configures its own logging.
configure_logging(get_settings().log_level, get_settings().log_format)
app = create_app()
# Only in a serving process (every worker imports this module), not in tests' processes.
tune_gc()

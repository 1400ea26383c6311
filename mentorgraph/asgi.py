"""The app object uvicorn imports (`mentorgraph.asgi:app`), configured from the environment."""

from pydantic import ValidationError

from mentorgraph.app import create_app
from mentorgraph.gc_tuning import tune_gc
from mentorgraph.logging_setup import configure_logging
from mentorgraph.settings import describe_invalid, get_settings

try:
    get_settings()
except ValidationError as invalid:  # stop with the reason, not a traceback
    raise SystemExit(describe_invalid(invalid)) from None

# Every worker process imports this module: each configures its own logging.
configure_logging(get_settings().log_level, get_settings().log_format)
app = create_app()
# Only in a serving process (every worker imports this module), not in tests' processes.
tune_gc()

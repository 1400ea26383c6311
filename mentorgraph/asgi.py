"""The app object uvicorn imports (`mentorgraph.asgi:app`), configured from the environment."""

from mentorgraph.app import create_app
from mentorgraph.gc_tuning import tune_gc

app = create_app()
# Only in a serving process (every worker imports this module), not in tests' processes.
tune_gc()

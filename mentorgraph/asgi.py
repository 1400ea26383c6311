"""The app object uvicorn imports (`mentorgraph.asgi:app`), configured from the environment."""

from mentorgraph.app import create_app

app = create_app()

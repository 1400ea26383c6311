"""The running mentorgraph server: settings, ASGI app, auth, database wiring and CLI."""

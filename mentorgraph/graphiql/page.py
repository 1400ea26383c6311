"""The GraphiQL page: our own HTML around the vendored builds, each with its integrity hash,
under a Content-Security-Policy that allows nothing from another origin."""

from __future__ import annotations

import html
import secrets

from starlette.responses import HTMLResponse

from mentorgraph.graphiql.assets import GraphiQLAssets

__all__ = ["GraphiQLPage", "content_security_policy"]

TEMPLATE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="style-nonce" content="{nonce}">
    <title>mentorgraph GraphiQL</title>
    <link rel="icon" href="data:,">
{stylesheets}
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
{scripts}
  </body>
</html>
"""


def content_security_policy(nonce: str) -> str:
    """Scripts and styles from this origin only (plus GraphiQL's one injected <style>, by this
    response's nonce), fonts and icons inline as data: URLs (how GraphiQL's CSS ships them),
    fetches and WebSockets to this origin only ('self' covers ws(s):// to the same host)."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


class GraphiQLPage:
    def __init__(self, assets: GraphiQLAssets) -> None:
        stylesheets = "\n".join(
            f'    <link rel="stylesheet" href="{html.escape(a.url)}" integrity="{a.integrity}">'
            for a in assets.stylesheets
        )
        scripts = "\n".join(
            f'    <script src="{html.escape(a.url)}" integrity="{a.integrity}"></script>'
            for a in assets.scripts
        )
        self.template = TEMPLATE.replace("{stylesheets}", stylesheets).replace("{scripts}", scripts)

    def response(self) -> HTMLResponse:
        nonce = secrets.token_urlsafe(16)
        return HTMLResponse(
            self.template.replace("{nonce}", nonce),
            headers={
                "Content-Security-Policy": content_security_policy(nonce),
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-store",
            },
        )

"""The files the GraphiQL page loads, served from memory at `/graphiql/<name>`.

The vendored builds are listed in static/manifest.json (written by scripts/refresh_graphiql.py)
with the SHA-384 npm's files had; our own page script and stylesheet follow them. Every name is
known up front: nothing else under static/ (the manifest, the licences) is reachable.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

__all__ = ["ASSETS_PATH", "STATIC", "Asset", "GraphiQLAssets", "integrity_of"]

STATIC = Path(__file__).resolve().parent / "static"
# Under the endpoint's parent, so the page can name them relatively (`graphiql/...`) and still
# find them when the app is mounted under a prefix.
ASSETS_PATH = "/graphiql/{name}"
OUR_FILES = ("mentorgraph-graphiql.css", "mentorgraph-graphiql.js")
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# A year, immutable: a changed file gets a new URL (a version in its name, or `?v=` its hash).
CACHE_CONTROL = "public, max-age=31536000, immutable"


def integrity_of(data: bytes) -> str:
    """The value of an `integrity` attribute (Subresource Integrity) for `data`."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def accepts_gzip(accept_encoding: str) -> bool:
    """`gzip` listed in Accept-Encoding, and not refused with `;q=0`."""
    for item in accept_encoding.lower().split(","):
        coding, _, params = item.partition(";")
        if coding.strip() == "gzip":
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


@dataclass
class Asset:
    name: str
    path: Path
    media_type: str
    integrity: str
    # Read on first request, then kept: 1.7 MB of builds that a server answering only the API
    # (or WebSockets) never sends need not sit in every process (`docs/benchmarks.md`, round
    # nine). Checked against `integrity` again then: the page names that hash.
    _body: bytes | None = field(default=None, repr=False)
    # Compressed on first request (1.6 MB of builds become 0.7 MB), then kept.
    _gzipped: bytes | None = field(default=None, repr=False)

    @property
    def body(self) -> bytes:
        if self._body is None:
            self._body = _checked(self.path, self.integrity)
        return self._body

    @property
    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, mtime=0)
        return self._gzipped

    @property
    def url(self) -> str:
        """Relative to the page, which is served at the endpoint (`/graphql`)."""
        version = self.integrity[7:19].replace("+", "-").replace("/", "_")
        return f"graphiql/{self.name}?v={version}"


def _checked(path: Path, expected: str | None) -> bytes:
    body = path.read_bytes()
    if expected is not None and integrity_of(body) != expected:
        raise RuntimeError(
            f"{path} differs from the build manifest.json names:"
            " run `make graphiql-assets` to vendor GraphiQL again."
        )
    return body


class GraphiQLAssets:
    """The page's files in the order it loads them: checked against the manifest and hashed at
    start, read again (and kept) when first asked for."""

    def __init__(self, folder: Path = STATIC) -> None:
        manifest = json.loads((folder / "manifest.json").read_text())
        names = [entry["file"] for entry in manifest["assets"]]
        expected = {entry["file"]: entry["integrity"] for entry in manifest["assets"]}
        self.assets: list[Asset] = []
        for name in [*names, *OUR_FILES]:
            path = folder / name
            integrity = integrity_of(_checked(path, expected.get(name)))
            media_type = MEDIA_TYPES[Path(name).suffix]
            self.assets.append(Asset(name, path, media_type, integrity))
        self.by_name = {asset.name: asset for asset in self.assets}

    @property
    def stylesheets(self) -> list[Asset]:
        return [asset for asset in self.assets if asset.name.endswith(".css")]

    @property
    def scripts(self) -> list[Asset]:
        return [asset for asset in self.assets if asset.name.endswith(".js")]

    async def serve(self, request: Request) -> Response:
        asset = self.by_name.get(request.path_params["name"])
        if asset is None:
            return PlainTextResponse("Not found", status_code=404)
        headers = {
            "Cache-Control": CACHE_CONTROL,
            "X-Content-Type-Options": "nosniff",
            "Vary": "Accept-Encoding",
        }
        body = asset.body
        if accepts_gzip(request.headers.get("accept-encoding", "")):
            body = asset.gzipped
            headers["Content-Encoding"] = "gzip"
        return Response(body, media_type=asset.media_type, headers=headers)

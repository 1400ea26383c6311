"""The GraphiQL page names only this server's files, each with its Subresource Integrity hash,
under a Content-Security-Policy that allows no other origin; the vendored builds are the ones
the manifest pins, with their licences."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from mentorgraph.graphiql.assets import STATIC, GraphiQLAssets, integrity_of
from tests.utils.client import GraphQLClient

BROWSER = {"accept": "text/html,application/xhtml+xml"}


class Resources(HTMLParser):
    """The `src`/`href` and `integrity` of every script and stylesheet on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            self.found.append(("script", named.get("src") or "", named.get("integrity")))
        elif tag == "link" and named.get("rel") == "stylesheet":
            self.found.append(("style", named.get("href") or "", named.get("integrity")))


async def test_the_page_loads_only_this_servers_files_each_with_its_integrity(
    client: GraphQLClient,
) -> None:
    page = await client.http.get("/graphql", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    parser = Resources()
    parser.feed(page.text)
    assert [kind for kind, _, _ in parser.found] == ["style"] * 3 + ["script"] * 6
    for _, url, integrity in parser.found:
        assert re.fullmatch(r"graphiql/[\w.-]+\?v=[\w-]+", url), url  # relative: same origin
        asset = await client.http.get(f"/{url}")
        assert asset.status_code == 200
        assert asset.headers["content-encoding"] == "gzip"  # httpx asks for it, and unpacks
        assert integrity == integrity_of(asset.content)
        plain = await client.http.get(f"/{url}", headers={"accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.content == asset.content
        expected_type = "text/css" if url.split("?")[0].endswith(".css") else "text/javascript"
        assert asset.headers["content-type"] == f"{expected_type}; charset=utf-8"
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert asset.headers["x-content-type-options"] == "nosniff"


async def test_the_page_has_a_policy_that_allows_no_other_origin(client: GraphQLClient) -> None:
    first = await client.http.get("/graphql", headers=BROWSER)
    second = await client.http.get("/graphql", headers=BROWSER)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in first.headers["content-security-policy"].split(";")
    )
    nonce = re.search(r'name="style-nonce" content="([\w-]+)"', first.text)
    assert nonce is not None
    assert policy == {
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": f"'self' 'nonce-{nonce[1]}'",
        "img-src": "'self' data:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "base-uri": "'none'",
        "form-action": "'none'",
        "frame-ancestors": "'none'",
    }
    # A nonce is good for one response only.
    assert nonce[1] not in second.headers["content-security-policy"]
    assert first.headers["cache-control"] == "no-store"


async def test_only_the_pages_own_files_are_served(client: GraphQLClient) -> None:
    for name in ("manifest.json", "THIRD_PARTY_LICENSES.txt", "..%2Fassets.py", "nothing.js"):
        response = await client.http.get(f"/graphiql/{name}")
        assert response.status_code == 404, name


def test_the_vendored_builds_are_the_pinned_ones_with_their_licences() -> None:
    manifest = json.loads((STATIC / "manifest.json").read_text())
    lock = json.loads(
        (STATIC.parents[2] / "scripts" / "graphiql" / "package-lock.json").read_text()
    )
    licences = (STATIC / "THIRD_PARTY_LICENSES.txt").read_text()
    for asset in manifest["assets"]:
        assert integrity_of((STATIC / asset["file"]).read_bytes()) == asset["integrity"]
        assert lock["packages"][f"node_modules/{asset['package']}"]["version"] == asset["version"]
        assert f"\n{asset['package']} {asset['version']} (MIT)\n" in f"\n{licences}"
    # Every file in the folder is either vendored, ours, or bookkeeping: nothing stale.
    ours = {"mentorgraph-graphiql.js", "mentorgraph-graphiql.css"}
    bookkeeping = {"manifest.json", "THIRD_PARTY_LICENSES.txt"}
    vendored = {asset["file"] for asset in manifest["assets"]}
    assert {p.name for p in STATIC.iterdir()} == vendored | ours | bookkeeping
    # Small enough to commit and serve: minified builds only.
    assert sum((STATIC / name).stat().st_size for name in vendored) < 3_000_000


def test_the_builds_are_read_when_first_asked_for() -> None:
    # Not kept by a server that never serves the page (1.7 MB per process, issue 18).
    assets = GraphiQLAssets()
    assert all(asset._body is None for asset in assets.assets)
    first = assets.assets[0]
    assert integrity_of(first.body) == first.integrity
    assert first._body is not None

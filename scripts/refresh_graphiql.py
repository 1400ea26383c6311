"""Vendor GraphiQL's published builds into mentorgraph/graphiql/static (`make graphiql-assets`).

The page must work with no internet, so the server serves every script and stylesheet itself.
This installs the exact versions pinned in scripts/graphiql/package-lock.json (npm checks each
tarball against the lockfile's integrity hash) in a temporary folder, copies the minified browser
builds under versioned names, writes manifest.json (versions and the SHA-384 the page puts in
its `integrity` attributes) and the licence of every package in the tree, whose code the builds
bundle, to THIRD_PARTY_LICENSES.txt.

To move to new versions: edit scripts/graphiql/package.json, then run with `--update-lock`
(npm resolves them and rewrites the lockfile), check the page (tests/api/test_graphiql_browser.py)
and commit the lockfile with the new assets.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PINS = ROOT / "scripts" / "graphiql"
STATIC = ROOT / "mentorgraph" / "graphiql" / "static"
MANIFEST = STATIC / "manifest.json"
LICENSES = STATIC / "THIRD_PARTY_LICENSES.txt"

# (package, file in its tarball, name served under), in the order the page loads them.
BUILDS = [
    ("graphiql", "graphiql.min.css", "graphiql-{version}.min.css"),
    ("@graphiql/plugin-explorer", "dist/style.css", "graphiql-plugin-explorer-{version}.css"),
    ("react", "umd/react.production.min.js", "react-{version}.min.js"),
    ("react-dom", "umd/react-dom.production.min.js", "react-dom-{version}.min.js"),
    ("graphql-ws", "umd/graphql-ws.min.js", "graphql-ws-{version}.min.js"),
    ("graphiql", "graphiql.min.js", "graphiql-{version}.min.js"),
    ("@graphiql/plugin-explorer", "dist/index.umd.js", "graphiql-plugin-explorer-{version}.min.js"),
]
LICENSE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "license", "LICENSE-MIT")


def sha384(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def install(work: Path, update_lock: bool) -> None:
    shutil.copy(PINS / "package.json", work)
    if update_lock:
        command = ["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund"]
    else:
        shutil.copy(PINS / "package-lock.json", work)
        command = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
    subprocess.run(command, cwd=work, check=True)
    if update_lock:
        shutil.copy(work / "package-lock.json", PINS)


def package_version(modules: Path, name: str) -> str:
    return str(json.loads((modules / name / "package.json").read_text())["version"])


def third_party_licenses(modules: Path) -> str:
    """Every installed package's licence text, under its name, version and SPDX id."""
    sections = []
    for manifest in sorted(modules.glob("**/package.json")):
        folder = manifest.parent
        if folder.parent.name != "node_modules" and folder.parent.parent.name != "node_modules":
            continue  # a package.json inside a package (e.g. dist/esm), not a package
        meta = json.loads(manifest.read_text())
        if "name" not in meta or "version" not in meta:
            continue
        texts = [(folder / n).read_text() for n in LICENSE_NAMES if (folder / n).is_file()]
        heading = f"{meta['name']} {meta['version']} ({meta.get('license', 'see package')})"
        body = texts[0].strip() if texts else "No licence file in the package."
        sections.append(f"{'=' * 72}\n{heading}\n{'=' * 72}\n{body}\n")
    return "\n".join(sections)


def refresh(update_lock: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="graphiql-assets-") as tmp:
        work = Path(tmp)
        install(work, update_lock)
        modules = work / "node_modules"
        previous = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {"assets": []}
        for old in previous["assets"]:
            (STATIC / old["file"]).unlink(missing_ok=True)
        assets = []
        for package, source, served in BUILDS:
            version = package_version(modules, package)
            data = (modules / package / source).read_bytes()
            name = served.format(version=version)
            (STATIC / name).write_bytes(data)
            assets.append(
                {
                    "file": name,
                    "package": package,
                    "version": version,
                    "source": source,
                    "integrity": sha384(data),
                }
            )
        MANIFEST.write_text(json.dumps({"assets": assets}, indent=2) + "\n")
        LICENSES.write_text(third_party_licenses(modules))
    for asset in assets:
        print(f"{asset['file']:<40} {asset['integrity']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--update-lock",
        action="store_true",
        help="resolve scripts/graphiql/package.json anew and rewrite its lockfile",
    )
    refresh(parser.parse_args().update_lock)


if __name__ == "__main__":
    main()

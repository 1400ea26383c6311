"""Persisted queries (issue 13, item 6) through real HTTP against running servers: Apollo's
automatic persisted queries over POST and GET, shared by several server processes through the
database, bounded, and operations registered ahead of time by `mentorgraph persist-operations`
(Apollo's and Relay's manifest formats) for the registered-only mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from devkit.factories import make_mentor
from devkit.live_server import ROOT
from mentorgraph.models.persisted_queries import PersistedQuery, document_hash
from mentorgraph.models.sql import column_values
from mentorgraph.settings import Settings
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.inprocess_server import InProcessServer

PASSWORD = "correct horse battery staple"
MENTORS = "query PersistedMentors { mentors(first: 5) { edges { node { name } } } }"
SIGN_UP = """mutation PersistedSignUp($input: SignUpInput!) {
  signUp(input: $input) { token userErrors { code message } }
}"""


def persisted(sha256: str, query: str | None = None, **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256}}}
    if query is not None:
        body["query"] = query
    return {**body, **params}


def as_get(body: dict[str, Any]) -> dict[str, str]:
    """The query string Apollo's HttpLink builds for GET: JSON-encoded objects."""
    return {k: json.dumps(v) if isinstance(v, dict) else v for k, v in body.items()}


def code(response: httpx.Response) -> str | None:
    errors = response.json().get("errors") or [{}]
    return errors[0].get("extensions", {}).get("code")


async def stored_hashes() -> set[str]:
    return column_values(await PersistedQuery.all().values_list("sha256", flat=True), str)


async def test_hash_first_then_the_document_then_the_hash_alone_on_every_process(
    live_clients: list[GraphQLClient],
) -> None:
    """Apollo's APQ round trips; on PostgreSQL the second process finds what the first stored."""
    await make_mentor(name="Ada")
    first, last = live_clients[0].http, live_clients[-1].http
    sha256 = document_hash(MENTORS)

    miss = await first.post("/graphql", json=persisted(sha256))
    assert miss.status_code == 200  # as Apollo Server: every client link reads the error
    assert miss.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert code(miss) == "PERSISTED_QUERY_NOT_FOUND"
    assert "data" not in miss.json()

    registered = await first.post("/graphql", json=persisted(sha256, MENTORS))
    assert registered.status_code == 200, registered.text
    names = [e["node"]["name"] for e in registered.json()["data"]["mentors"]["edges"]]
    assert names == ["Ada"]
    assert await stored_hashes() == {sha256}

    for http in (first, last):
        hit = await http.post("/graphql", json=persisted(sha256))
        assert hit.json() == registered.json()
        got = await http.get("/graphql", params=as_get(persisted(sha256)))
        assert got.status_code == 200
        assert got.json() == registered.json()


async def test_get_serves_hashed_queries_and_refuses_mutations(live_server: Any) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        sha256 = document_hash(MENTORS)
        miss = await http.get("/graphql", params=as_get(persisted(sha256)))
        assert (miss.status_code, code(miss)) == (200, "PERSISTED_QUERY_NOT_FOUND")
        ran = await http.get("/graphql", params=as_get(persisted(sha256, MENTORS)))
        assert ran.json() == {"data": {"mentors": {"edges": []}}}

        # A mutation over GET is refused and not stored; over POST it runs.
        mutation = persisted(
            document_hash(SIGN_UP),
            SIGN_UP,
            variables={"input": {"email": "g@example.com", "password": PASSWORD, "name": "G"}},
        )
        refused = await http.get("/graphql", params=as_get(mutation))
        assert refused.status_code == 405
        assert await stored_hashes() == {sha256}
        hash_only = await http.get(
            "/graphql",
            params=as_get(persisted(document_hash(SIGN_UP), variables=mutation["variables"])),
        )
        assert code(hash_only) == "PERSISTED_QUERY_NOT_FOUND"
        posted = await http.post("/graphql", json=mutation)
        assert posted.json()["data"]["signUp"]["token"]
        assert await stored_hashes() == {sha256, document_hash(SIGN_UP)}


async def test_a_wrong_hash_or_a_bad_document_is_refused_and_not_stored(live_server: Any) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        other = document_hash("query Other { viewer { id } }")
        wrong = await http.post("/graphql", json=persisted(other, MENTORS))
        assert (wrong.status_code, code(wrong)) == (400, "PERSISTED_QUERY_HASH_MISMATCH")

        invalid = "query Invalid { noSuchField }"
        refused = await http.post("/graphql", json=persisted(document_hash(invalid), invalid))
        # 200: a client that accepts only application/json reads a document error so (the
        # GraphQL-over-HTTP spec; `mentorgraph/media_types.py`); it is still not stored.
        assert (refused.status_code, code(refused)) == (200, "BAD_USER_INPUT")

        for body in (  # type: ignore[var-annotated]
            {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": other}}},
            {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "ABC"}}},
            {"extensions": "persistedQuery"},
            {"extensions": {}},
        ):
            answer = await http.post("/graphql", json=body)
            assert (answer.status_code, code(answer)) == (400, "BAD_USER_INPUT"), body
        assert await stored_hashes() == set()


async def test_stored_documents_are_bounded_oldest_first(
    settings: Settings, db: None, serve: StartServer
) -> None:
    url = await serve(persisted_queries_max_stored=2, persisted_queries_cache_entries=1)
    documents = [f"query Bounded{i} {{ viewer {{ id }} }}" for i in range(4)]
    async with httpx.AsyncClient(base_url=url) as http:
        for document in documents:
            answer = await http.post("/graphql", json=persisted(document_hash(document), document))
            assert answer.json() == {"data": {"viewer": None}}
        assert await stored_hashes() == {document_hash(d) for d in documents[2:]}
        # Evicted from the table and the process's cache: the client is asked to resend it.
        evicted = await http.post("/graphql", json=persisted(document_hash(documents[0])))
        assert code(evicted) == "PERSISTED_QUERY_NOT_FOUND"
        kept = await http.post("/graphql", json=persisted(document_hash(documents[2])))
        assert kept.json() == {"data": {"viewer": None}}


async def test_a_document_larger_than_the_body_limit_is_refused(
    settings: Settings, db: None, serve: StartServer
) -> None:
    url = await serve(max_body_bytes=2000)
    document = "query Big { viewer { id } }" + " " * 3000
    async with httpx.AsyncClient(base_url=url) as http:
        answer = await http.post("/graphql", json=persisted(document_hash(document), document))
        assert answer.status_code == 413
        # Over GET, where no body limit applies, the document is held to the same bound.
        by_get = await http.get(
            "/graphql", params=as_get(persisted(document_hash(document), document))
        )
        assert (by_get.status_code, code(by_get)) == (413, "BAD_USER_INPUT")
    assert await stored_hashes() == set()


async def test_off_refuses_the_extension_as_apollo_expects(
    settings: Settings, db: None, serve: StartServer
) -> None:
    url = await serve(persisted_queries="off")
    async with httpx.AsyncClient(base_url=url) as http:
        answer = await http.post("/graphql", json=persisted(document_hash(MENTORS), MENTORS))
        assert answer.status_code == 200
        assert answer.json()["errors"][0]["message"] == "PersistedQueryNotSupported"
        assert code(answer) == "PERSISTED_QUERY_NOT_SUPPORTED"
        plain = await http.post("/graphql", json={"query": MENTORS})
        assert plain.json() == {"data": {"mentors": {"edges": []}}}
    assert await stored_hashes() == set()


def persist_operations(settings: Settings, manifest: object, tmp_path: Path) -> str:
    """`mentorgraph persist-operations` over a manifest file; its output (it must succeed)."""
    returncode, output = run_persist_operations(settings, manifest, tmp_path)
    assert returncode == 0, output
    return output


def run_persist_operations(settings: Settings, manifest: object, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    done = subprocess.run(
        [sys.executable, "-m", "mentorgraph", "persist-operations", str(path)],
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": settings.resolved_database_url,
            "DATA_DIR": str(settings.data_dir),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout + done.stderr


VIEWER = "query RegisteredViewer { viewer { id } }"


async def test_registered_only_runs_the_manifests_operations_and_nothing_else(
    settings: Settings, db: None, serve: StartServer, tmp_path: Path
) -> None:
    await make_mentor(name="Grace")
    apollo = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {
                "id": document_hash(MENTORS),
                "name": "PersistedMentors",
                "type": "query",
                "body": MENTORS,
            }
        ],
    }
    assert "Registered 1 new operations" in persist_operations(settings, apollo, tmp_path)
    # Relay's persistConfig output: {id: text}; its default MD5 ids are reported, not refused.
    relay = {"0123456789abcdef0123456789abcdef": VIEWER}
    output = persist_operations(settings, relay, tmp_path)
    assert "Registered 1 new operations" in output and "not sha256" in output
    assert "Registered 0 new operations" in persist_operations(settings, apollo, tmp_path)

    url = await serve(persisted_queries="registered-only")
    async with httpx.AsyncClient(base_url=url) as http:
        by_hash = await http.post("/graphql", json=persisted(document_hash(MENTORS)))
        assert by_hash.json()["data"]["mentors"]["edges"] == [{"node": {"name": "Grace"}}]
        by_get = await http.get("/graphql", params=as_get(persisted(document_hash(VIEWER))))
        assert by_get.json() == {"data": {"viewer": None}}
        in_full = await http.post("/graphql", json={"query": MENTORS})
        assert in_full.json() == by_hash.json()

        other = "query NotRegistered { viewer { name } }"
        for body in (
            {"query": other},
            persisted(document_hash(other)),
            persisted(document_hash(other), other),  # APQ registers nothing here
        ):
            answer = await http.post("/graphql", json=body)
            assert (answer.status_code, code(answer)) == (400, "PERSISTED_QUERY_NOT_REGISTERED")
    assert await PersistedQuery.filter(registered=False).count() == 0
    assert await stored_hashes() == {document_hash(MENTORS), document_hash(VIEWER)}


async def test_a_bad_manifest_registers_nothing(
    settings: Settings, db: None, tmp_path: Path
) -> None:
    returncode, output = run_persist_operations(
        settings, {document_hash(VIEWER): MENTORS}, tmp_path
    )
    assert returncode == 1
    assert "is not the sha256 of its document" in output
    assert await stored_hashes() == set()


async def test_persisted_operations_take_the_fast_read_path(settings: Settings, db: None) -> None:
    if settings.is_sqlite:
        pytest.skip("the fast read path is PostgreSQL's (SQLite: the ordinary executor answers)")
    await make_mentor(name="Ada")
    server = InProcessServer(settings)
    await server.start()
    try:
        fast = server.app.state.fast_reads
        async with httpx.AsyncClient(base_url=server.url) as http:
            sha256 = document_hash(MENTORS)
            await http.post("/graphql", json=persisted(sha256, MENTORS))
            served = fast.served
            for answer in (
                await http.post("/graphql", json=persisted(sha256)),
                await http.get("/graphql", params=as_get(persisted(sha256))),
            ):
                assert answer.json()["data"]["mentors"]["edges"] == [{"node": {"name": "Ada"}}]
            assert fast.served == served + 2
    finally:
        await server.stop()

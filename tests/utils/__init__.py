"""The tests' helpers: what each module is for, and when to reach for it.

A test module under tests/utils that is not named here fails `tests/test_utils_map.py`. What the
benchmarks use too (test data, status changes, live servers, replicas, generated operations)
lives in `devkit/` (see its `__init__`), since bench/ must not import tests/.

Talking to the server
- `client`: `GraphQLClient`, real HTTP (httpx) speaking as a given user; most tests start here
  (the `client`/`ordinary_client` fixtures in conftest.py hand one out).
- `app_pair`: the same server twice, the fast read path off and on, for tests that compare them.
- `inprocess_server`: the real app under uvicorn inside the test's event loop (SQLite tests that
  change statuses directly and must share the server's process).
- `subscriptions`: subscribing with gql over graphql-transport-ws, as a given user.
- `raw_ws`: graphql-transport-ws by hand, for what a polite client never does.
- `node_clients`: the JavaScript client suites under tests/clients/ (Apollo, urql, Relay, ...).
- `threads`: a request's message thread over HTTP on both read paths, and its documents.

Operations as helpers (one document per mutation, run as a user)
- `lifecycle`: the request lifecycle's mutations (`act`, `create`, `codes`).
- `admin`: the admin's operations.
- `safety`: blocks, reports, moderation, audit and members.

Data and rules
- `rules`: the rules' numbers changed for one test (`with rules(...)`), restored after.
- `waiting`: wait for what another process or connection brings about (never for a time).
- `mail`: what the outbox sent: a worker aimed at the test SMTP server, message bodies.
- `smtp`: a real SMTP server on loopback (aiosmtpd) that records what it receives.

Measuring
- `sql_counter`: count the statements a piece of work runs (that they do not grow with a page).
- `explain`: for PostgreSQL index tests: the statements sent, the plan picked, an index by shape.

The fast read path's differential tests
- `world`, `world_events`: a small seeded world of users and requests, with their event trails.
- `query_gen`, `query_fields`: random read operations and the field names they may use.
- `fixed_operations`: hand-written operations sent before the generated ones.
- `differences`: compare two answers and say where they part.
- `fuzz`: what a fuzzed answer must never show; hostile JSON envelopes (hypothesis).
"""

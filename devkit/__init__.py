"""Development tooling shared by the tests (tests/) and the benchmarks (bench/): test data written
through the models, status changes the way the lifecycle makes them, servers and database
clusters to run against, and read operations generated from the schema.

Its own package because bench/ must not import tests/ (import-linter's contract) while both need
these; it imports the server's packages, never tests/ or bench/ (except `bench.clusters`, which
`replication` builds on). Not part of the installed distribution.

- `factories`: members, mentors and requests written straight through the models (keyword-only).
- `status`: a request's status changed the way the lifecycle mutations change it (event, NOTIFY).
- `database`: empty the test database, or drop and recreate PostgreSQL's schema.
- `live_server`: `mentorgraph serve` in a subprocess on a free loopback port.
- `replication`: a PostgreSQL primary and streaming replica of one's own (initdb, pg_basebackup).
- `graphql_text`: one GraphQL operation written by parts (literals, variables, aliases, fragments).
- `query_inputs`: argument values for generated operations, mostly valid, some wrong on purpose.
- `schema_queries`: read operations written from the schema itself, every compiled field.
- `world_profiles`: the people of the differential tests' world (texts chosen for escaping).
"""

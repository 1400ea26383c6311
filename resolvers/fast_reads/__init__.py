"""The fast read path: a query answered by one PostgreSQL statement that builds its JSON.

The ordinary executor (Strawberry on graphql-core) spends ~16 µs of Python per field; this path
spends none per field. It answers only what it can answer exactly as the ordinary path would
(`roots.py`, `users.py`, `requests.py` and `connections.py` say which fields and arguments) and
declines everything else — mutations, documents that do not validate, unsupported fields, any
argument the resolvers would refuse — which the ordinary executor then answers.
`tests/test_fast_reads_differential.py` holds the two paths to identical answers over generated
queries and viewers.
"""

from resolvers.fast_reads.reader import FastReads

__all__ = ["FastReads"]

"""The fast read path: a query answered by one PostgreSQL statement that builds its JSON.

The ordinary executor (Strawberry on graphql-core) spends ~16 µs of Python per field; this path
spends none per field. Each field it answers is declared once (`fields.py`: its arguments, its
policy from `models/policies.py`, its SQL), every other field of the schema is exempted with a
reason in `exemptions.py`, and `tests/api/test_fast_reads_completeness.py` holds the two lists to
the schema. It declines everything else — mutations, documents that do not validate, exempt
fields, any argument value the resolvers would refuse — which the ordinary executor then answers.
A mutation's payload is read by the same compiler after its write (`payload_reads.py`, called by
`schema/compiled_payloads.py`; see docs/compiled-reads.md).
`tests/api/test_fast_reads_differential.py` holds the two paths to identical answers over generated
queries and viewers.
"""

from mentorgraph.resolvers.fast_reads.reader import FastReads

__all__ = ["FastReads"]

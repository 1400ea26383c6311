"""Deterministic demo data for a first look at mentorgraph (`mentorgraph seed-demo`).

`people` plans who is in the demo (from `names`, `places`, `vocabulary`, `handles`), `store` writes
them in bulk, `seed` runs the steps in one transaction and prints how to log in.
"""

from mentorgraph.demo.seed import seed_demo

__all__ = ["seed_demo"]

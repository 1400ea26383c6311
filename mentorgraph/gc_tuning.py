"""Garbage-collector settings for a serving process (called from `mentorgraph.asgi`).

A live event wakes thousands of subscriptions at once; the futures, handles and frames of
that burst outlive CPython's default young-generation threshold (700 allocations), get
promoted, and soon trigger full collections that walk every subscription's objects. At 5,000
subscribers that was ~40 % of the fan-out's CPU and grew faster than linearly (measured with
py-spy; `docs/benchmarks.md`). A larger threshold lets a burst die young; freezing what was
loaded at start (modules, the schema) keeps it out of every collection. Cyclic garbage is
still collected, only less often.
"""

from __future__ import annotations

import gc

__all__ = ["GC_THRESHOLDS", "tune_gc"]

# (young generation, middle, old): allocations between young collections, then how many
# young (middle) collections between the next generation's.
GC_THRESHOLDS = (50_000, 20, 20)


def tune_gc() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)

"""`make soak`: mixed realistic load with abuse and faults, then invariant checks in SQL."""

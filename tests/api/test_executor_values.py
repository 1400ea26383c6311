"""Model instances that resolvers return are values to graphql-core, not pending work.

Tortoise models define `__await__`, so graphql-core's own check took every one for an
awaitable and completed each list item of models as a task (most of the time of a page of
5,000 requests). The executor's check says otherwise; real awaitables stay awaitable.
"""

from __future__ import annotations

import asyncio

from mentorgraph.models.accounts.users import User
from mentorgraph.schema.awaitable import is_awaitable


def test_a_model_instance_is_a_value_and_a_coroutine_is_not() -> None:
    user = User(name="Ada", email="ada@example.org")
    assert hasattr(user, "__await__")  # why the default check was wrong
    assert not is_awaitable(user)
    assert not is_awaitable([user])
    pending = asyncio.sleep(0)
    try:
        assert is_awaitable(pending)
    finally:
        pending.close()

"""Run a live event's selection set once per document and visibility class, not per socket.

A live event is one object handed to every subscription that may see it (see
`mentorgraph.bus`). Subscriptions with the same document and variables would compute the same
answer for it whenever their viewers see the same data; with thousands of them (admin
dashboards, many tabs) that repeated execution is most of the cost of a fan-out. This executor
computes it once per (event, document, variables, visibility class) and hands the same result
object to all of them (`mentorgraph.ws_transport` then encodes it once, too).

The visibility class: the request's mentor and mentee are each their own class (their id);
an admin who is neither shares the class "admin" with every such admin, but only when the
document reads nothing but fields that answer the same for every admin (`ADMIN_UNIFORM`: an
allow-list, so a field added later is per viewer until someone vouches for it here). Otherwise
the class is the viewer's id. Permissions were checked for each subscription before the event
reached execution (`mentorgraph.resolvers.requests.request_events`).

Nothing is shared across events: the key holds the event object itself (replayed events are
loaded per subscription, so they never share).
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from copy import copy
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    execute_subscription_event,
)
from graphql.execution.collect_fields import FragmentDetails
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from mentorgraph.models.accounts.users import User
from mentorgraph.resolvers.context import Context
from mentorgraph.schema.awaitable import is_awaitable

__all__ = [
    "ADMIN_UNIFORM",
    "RENDERED",
    "SOURCE_EXECUTOR",
    "SharedEventExecution",
    "admin_uniform",
    "answer_now",
    "execute_event",
    "live_executor",
    "visibility_class",
]

# Results kept for reuse: enough for the events in flight at once, bounded for memory.
MAX_SHARED = 2048

# Fields (by name, on RequestEvent, MentorshipRequest, User and Channel: the only types these
# fields reach) whose answer is the same for every admin who is neither mentor nor mentee.
# User.email and User.channels qualify: admins see every user's (`mentorgraph.models.privacy`). Left
# out on purpose: isFavorite, favoriteMentors, recommendedMentors, mentorships, the request lists
# and counts, feedback, the mentor-only counts: they depend on who asks, or nobody checked.
ADMIN_UNIFORM = frozenset(
    {
        "__typename",
        "mentorshipRequestEvents",
        # RequestEvent
        "kind",
        "id",
        "cursor",
        "actor",
        "fromStatus",
        "toStatus",
        "note",
        "occurredAt",
        "request",
        # MentorshipRequest
        "status",
        "message",
        "background",
        "expectation",
        "declineReason",
        "responseMessage",
        "createdAt",
        "updatedAt",
        "viewedAt",
        "respondedAt",
        "mentor",
        "mentee",
        "history",
        "messages",
        # User
        "name",
        "email",
        "title",
        "bio",
        "country",
        "avatarUrl",
        "available",
        "capacity",
        "isMentor",
        "roles",
        "tags",
        "spokenLanguages",
        "channels",
        # Channel
        "handle",
        "type",
    }
)


class _Observer:
    """Who hears of each shared answer computed (the server's metrics set `callback`)."""

    __slots__ = ("callback",)

    def __init__(self) -> None:
        self.callback: Callable[[], None] | None = None

    def notify(self) -> None:
        if self.callback is not None:
            self.callback()


# One call per answer computed, i.e. per (event, document, variables, visibility class).
RENDERED = _Observer()

# key -> (the objects whose ids are in the key, kept alive so ids stay unique; the result)
_shared: OrderedDict[tuple[Any, ...], tuple[tuple[Any, Any], Any]] = OrderedDict()
# id(operation) -> (operation, whether it reads only ADMIN_UNIFORM fields)
_uniform: OrderedDict[int, tuple[OperationDefinitionNode, bool]] = OrderedDict()


def _reads_only_uniform(
    selections: SelectionSetNode | None,
    fragments: dict[str, FragmentDetails],
    seen: set[str],
) -> bool:
    if selections is None:
        return True
    for node in selections.selections:
        if isinstance(node, FieldNode):
            if node.name.value not in ADMIN_UNIFORM:
                return False
            if not _reads_only_uniform(node.selection_set, fragments, seen):
                return False
        elif isinstance(node, InlineFragmentNode):
            if not _reads_only_uniform(node.selection_set, fragments, seen):
                return False
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            if name in seen:
                continue
            seen.add(name)
            fragment = fragments.get(name)
            if fragment is None or not _reads_only_uniform(
                fragment.definition.selection_set, fragments, seen
            ):
                return False
    return True


def admin_uniform(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDetails]
) -> bool:
    """Whether every admin (neither mentor nor mentee) gets the same answer to `operation`."""
    found = _uniform.get(id(operation))
    if found is not None and found[0] is operation:
        return found[1]
    verdict = _reads_only_uniform(operation.selection_set, fragments, set())
    _uniform[id(operation)] = (operation, verdict)
    if len(_uniform) > MAX_SHARED:
        _uniform.popitem(last=False)
    return verdict


def visibility_class(viewer: User, event: Any, uniform: bool) -> object:
    """Viewers of one class see the same answer to a document about `event`."""
    request = getattr(event, "request", None)
    if (
        uniform
        and viewer.is_admin
        and request is not None
        and viewer.id not in (request.mentor_id, request.mentee_id)
    ):
        return "admin"
    return (viewer.id, viewer.is_admin)


class SharedEventExecution(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Model instances are values, not pending work (see `mentorgraph.schema.awaitable`);
        # sub-executors are shallow copies of this one and inherit it.
        self.is_awaitable = is_awaitable  # type: ignore[assignment]
        if self.operation.operation is OperationType.SUBSCRIPTION:
            # The operation's task (where the subscription runs) can now execute events
            # without the GraphQL stream (`execute_event`, `mentorgraph.live_sink`).
            SOURCE_EXECUTOR.set(self)

    def _key(self, root: Any, viewer: User) -> tuple[Any, ...]:
        # The document and variables never change during a subscription: work them out once
        # (per-event executors are shallow copies and inherit what was computed here).
        static = self.__dict__.get("_static_key")
        if static is None:
            uniform = admin_uniform(self.operation, self.fragments)
            static = self._static_key = (id(self.operation), self._variables_key(), uniform)
        operation_id, variables, uniform = static
        return (id(root), operation_id, variables, visibility_class(viewer, root, uniform))

    def _variables_key(self) -> str:
        return json.dumps(self.variable_values.coerced, sort_keys=True, default=str)

    def for_event(self, event: Any, context: object) -> SharedEventExecution:
        """The executor of one event for one subscription: `build_per_event_executor`, with
        the subscription's own context (a live executor is shared, `live_executor`)."""
        executor = self.build_per_event_executor(event)
        assert isinstance(executor, SharedEventExecution)
        executor.context_value = context
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        shared = self._shared_answer(serially)
        if shared is _NOT_SHARED:
            return super().execute_operation(serially)
        return _settled(shared)

    def _shared_answer(self, serially: bool | None) -> Any:
        """The shared entry for this event and viewer (the result, or a `_Pending`), computed
        here if nobody did yet; `_NOT_SHARED` for what is not a subscription's event."""
        root, context = self.root_value, self.context_value
        if (
            root is None
            or self.operation.operation is not OperationType.SUBSCRIPTION
            or not isinstance(context, Context)
            or context.viewer is None
        ):
            return _NOT_SHARED
        key = self._key(root, context.viewer)
        found = _shared.get(key)
        if found is not None:
            return found[1]
        RENDERED.notify()
        result = super().execute_operation(serially)
        shared = _Pending(asyncio.ensure_future(result)) if self.is_awaitable(result) else result
        _shared[key] = ((root, self.operation), shared)
        if len(_shared) > MAX_SHARED:
            _shared.popitem(last=False)
        return shared


_NOT_SHARED = object()


class _Pending:
    """A shared answer still being computed, and a cheap way for many to wait for it."""

    __slots__ = ("done", "future")

    def __init__(self, future: asyncio.Future[Any]) -> None:
        self.future = future
        self.done = asyncio.Event()
        future.add_done_callback(lambda _: self.done.set())

    async def wait(self) -> Any:
        # Not `asyncio.shield` per subscriber: with thousands waiting on one answer its
        # callbacks cost more than the execution (half of the CPU at 5,000, measured). An
        # `Event` lets a waiter be cancelled without cancelling the answer for the others.
        await self.done.wait()
        return self.future.result()


def _settled(result: Any) -> Any:
    """The shared answer itself once computed (nothing to await), else something to await."""
    if not isinstance(result, _Pending):
        return result
    future = result.future
    if future.done() and not future.cancelled() and future.exception() is None:
        return future.result()
    return result.wait()


# The executor of the subscription running in this task (set when graphql-core builds it).
SOURCE_EXECUTOR: ContextVar[SharedEventExecution | None] = ContextVar(
    "SOURCE_EXECUTOR", default=None
)


# (schema, document, variables, extensions) -> the executor live subscriptions share (weakly:
# gone with the last subscription that holds it).
_live_executors: weakref.WeakValueDictionary[tuple[Any, ...], SharedEventExecution] = (
    weakref.WeakValueDictionary()
)


def live_executor(source: SharedEventExecution) -> SharedEventExecution:
    """What a live subscription keeps to execute its events: one executor per schema, document,
    variables and operation extensions, shared by every subscription that has them.

    A subscription's executor (~3 KB: graphql-core's memo tables, sets and its instance dict,
    `docs/benchmarks.md`, round nine) holds nothing of its own but its context, which
    `execute_event` and `answer_now` take from the caller instead. The shared one is a copy
    with neither context nor event; its middleware (extensions' `resolve` hooks, built per
    operation) is its first subscription's, as the shared answers already are (whoever asks
    first computes one for all). An executor with an abort signal or hooks is not shared.
    """
    if source.abort_signal is not None or source.hooks is not None:
        return source
    try:
        extensions = json.dumps(source.operation_extensions, sort_keys=True)
    except (TypeError, ValueError):
        return source
    key = (id(source.schema), id(source.operation), source._variables_key(), extensions)
    # The ids in the key stay unique while it lives: the shared executor holds both objects.
    shared = _live_executors.get(key)
    if shared is None:
        shared = copy(source)
        shared.root_value = None
        shared.context_value = None
        # Its own, not bound to `source` (which would keep that subscription's context).
        shared.async_helpers = GraphQLResolveInfoHelpers(
            gather=shared.gather_async_work, track=shared.track_async_work
        )
        _live_executors[key] = shared
    return shared


def execute_event(source: SharedEventExecution, context: object, event: Any) -> Any:
    """The answer to `event` of a subscription with `context` (maybe awaitable), as graphql-core
    would compute it per event, but without copying an executor when a shared answer is
    already there."""
    if isinstance(context, Context) and context.viewer is not None:
        found = _shared.get(source._key(event, context.viewer))
        if found is not None:
            return _settled(found[1])
    return execute_subscription_event(source.for_event(event, context))


def answer_now(
    source: SharedEventExecution,
    context: object,
    event: Any,
    viewer: User,
    present: Callable[[], object],
) -> Any:
    """For a reader taking `event` straight from the fan-out (`mentorgraph.live_sink`).

    The shared answer for `viewer` if it is computed (an `ExecutionResult`); the future
    computing it if not yet (started here, after `present()` prepared `context`, when
    nobody started it); None when there is nothing shared to send: the computation failed,
    or its entry was already dropped. `viewer` is the freshly read row `present` installs.
    """
    found = _shared.get(source._key(event, viewer))
    if found is None:
        present()
        shared = source.for_event(event, context)._shared_answer(False)
    else:
        shared = found[1]
    if not isinstance(shared, _Pending):
        return None if shared is _NOT_SHARED else shared
    future = shared.future
    if not future.done():
        return future
    if future.cancelled() or future.exception() is not None:
        return None
    return future.result()

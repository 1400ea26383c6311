"""POST/GET `/graphql`: parse, authenticate, execute and answer as JSON (GraphiQL for browsers).

A plain endpoint around `schema.execute` rather than Strawberry's view: we decide status codes,
body limits and error shapes, and skip a layer on the hot path. The answer's media type and the
status of a document that cannot run follow the request's `Accept` (`media_types`).
"""

from __future__ import annotations

import json
import time
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from mentorgraph import metrics, tracing
from mentorgraph.graphiql import GraphiQLAssets, GraphiQLPage
from mentorgraph.media_types import JSON, negotiate, request_error_status
from mentorgraph.models.accounts.users import User
from mentorgraph.models.db_faults import (
    SERVICE_UNAVAILABLE,
    UNAVAILABLE_MESSAGE,
    is_database_unavailable,
)
from mentorgraph.models.errors import FaultCode
from mentorgraph.persisted_queries import PersistedQueries
from mentorgraph.read_replica import READ_AFTER_HEADER, parse_lsn, primary_position
from mentorgraph.request_log import (
    COMPILED_PAYLOAD,
    CURRENT,
    codes_of,
    note_codes,
    operation_logged,
)
from mentorgraph.request_rules import (
    RequestRefused,
    check_size,
    graphql_params,
)
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.fast_reads import FastReads
from mentorgraph.schema.build import MentorgraphSchema
from mentorgraph.schema.extensions import classify_error
from mentorgraph.security import InvalidToken, TokenService
from mentorgraph.tracing_graphql import operation_outcome, traced_fast_read

__all__ = ["GraphQLEndpoint"]


class Answer(Response):
    """A GraphQL answer, with what the metrics count of it (`mentorgraph.metrics`). Made only
    here, never with a `Vary` header (`_in_media_type` adds the one it has)."""

    # "ok", or the code of the first error.
    outcome = "ok"
    # "fast" (one compiled statement), "compiled-payload" (a mutation whose payload was read
    # compiled after the write) or "ordinary" (the resolvers).
    path = "ordinary"
    operation: str | None = None
    # query, mutation, subscription; "unknown" when refused before the document was read.
    kind = "unknown"
    # Whether the document parsed, validated and ran.
    ran = False


_VARY_ACCEPT = (b"vary", b"Accept")


def json_response(body: dict[str, Any], status_code: int = 200) -> Answer:
    # orjson: several times faster than json.dumps on a page of results, same compact UTF-8.
    answer = Answer(orjson.dumps(body), status_code, media_type=JSON)
    errors = body.get("errors")
    if errors:
        code = errors[0].get("extensions", {}).get("code")
        answer.outcome = code[:40] if isinstance(code, str) else "ERROR"
    return answer


def error_response(status: int, message: str, code: str) -> Answer:
    note_codes([code])
    return json_response({"errors": [{"message": message, "extensions": {"code": code}}]}, status)


def is_json(content_type: str | None) -> bool:
    """`application/json`, parameters (charset) allowed. Anything else a browser may send across
    sites without asking first (a "simple request": text/plain, form-urlencoded, multipart), so a
    POST of it is refused before it could run a mutation with the visitor's cookies or token."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type == "application/json"


# A request's headers: lower-case name -> the first value (as `Request.headers.get` answers).
Headers = dict[str, str]


def request_headers(request: Request) -> Headers:
    """The request's headers read once into a dict: the endpoint asks for half a dozen, each of
    which `Request.headers` finds by scanning the list (and raising KeyError inside `get` when
    absent): about 3 % of a compiled read's CPU (docs/benchmarks.md, round eight)."""
    headers: Headers = {}
    for name, value in request.scope["headers"]:
        key = name.decode("latin-1").lower()
        if key not in headers:
            headers[key] = value.decode("latin-1")
    return headers


class GraphQLEndpoint:
    def __init__(
        self,
        schema: MentorgraphSchema,
        tokens: TokenService,
        max_body: int,
        fast_reads: FastReads | None = None,
        *,
        retry_after_seconds: int = 5,
        graphiql: GraphiQLPage | None = None,
        persisted: PersistedQueries | None = None,
        read_positions: bool = False,
    ) -> None:
        self.schema = schema
        self.retry_after = str(retry_after_seconds)
        self.tokens = tokens
        self.max_body = max_body
        self.fast_reads = fast_reads
        # With a read replica: mutations answer the primary's WAL position (`read_replica`).
        self.read_positions = read_positions
        # Our own page, its scripts served by this server (no CDN): works offline.
        self.graphiql = graphiql or GraphiQLPage(GraphiQLAssets())
        self.persisted = persisted or PersistedQueries(
            "off", max_stored=0, cache_entries=0, max_document_bytes=max_body
        )

    async def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        headers = request_headers(request)
        media_type = negotiate(headers.get("accept"))
        client = request.client.host if request.client else None
        with operation_logged("http", client) as record:
            try:
                response = await self._answer(request, headers, media_type)
            except Exception as exc:
                if not is_database_unavailable(exc):
                    note_codes([FaultCode.INTERNAL_SERVER_ERROR])
                    raise
                response = error_response(503, UNAVAILABLE_MESSAGE, SERVICE_UNAVAILABLE)
            record.skip = response.media_type != JSON  # GraphiQL's page: not an operation
        if response.status_code == 503:
            self._unavailable(response)
        if isinstance(response, Answer):  # not GraphiQL's page
            metrics.record_operation(
                response.operation,
                response.kind,
                response.path,
                response.outcome,
                response.ran,
                time.perf_counter() - started,
            )
        return self._in_media_type(response, media_type)

    @staticmethod
    def _in_media_type(response: Response, media_type: str) -> Response:
        """Every JSON answer (errors too) in the negotiated type; GraphiQL's page stays HTML."""
        if media_type != JSON and response.media_type == JSON:
            response.headers["content-type"] = media_type
        # The same URL answers differently per Accept: caches must keep them apart.
        if isinstance(response, Answer):  # ours: no Vary yet (no `MutableHeaders` per answer)
            response.raw_headers.append(_VARY_ACCEPT)
        else:
            response.headers["vary"] = ", ".join([*response.headers.getlist("vary"), "Accept"])
        return response

    def _unavailable(self, response: Response) -> Response:
        response.headers["Retry-After"] = self.retry_after
        return response

    async def _answer(self, request: Request, headers: Headers, media_type: str) -> Response:
        if request.method == "GET":
            wants_html = "text/html" in headers.get("accept", "")
            if wants_html and "query" not in request.query_params:
                return self.graphiql.response()
            params: Any = dict(request.query_params)
            for name in ("variables", "extensions"):  # JSON in the query string (APQ uses it)
                if name in params:
                    try:
                        params[name] = json.loads(params[name])
                    except (ValueError, RecursionError):
                        return error_response(
                            400, f"'{name}' must be JSON.", FaultCode.BAD_USER_INPUT
                        )
            allowed: tuple[OperationType, ...] = (OperationType.QUERY,)
        else:
            if not is_json(headers.get("content-type")):
                return error_response(
                    415, "Send the request as application/json.", FaultCode.UNSUPPORTED_MEDIA_TYPE
                )
            try:
                params = json.loads(await self._read_body(request, headers))
            except RequestRefused as refused:
                return error_response(refused.status, refused.message, refused.code)
            except (ValueError, RecursionError):  # RecursionError: nested thousands deep
                return error_response(
                    400, "The body must be a JSON object.", FaultCode.BAD_USER_INPUT
                )
            allowed = (OperationType.QUERY, OperationType.MUTATION)
        try:
            # The rules a WebSocket's `subscribe` meets too (`request_rules`).
            checked = graphql_params(params, persisted=True)
            # A hash in place of the document, or a document to persist (APQ).
            resolved = await self.persisted.resolve(checked)
        except RequestRefused as refused:
            return error_response(refused.status, refused.message, refused.code)
        with tracing.operation_span("graphql", headers) as span:
            response, ran = await self._execute(
                request,
                headers,
                resolved.query,
                checked.variables,
                checked.operation_name,
                allowed,
                media_type,
            )
            if span is not None:
                tracing.annotate(operation_outcome(response))
        if isinstance(response, Answer):
            response.operation = checked.operation_name
            response.ran = ran
            if response.path != "fast":
                response.kind = metrics.operation_type(resolved.query, checked.operation_name)
        if resolved.store_as is not None and ran:
            # It parsed, validated and ran: worth keeping. (Not the status: an
            # `application/json` client gets 200 for a document that cannot run too.)
            await self.persisted.store(resolved.store_as, resolved.query)
        return response

    async def _execute(
        self,
        request: Request,
        headers: Headers,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        allowed: tuple[OperationType, ...],
        media_type: str,
    ) -> tuple[Response, bool]:
        """The answer, and whether the document ran (parsed, validated, executed)."""
        record = CURRENT.get()
        if record is not None:
            record.name = operation_name
            record.variables = sorted(variables or ())  # names only: values hold passwords
        try:
            credentials = self.tokens.credentials_for_header(headers.get("authorization"))
            viewer_id = None if credentials is None else credentials.user_id
            # An ended session (logOut...) is refused: a compiled read checks it in its own
            # statement (`FastReads.checks_sessions`); a fast path that does not (a replica's)
            # is preceded by the check, made with the viewer's row (`viewer_for`) and kept for
            # the ordinary path; everything else reads both after the fast path declined.
            viewer: User | None = None
            if (
                credentials is not None
                and credentials.session_id is not None
                and self.fast_reads is not None
                and not self.fast_reads.checks_sessions
            ):
                viewer = await self.tokens.viewer_for(credentials)  # one statement
            tracing.annotate({"enduser.id": viewer_id})
            if record is not None:
                record.viewer_id = viewer_id
            if self.fast_reads is not None:
                # Queries it supports, and mutations that change nothing, answered by one
                # statement (which reads the viewer's row itself); None for everything else,
                # and for a viewer who no longer exists.
                read_after = parse_lsn(headers.get(READ_AFTER_HEADER.lower()))
                answer = await self.fast_reads.answer(
                    query,
                    operation_name,
                    variables,
                    viewer_id,
                    read_after,
                    None if credentials is None else credentials.session_id,
                    mutations=OperationType.MUTATION in allowed,
                )
                if answer is not None:
                    kind = self.fast_reads.operation_type(query, operation_name).value
                    if tracing.enabled():
                        name = self.fast_reads.operation_name(query, operation_name)
                        traced_fast_read(name, kind)
                    if record is not None:
                        record.path, record.type = "fast", kind
                        record.name = self.fast_reads.operation_name(query, operation_name)
                    fast = Answer(answer, media_type=JSON)
                    fast.path, fast.kind = "fast", kind
                    return fast, True
            if credentials is not None and viewer is None:
                viewer = await self.tokens.viewer_for(credentials)  # one statement
        except InvalidToken as exc:
            return error_response(401, str(exc), FaultCode.UNAUTHENTICATED), False
        context = Context(
            viewer=viewer,
            client_address=request.client.host if request.client else "unknown",
            issue_token=self.tokens.issue,
            session_id=None if credentials is None else credentials.session_id,
            user_agent=headers.get("user-agent", ""),
            payload_reads=None if self.fast_reads is None else self.fast_reads.payloads,
        )
        try:
            result = await self.schema.execute(
                query,
                variable_values=variables,
                context_value=context,
                operation_name=operation_name,
                allowed_operation_types=allowed,
            )
        except InvalidOperationTypeError as exc:
            if exc.operation_type is OperationType.SUBSCRIPTION:
                hint = "Subscribe over a WebSocket (graphql-transport-ws) to /graphql."
            else:
                hint = "Send mutations with POST."
            return error_response(405, hint, FaultCode.BAD_USER_INPUT), False
        except MissingQueryError:
            status = request_error_status(media_type)
            return error_response(status, "The query is empty.", FaultCode.BAD_USER_INPUT), False
        except CannotGetOperationTypeError:
            # No operation to run: `operationName` names none of the document's, or it is
            # missing where the document holds several, or the document holds only fragments.
            if operation_name is None:
                hint = "The document holds no operation, or several: name one in 'operationName'."
            else:
                hint = f"The document holds no operation named '{operation_name[:100]}'."
            return error_response(
                request_error_status(media_type), hint, FaultCode.BAD_USER_INPUT
            ), False
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [classify_error(error).formatted for error in result.errors]
            note_codes(codes_of(body["errors"]))
        if result.errors and all(error.path is None for error in result.errors):
            # Nothing executed (the document did not parse or validate, or the variables did
            # not coerce): a client fault, 400 only for clients that read such a body (spec).
            body.pop("data")
            return json_response(body, status_code=request_error_status(media_type)), False
        if any(
            e.get("extensions", {}).get("code") == SERVICE_UNAVAILABLE
            for e in body.get("errors", ())
        ):
            return json_response(body, status_code=503), False
        response = json_response(body)
        if record is not None and record.path == COMPILED_PAYLOAD:
            response.path = COMPILED_PAYLOAD  # the metric's label, as the log line's
        if self.read_positions and context.ran_mutation:
            position = await primary_position()
            if position is not None:
                response.headers[READ_AFTER_HEADER] = position
        return response, True

    async def _read_body(self, request: Request, headers: Headers) -> bytes:
        declared = headers.get("content-length")
        if declared and declared.isdigit():
            check_size(int(declared), self.max_body)
        chunks = bytearray()
        async for chunk in request.stream():
            chunks += chunk
            check_size(len(chunks), self.max_body)
        return bytes(chunks)

"""Logging for the server processes: one handler on the root logger (uvicorn's loggers
propagate to it), readable text in a terminal or JSON lines (`LOG_FORMAT=json`).

A line's structured fields come from `extra={"fields": {...}}` and the request id of the request
being served (`REQUEST_ID`). Nothing here logs request bodies, variables' values or headers:
those who call the logger pass names, codes and ids only."""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

__all__ = ["REQUEST_ID", "configure_logging"]

# The id of the HTTP request or WebSocket being served (set by `request_log.RequestIds`).
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

# Libraries whose DEBUG lines carry statement parameters (password hashes, token hashes): never
# below INFO, whatever LOG_LEVEL says.
_QUIET_BELOW_INFO = ("tortoise", "asyncpg", "aiosqlite", "aiosmtplib")


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
    if request_id:
        fields["request_id"] = request_id
    fields.update(getattr(record, "fields", None) or {})
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
        # The last second formatted, and its text: `time.strftime` once a second, not once a
        # line (a line per request).
        self._second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        second, text = self._second
        if int(record.created) != second:
            second = int(record.created)
            text = time.strftime(self.default_time_format, self.converter(record.created))
            self._second = (second, text)
        msec_format = self.default_msec_format
        return msec_format % (text, record.msecs) if msec_format else text

    def formatMessage(self, record: logging.LogRecord) -> str:
        text = super().formatMessage(record)
        fields = " ".join(
            f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in _fields(record).items()
            if v not in (None, [])
        )
        return f"{text} [{fields}]" if fields else text


def configure_logging(level: str = "INFO", log_format: str = "text") -> None:
    """Replaces the root logger's handlers with one on stderr (idempotent: a worker process that
    configures again gets the same result)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers[:] = []
        uvicorn_logger.propagate = True
    # Off: its lines carry query strings (a GET's variables); each GraphQL operation has a line
    # of its own (`request_log`).
    access = logging.getLogger("uvicorn.access")
    access.handlers[:] = []
    access.propagate = False
    for name in _QUIET_BELOW_INFO:
        quiet = logging.getLogger(name)
        quiet.setLevel(max(quiet.getEffectiveLevel(), logging.INFO))

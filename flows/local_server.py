"""The temporary Prefect server of a local flow run, made to hold up on a loaded machine.

With ``PREFECT_API_URL`` unset, Prefect starts a server for the run (a uvicorn subprocess on
the SQLite database in ``PREFECT_HOME``) and stops it when the process exits. On two cores
shared with several busy processes it failed in two ways, which :data:`DEFAULTS` address:

- it did not answer within Prefect's startup timeout (a fresh ``PREFECT_HOME`` migrates its
  database first), so the run failed before it began: wait up to 180 s;
- its task-run recorder wrote one event per transaction and fell behind; the server was
  stopped with the backlog unwritten (task runs missing from the run's history, one left
  Running) and the cancelled writes printed tracebacks: write up to 50 events per
  transaction, at least once a second.

Prefect's database timeouts are not among them: on SQLite Prefect sets each connection's
busy wait itself (``PRAGMA busy_timeout``), and the connection timeout is PostgreSQL's.

Errors that Prefect's internals (the server's services, uvicorn) log with a traceback, such
as ``sqlite3.OperationalError: database is locked`` from a write Prefect retries, reach the
console as one line (:class:`OneLineConsoleHandler`); ``QDP_DEBUG=1`` shows the traceback.
Flow and task run logs keep theirs.

Importing this module sets each default as an environment variable unless it is already
set (the user's wins), then imports Prefect: ``flows/__init__.py`` imports it before Prefect
loads its settings, and the server inherits them.
"""

from __future__ import annotations

import logging
import os

DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "50",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "1",
    # Prefect's logging config names the console handler's class; this module's replaces it
    "PREFECT_LOGGING_HANDLERS_CONSOLE_CLASS": "flows.local_server.OneLineConsoleHandler",
}

for _name, _value in DEFAULTS.items():
    os.environ.setdefault(_name, _value)

from prefect.logging.handlers import PrefectConsoleHandler  # noqa: E402  (after the defaults)

_INTERNAL_LOGGERS = ("prefect", "uvicorn", "fastapi")
_RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")  # user code's errors: keep them
_DETAIL_CHARS = 200


def is_internal(logger_name: str) -> bool:
    """Whether ``logger_name`` belongs to Prefect's internals (not a flow or task run)."""

    def under(root: str) -> bool:
        return logger_name == root or logger_name.startswith(root + ".")

    return any(map(under, _INTERNAL_LOGGERS)) and not any(map(under, _RUN_LOGGERS))


def one_line(record: logging.LogRecord) -> logging.LogRecord:
    """A copy of ``record`` with its exception as ``(Type: first line)`` after the message
    and no traceback."""
    exc = record.exc_info[1] if record.exc_info else None
    text = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else ""
    detail = type(exc).__name__ + (f": {text}" if text else "")
    if len(detail) > _DETAIL_CHARS:
        detail = detail[: _DETAIL_CHARS - 3] + "..."
    message = f"{record.getMessage()} ({detail}; QDP_DEBUG=1 shows the traceback)"
    fields = {**record.__dict__, "msg": message, "args": None, "exc_info": None}
    fields.update(exc_text=None, stack_info=None)
    return logging.makeLogRecord(fields)


class OneLineConsoleHandler(PrefectConsoleHandler):
    """Prefect's console handler, with an internal error's traceback cut to one line."""

    def emit(self, record: logging.LogRecord) -> None:
        debug = os.environ.get("QDP_DEBUG", "") not in ("", "0")
        if record.exc_info and is_internal(record.name) and not debug:
            record = one_line(record)
        super().emit(record)

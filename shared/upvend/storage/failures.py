"""What a driver error means for the caller, and the log line that says which error it was.

Kinds:
- `refused`: the server (or proxy) would not take a connection now (too many connections,
  connection refused); a new connect may succeed a moment later.
- `disconnected`: the connection broke (session killed, failover, idle kill); a new one may work.
- `conflict`: deadlock or serialization failure; the whole transaction can run again.
- `lock_timeout`: the server gave up waiting for a row lock (a hot row); it can run again in time left.
- `timeout`: the server gave up on a statement within its limit.
- `other`: anything else (a bug or a constraint): not retried.

The log line carries the driver's error class and code, never its message (which may
name the host or user) and never the URL.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from upvend.errors import StorageUnavailable

log = logging.getLogger("upvend.storage")

# PyMySQL / MariaDB / MySQL error numbers.
_MYSQL_REFUSED = {1040, 1203, 1226, 2002, 2003}  # too many connections, per-user limits, no listener
_MYSQL_DISCONNECTED = {2006, 2013, 2055, 1927, 4031, 1053, 2014, 0}
_MYSQL_CONFLICT = {1213}
_MYSQL_LOCK_TIMEOUT = {1205}
_MYSQL_TIMEOUT = {1969, 3024, 1317, 1028}
# PostgreSQL SQLSTATEs.
_PG_REFUSED = {"53300", "53400", "57P03"}  # too many connections, starting up
_PG_DISCONNECTED_PREFIXES = ("08", "57P01", "57P02")
_PG_CONFLICT = {"40P01", "40001"}
_PG_LOCK_TIMEOUT = {"55P03"}
_PG_TIMEOUT = {"57014"}


@dataclass(frozen=True)
class Failure:
    """One classified driver error."""

    kind: str
    error_class: str
    code: str | None

    def log(self, stage: str, **extra: Any) -> None:
        log.warning("database error", extra={"dbErrorClass": self.error_class, "dbErrorCode": self.code,
                                             "dbStage": stage, "dbFailure": self.kind, **extra})

    def unavailable(self, what: str = "Database error") -> StorageUnavailable:
        code = f" {self.code}" if self.code else ""
        return StorageUnavailable(f"{what}: {self.error_class}{code}.")


def classify(dialect: str, exc: BaseException, conn: Any = None) -> Failure | None:
    """The kind of a driver error, or None when `exc` is not one (e.g. our own exceptions)."""
    if dialect == "mysql":
        return _mysql(exc, conn)
    if dialect == "postgresql":
        return _postgres(exc, conn)
    return _sqlite(exc)


def _mysql(exc: BaseException, conn: Any) -> Failure | None:
    import pymysql

    if not isinstance(exc, pymysql.MySQLError):
        return None
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    name = type(exc).__name__
    if code in _MYSQL_CONFLICT:
        kind = "conflict"
    elif code in _MYSQL_LOCK_TIMEOUT:
        kind = "lock_timeout"
    elif code in _MYSQL_TIMEOUT:
        kind = "timeout"
    elif code in _MYSQL_REFUSED and (conn is None or not getattr(conn, "open", False)):
        kind = "refused"
    elif code in _MYSQL_DISCONNECTED or isinstance(exc, pymysql.InterfaceError) or \
            (conn is not None and not getattr(conn, "open", True)):
        kind = "disconnected"
    elif isinstance(exc, pymysql.OperationalError):
        kind = "disconnected" if conn is None else "other"
    else:
        kind = "other"
    return Failure(kind, name, str(code) if code is not None else None)


def _postgres(exc: BaseException, conn: Any) -> Failure | None:
    import psycopg

    if not isinstance(exc, psycopg.Error):
        return None
    state = getattr(exc, "sqlstate", None)
    name = type(exc).__name__
    broken = conn is not None and (getattr(conn, "closed", False) or getattr(conn, "broken", False))
    if state in _PG_CONFLICT:
        kind = "conflict"
    elif state in _PG_LOCK_TIMEOUT:
        kind = "lock_timeout"
    elif state in _PG_TIMEOUT:
        kind = "timeout"
    elif state in _PG_REFUSED:
        kind = "refused"
    elif broken or (state or "").startswith(_PG_DISCONNECTED_PREFIXES):
        kind = "disconnected"
    elif conn is None and isinstance(exc, psycopg.OperationalError):
        kind = "refused"  # no connection made: connection refused, timed out, or a proxy's limit
    elif isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        kind = "disconnected"
    else:
        kind = "other"
    return Failure(kind, name, state)


def _sqlite(exc: BaseException) -> Failure | None:
    import sqlite3

    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorname", None)
    kind = "timeout" if isinstance(exc, sqlite3.OperationalError) else "other"
    return Failure(kind, type(exc).__name__, code)

"""What differs between SQLite, MySQL and PostgreSQL: connecting, placeholders, upsert clauses, times.

SQL elsewhere is written once with `?` placeholders and `{table}` names; a dialect
turns it into what its driver accepts. Drivers are imported inside `connect`,
so only the backend in use is ever loaded.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from upvend.errors import StorageUnavailable


class Dialect(ABC):
    """Shared behaviour; subclasses fill in what their database does differently."""

    name = ""
    begin = "BEGIN"
    json_param = "?"

    @abstractmethod
    def connect(self, url: Any, timeout: float) -> Any:
        """Open a DB-API connection (driver imported here, not at import time)."""

    def sql(self, text: str) -> str:
        """Placeholders for the driver (`?` or `%s`)."""
        return text

    def conflict_nothing(self, keys: str) -> str:
        """Clause that makes an INSERT a no-op when the key already exists."""
        return f"ON CONFLICT ({keys}) DO NOTHING"

    def upsert_clause(self, keys: str) -> str:
        return f"ON CONFLICT ({keys}) DO UPDATE SET"

    def incoming(self, table: str, column: str) -> str:
        """The value the INSERT tried to write, inside the update clause."""
        return f"excluded.{column}"

    @abstractmethod
    def merge_json(self, base: str, patch: str) -> str:
        """Top-level merge of two JSON objects (`patch` wins)."""

    def time_param(self, value: datetime) -> Any:
        return value

    def time_value(self, value: Any) -> datetime:
        """A stored time as an aware UTC datetime."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def json_value(self, value: Any) -> dict[str, Any]:
        if value is None or value == "":
            return {}
        return value if isinstance(value, dict) else json.loads(value)

    @abstractmethod
    def is_unavailable(self, exc: BaseException) -> bool:
        """Errors that mean the database cannot be reached or is overloaded (answer 503)."""

    def is_retryable(self, exc: BaseException) -> bool:
        """Deadlocks and serialization failures: rerun the whole transaction."""
        return False


def _enable_wal(conn: Any, deadline: float) -> None:
    # Switching a new file to WAL while other connections open it can fail with "database is
    # locked" at once, without SQLite's busy handler waiting; retry until the deadline.
    import sqlite3

    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


class SqliteDialect(Dialect):
    name = "sqlite"
    begin = "BEGIN IMMEDIATE"  # take the write lock up front: concurrent writers queue, never deadlock

    def connect(self, url: Any, timeout: float) -> Any:
        import sqlite3

        try:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(url.database, timeout=max(timeout, 5.0), isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=5000")
            _enable_wal(conn, deadline=time.monotonic() + max(timeout, 5.0))
        except (sqlite3.Error, OSError) as exc:
            raise StorageUnavailable(f"Cannot open the database: {type(exc).__name__}.") from None
        return conn

    def merge_json(self, base: str, patch: str) -> str:
        return f"json_patch({base}, {patch})"

    def time_param(self, value: datetime) -> Any:
        # Fixed-width text sorts in time order.
        return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def is_unavailable(self, exc: BaseException) -> bool:
        import sqlite3

        return isinstance(exc, sqlite3.OperationalError)


class MysqlDialect(Dialect):
    name = "mysql"
    begin = "START TRANSACTION"

    def connect(self, url: Any, timeout: float) -> Any:
        import pymysql

        try:
            return pymysql.connect(host=url.host or "127.0.0.1", port=url.port or 3306, user=url.user or "root",
                                   password=url.password or "", database=url.database, charset="utf8mb4",
                                   autocommit=True, connect_timeout=timeout, read_timeout=timeout,
                                   write_timeout=timeout, init_command="SET time_zone = '+00:00'",
                                   **url.options)
        except pymysql.MySQLError as exc:
            raise StorageUnavailable(f"Cannot connect to the database: {type(exc).__name__}.") from None

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def conflict_nothing(self, keys: str) -> str:
        # A no-op update reports 0 affected rows (FOUND_ROWS is off), unlike INSERT IGNORE it hides no errors.
        first = keys.split(",")[0].strip()
        return f"ON DUPLICATE KEY UPDATE {first} = {first}"

    def upsert_clause(self, keys: str) -> str:
        return "ON DUPLICATE KEY UPDATE"

    def incoming(self, table: str, column: str) -> str:
        return f"VALUES({column})"

    def merge_json(self, base: str, patch: str) -> str:
        return f"JSON_MERGE_PATCH({base}, {patch})"

    def time_param(self, value: datetime) -> Any:
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def is_unavailable(self, exc: BaseException) -> bool:
        import pymysql

        return isinstance(exc, (pymysql.OperationalError, pymysql.InterfaceError)) and not self.is_retryable(exc)

    def is_retryable(self, exc: BaseException) -> bool:
        code = exc.args[0] if getattr(exc, "args", None) else None
        return code in (1213, 1205)  # deadlock, lock wait timeout


class PostgresDialect(Dialect):
    name = "postgresql"
    json_param = "CAST(? AS jsonb)"

    def connect(self, url: Any, timeout: float) -> Any:
        import psycopg

        try:
            extra = dict(url.options)
            # A statement timeout as MySQL's read/write timeouts: a stuck query answers 503 in time.
            options = " ".join(filter(None, ["-c timezone=UTC", f"-c statement_timeout={int(timeout * 1000)}",
                                             extra.pop("options", "")]))
            return psycopg.connect(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.user or None,
                                   password=url.password or None, dbname=url.database, autocommit=True,
                                   connect_timeout=max(1, int(timeout)), options=options, **extra)
        except psycopg.Error as exc:
            raise StorageUnavailable(f"Cannot connect to the database: {type(exc).__name__}.") from None

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def merge_json(self, base: str, patch: str) -> str:
        return f"({base} || {patch})"

    def is_unavailable(self, exc: BaseException) -> bool:
        import psycopg

        return isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)) and not self.is_retryable(exc)

    def is_retryable(self, exc: BaseException) -> bool:
        return getattr(exc, "sqlstate", None) in ("40P01", "40001")


DIALECTS: dict[str, Dialect] = {"sqlite": SqliteDialect(), "mysql": MysqlDialect(),
                                "postgresql": PostgresDialect()}

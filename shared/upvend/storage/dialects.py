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

from upvend.errors import ConfigurationError, StorageUnavailable
from upvend.storage.limits import ServerLimits


class Dialect(ABC):
    """Shared behaviour; subclasses fill in what their database does differently."""

    name = ""
    begin = "BEGIN"
    json_param = "?"

    @abstractmethod
    def connect(self, url: Any, timeout: float) -> Any:
        """Open a DB-API connection (driver imported here, not at import time)."""

    def begin_statements(self, conn: Any, limits: ServerLimits, read_only: bool = False) -> list[str]:
        """What starts a transaction, with the server's own limits set for it alone."""
        return [self.begin]

    def statement(self, conn: Any, sql: str, limits: ServerLimits) -> str:
        """`sql` as sent inside a transaction (a dialect may attach per-statement limits)."""
        return sql

    def set_io_timeout(self, conn: Any, seconds: float) -> None:
        """How long the client waits on the socket for the next answer."""

    def ping(self, conn: Any) -> None:
        """One round trip that fails when the connection is dead."""
        cursor = conn.cursor()
        try:
            cursor.execute("SELECT 1")
            cursor.fetchall()
        finally:
            cursor.close()

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

    def counter_upsert(self, table: str, keys: str, column: str) -> str:
        """The tail of an INSERT that adds the inserted `column` to an existing row and yields the sum."""
        return f"ON CONFLICT ({keys}) DO UPDATE SET {column} = {table}.{column} + excluded.{column} RETURNING {column}"

    def counter_value(self, cursor: Any, amount: int) -> int:
        """The sum the counter upsert left, read from its cursor."""
        return int(cursor.fetchone()[0])

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

    def begin_statements(self, conn: Any, limits: ServerLimits, read_only: bool = False) -> list[str]:
        return ["BEGIN" if read_only else self.begin]  # readers need no write lock (WAL)

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


_MYSQL_SSL_CONNECTION_ERROR = 2026


def driver_missing(database: str) -> ConfigurationError:
    """A layer packaged for another database has no driver for this one: a setup error, said plainly."""
    return ConfigurationError(f"This layer ships no {database} driver: set `database: {database}` in "
                              "template.yaml and package again.", code="database_driver_missing")


class MysqlDialect(Dialect):
    name = "mysql"
    begin = "START TRANSACTION"

    def connect(self, url: Any, timeout: float) -> Any:
        try:
            import pymysql
        except ImportError:
            raise driver_missing("mysql") from None

        from upvend.storage.mysql_tls import uses_tls

        tls = url.options.get("tls")
        context = tls.context() if tls is not None else None
        tls_options: dict[str, Any] = {"ssl": context} if context is not None else {"ssl_disabled": True}
        try:
            # No init_command: a proxy that pools sessions would not keep what it set.
            conn = pymysql.connect(host=url.host or "127.0.0.1", port=url.port or 3306, user=url.user or "root",
                                   password=url.password or "", database=url.database, charset="utf8mb4",
                                   autocommit=True, connect_timeout=timeout, read_timeout=timeout,
                                   write_timeout=timeout, **tls_options)
        except pymysql.OperationalError as exc:
            if exc.args and exc.args[0] == _MYSQL_SSL_CONNECTION_ERROR:
                raise StorageUnavailable("The database offered no TLS but the URL requires it.",
                                         code="storage_tls_unavailable") from None
            raise
        if context is not None and not uses_tls(conn):
            conn.close()
            raise StorageUnavailable("The database offered no TLS but the URL requires it.",
                                     code="storage_tls_unavailable")
        return conn

    def is_mariadb(self, conn: Any) -> bool:
        return "mariadb" in str(getattr(conn, "server_version", "")).lower()

    def begin_statements(self, conn: Any, limits: ServerLimits, read_only: bool = False) -> list[str]:
        if self.is_mariadb(conn):
            return [self.begin]  # MariaDB takes the limits on each statement instead
        # MySQL: max_execution_time only limits SELECTs; set again in every transaction.
        return [self.begin, f"SET SESSION innodb_lock_wait_timeout = {limits.lock_whole_seconds}, "
                            f"SESSION max_execution_time = {limits.statement_ms}"]

    def statement(self, conn: Any, sql: str, limits: ServerLimits) -> str:
        if not self.is_mariadb(conn) or sql in ("COMMIT", "ROLLBACK"):
            return sql
        return (f"SET STATEMENT innodb_lock_wait_timeout = {limits.lock_whole_seconds}, "
                f"max_statement_time = {limits.statement_ms / 1000:.3f} FOR {sql}")

    def set_io_timeout(self, conn: Any, seconds: float) -> None:
        # PyMySQL applies these before each read/write of a packet (connections.py, _read_packet).
        conn._read_timeout = conn._write_timeout = max(0.05, seconds)

    def ping(self, conn: Any) -> None:
        conn.ping(reconnect=False)

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

    def counter_upsert(self, table: str, keys: str, column: str) -> str:
        # No RETURNING with ON DUPLICATE KEY: LAST_INSERT_ID(expr) hands the sum back in the OK packet.
        return f"ON DUPLICATE KEY UPDATE {column} = LAST_INSERT_ID({column} + VALUES({column}))"

    def counter_value(self, cursor: Any, amount: int) -> int:
        # One affected row: inserted (the amount is the sum); two: updated (the sum is the insert id).
        return amount if cursor.rowcount == 1 else int(cursor.lastrowid)

    def time_param(self, value: datetime) -> Any:
        return value.astimezone(timezone.utc).replace(tzinfo=None)




class PostgresDialect(Dialect):
    name = "postgresql"
    json_param = "CAST(? AS jsonb)"

    def connect(self, url: Any, timeout: float) -> Any:
        try:
            import psycopg
        except ImportError:
            raise driver_missing("postgresql") from None

        # No startup `options` and no prepared statements: PgBouncer in transaction mode refuses the
        # first and loses the second between transactions. Limits are set per transaction instead.
        return psycopg.connect(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.user or None,
                               password=url.password or None, dbname=url.database, autocommit=True,
                               connect_timeout=max(1, round(timeout)), prepare_threshold=None, **url.options)

    def begin_statements(self, conn: Any, limits: ServerLimits, read_only: bool = False) -> list[str]:
        # One round trip (no parameters: psycopg sends it as a simple query).
        return [f"BEGIN; SET LOCAL lock_timeout = {limits.lock_ms}; "
                f"SET LOCAL statement_timeout = {limits.statement_ms}; "
                f"SET LOCAL idle_in_transaction_session_timeout = {limits.idle_ms}"]

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def merge_json(self, base: str, patch: str) -> str:
        return f"({base} || {patch})"




DIALECTS: dict[str, Dialect] = {"sqlite": SqliteDialect(), "mysql": MysqlDialect(),
                                "postgresql": PostgresDialect()}

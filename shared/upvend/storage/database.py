"""Opening the database named by UPVEND_DATABASE_URL, and running statements and transactions on it.

- `sqlite:///relative/path` or `sqlite:////absolute/path`: the standard library (embedded default).
- `mysql://user:pass@host:3306/db`: PyMySQL (MySQL, MariaDB, TencentDB, RDS, PolarDB); TLS with
  `ssl_mode=` and `ssl_ca=` (see mysql_tls).
- `postgresql://user:pass@host:5432/db` (or `postgres://`): psycopg 3; other query
  parameters (e.g. `sslmode=require`) go to libpq as they are, except startup `options`,
  which a pooling proxy refuses or drops.

Query parameter `table_prefix` puts every upvend table under a prefix (shared databases, tests).
"""

from __future__ import annotations

import contextlib
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

from upvend import settings
from upvend.deadline import Deadline
from upvend.deadline import current as current_deadline
from upvend.errors import ConfigurationError, StorageUnavailable
from upvend.storage.dialects import DIALECTS, Dialect
from upvend.storage.failures import classify
from upvend.storage.limits import ServerLimits
from upvend.storage.mysql_tls import URL_PARAMETERS as _MYSQL_OPTIONS
from upvend.storage.mysql_tls import MysqlTls
from upvend.storage.pool import ConnectionPool, Lease


settings.declare("DATABASE_TIMEOUT_SECONDS", settings.seconds_between(0, 60), 3.0,
                 doc="Longest wait for one connect or statement (the invocation's deadline may cut it shorter).")

TABLES = ("media", "events", "usage_counters", "schema_version")
_SCHEMES = {"sqlite": "sqlite", "mysql": "mysql", "postgresql": "postgresql", "postgres": "postgresql"}
_PREFIX_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")
_CONFLICT_RETRIES = 2
T = TypeVar("T")


def _malformed(reason: str) -> ConfigurationError:
    return ConfigurationError(f"UPVEND_DATABASE_URL {reason}.", code="setting_malformed")


@dataclass(frozen=True)
class DatabaseUrl:
    """The parts of a database URL (the password never appears in repr)."""

    scheme: str
    database: str
    host: str = ""
    port: int | None = None
    user: str = ""
    password: str = field(default="", repr=False)
    table_prefix: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The SQLite file (kept for callers of the embedded backend)."""
        return self.database

    @classmethod
    def parse(cls, url: str) -> "DatabaseUrl":
        parts = urlsplit(url)
        scheme = _SCHEMES.get(parts.scheme.split("+")[0])
        if scheme is None:
            raise _malformed(f"has unsupported scheme '{parts.scheme.split('+')[0]}'")
        query = dict(parse_qsl(parts.query))
        prefix = query.pop("table_prefix", "")
        if prefix and not _PREFIX_RE.fullmatch(prefix):
            raise _malformed("has a table_prefix that is not letters, digits and '_'")
        if scheme == "sqlite":
            path = parts.path[1:] if parts.path.startswith("/") else parts.path
            if not path:
                raise _malformed("names no database file")
            return cls(scheme, path, table_prefix=prefix)
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise _malformed("names no database")
        try:
            port = parts.port
        except ValueError:
            raise _malformed("has an invalid port") from None
        if scheme == "mysql":
            unknown = set(query) - set(_MYSQL_OPTIONS)
            if unknown:
                raise _malformed(f"has unsupported MySQL parameter(s) {', '.join(sorted(unknown))}")
            options: dict[str, Any] = {"tls": MysqlTls.from_query(query, _malformed)}
        else:
            if "options" in query:
                raise _malformed("sets startup 'options'; a pooling proxy (PgBouncer, RDS/TencentDB proxy) "
                                 "refuses or drops them")
            options = query
        return cls(scheme, database, parts.hostname or "", port, unquote(parts.username or ""),
                   unquote(parts.password or ""), prefix, options)


class Transaction:
    """Statements inside one transaction; values come back as plain dicts.

    With a deadline, every statement first checks that time is left, waits on the socket no
    longer than that, and carries the server-side limits its dialect attaches.
    """

    def __init__(self, db: "Database", conn: Any, deadline: Deadline | None = None) -> None:
        self.db = db
        self.conn = conn
        self.deadline = deadline

    def _run(self, cursor: Any, sql: str, params: tuple[Any, ...]) -> None:
        if self.deadline is not None:
            remaining = self.deadline.remaining()
            if remaining <= 0:
                raise DeadlinePassed()
            limits = ServerLimits.within(remaining, settings.get("DATABASE_TIMEOUT_SECONDS"))
            self.db.dialect.set_io_timeout(self.conn, limits.client_seconds)
            sql = self.db.dialect.statement(self.conn, sql, limits)
        cursor.execute(sql, params) if params else cursor.execute(sql)

    def execute(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        cursor = self.conn.cursor()
        try:
            self._run(cursor, self.db.sql(sql), tuple(params))
            return cursor.rowcount
        finally:
            cursor.close()

    def read(self, sql: str, params: tuple[Any, ...] | list[Any], answer: Callable[[Any], T]) -> T:
        """Run one statement and hand its cursor to `answer` (RETURNING rows, an insert id)."""
        cursor = self.conn.cursor()
        try:
            self._run(cursor, self.db.sql(sql), tuple(params))
            return answer(cursor)
        finally:
            cursor.close()

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[dict[str, Any]]:
        """Run a SELECT; each row as {column: value}."""
        cursor = self.conn.cursor()
        try:
            self._run(cursor, self.db.sql(sql), tuple(params))
            names = [d[0] for d in cursor.description or ()]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def raw(self, sql: str) -> None:
        """A control statement (BEGIN, COMMIT, ROLLBACK, limits), sent as written."""
        cursor = self.conn.cursor()
        try:
            cursor.execute(sql)
        finally:
            cursor.close()


class DeadlinePassed(StorageUnavailable):
    default_message = "The database work ran out of time."


class Database:
    """A small per-process pool of connections to the configured database, schema ensured once.

    Each operation is one transaction within the invocation's deadline. A kept connection
    that fails before COMMIT was sent is replaced once and the transaction rerun (nothing
    of it can have committed); a failure after COMMIT was sent is never retried, the
    platform's own retry and the notices' dedupe keys take over.
    """

    def __init__(self, url: str, *, connections: int | None = None) -> None:
        self.url = DatabaseUrl.parse(url)
        self.dialect: Dialect = DIALECTS[self.url.scheme]
        self.tables = {name: self.url.table_prefix + name for name in TABLES}
        self.pool = ConnectionPool(self.url, self.dialect, size=connections)
        self._schema_lock = threading.Lock()
        self._schema_ready = False

    def sql(self, text: str) -> str:
        """`{media}`-style table names and `?` placeholders, made concrete for this database."""
        for name, real in self.tables.items():
            text = text.replace("{" + name + "}", real)
        return self.dialect.sql(text)

    def _ensure_schema(self, conn: Any) -> None:
        if self._schema_ready:
            return
        with self._schema_lock:
            if not self._schema_ready:
                from upvend.storage.schema import ensure_schema
                ensure_schema(self, conn)
                self._schema_ready = True

    @contextlib.contextmanager
    def connection(self) -> Iterator[Any]:
        """A pooled connection with the schema in place, for the block (maintenance and tests)."""
        lease = self.pool.acquire(current_deadline())
        try:
            self._ensure_schema(lease.conn)
        except Exception as exc:
            self.pool.discard(lease)
            failure = classify(self.dialect.name, exc, lease.conn)
            if failure is None or failure.kind == "other":
                raise
            failure.log("schema")
            raise failure.unavailable() from None
        try:
            yield lease.conn
        except BaseException:
            self.pool.discard(lease)
            raise
        self.pool.release(lease)

    def ready(self) -> None:
        """Connect once and create or upgrade the schema."""
        with self.connection():
            pass

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Run one statement in its own transaction; returns the changed row count."""
        return self.transaction(lambda tx: tx.execute(sql, params))

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[dict[str, Any]]:
        """Run a SELECT in its own transaction."""
        return self.transaction(lambda tx: tx.query(sql, params), read_only=True)

    def transaction(self, work: Callable[[Transaction], T], *, read_only: bool = False) -> T:
        """Run `work` in one transaction, committed when it returns, within the invocation's deadline."""
        deadline = current_deadline()
        replaced = conflicts = 0
        while True:
            lease = self.pool.acquire(deadline)
            stage = "schema"
            try:
                self._ensure_schema(lease.conn)
                stage = "begin"
                tx = Transaction(self, lease.conn, deadline)
                limits = ServerLimits.within(deadline.remaining(), settings.get("DATABASE_TIMEOUT_SECONDS"))
                for statement in self.dialect.begin_statements(lease.conn, limits, read_only):
                    tx.raw(statement)
                stage = "statement"
                result = work(tx)
                stage = "commit"
                self.dialect.set_io_timeout(lease.conn, max(deadline.remaining(), 0.05))
                tx.raw("COMMIT")
            except Exception as exc:
                failure = classify(self.dialect.name, exc, lease.conn)
                if failure is None or failure.kind not in ("disconnected", "refused"):
                    self._roll_back(lease, stage)
                if failure is None:
                    raise
                failure.log(stage, attempt=replaced + conflicts + 1, reused=not lease.fresh)
                if failure.kind in ("disconnected", "refused"):
                    self.pool.discard(lease)
                    if stage == "commit":
                        raise failure.unavailable("The connection broke while committing; the outcome is "
                                                  "unknown") from None
                    if not lease.fresh and not replaced and not deadline.expired():
                        replaced += 1
                        continue
                    raise failure.unavailable() from None
                # A deadlock or a lock wait the server cut short: the transaction runs again while time is left.
                if failure.kind in ("conflict", "lock_timeout") and conflicts < _CONFLICT_RETRIES \
                        and not deadline.expired():
                    conflicts += 1
                    continue
                if failure.kind == "other":
                    raise
                raise failure.unavailable() from None
            self.pool.release(lease)
            return result

    def _roll_back(self, lease: Lease, stage: str) -> None:
        """End the failed transaction; a connection that cannot is not given back."""
        if stage == "schema":
            self.pool.discard(lease)
            return
        try:
            self.dialect.set_io_timeout(lease.conn, settings.get("DATABASE_TIMEOUT_SECONDS"))
            Transaction(self, lease.conn).raw("ROLLBACK")
        except Exception:
            self.pool.discard(lease)
        else:
            self.pool.release(lease)


_instances: dict[str, Database] = {}
_instances_lock = threading.Lock()


def database() -> Database:
    """The process-wide Database for the current UPVEND_DATABASE_URL (kept while warm)."""
    url = settings.get("DATABASE_URL")
    with _instances_lock:
        if url not in _instances:
            _instances[url] = Database(url)
        return _instances[url]

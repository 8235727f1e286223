"""Opening the database named by UPVEND_DATABASE_URL, and running statements and transactions on it.

- `sqlite:///relative/path` or `sqlite:////absolute/path`: the standard library (embedded default).
- `mysql://user:pass@host:3306/db`: PyMySQL (MySQL, MariaDB, TencentDB, RDS, PolarDB).
- `postgresql://user:pass@host:5432/db` (or `postgres://`): psycopg 3; other query
  parameters (e.g. `sslmode=require`) go to libpq as they are.

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
from upvend.errors import ConfigurationError, StorageUnavailable
from upvend.storage.dialects import DIALECTS, Dialect


# Declared again here as a secret: the URL may carry the database password.
settings.declare("DATABASE_URL", secret=True, doc="sqlite:///path, mysql://user:pass@host:port/db, postgresql://...")
settings.declare("DATABASE_TIMEOUT_SECONDS", settings.seconds_between(0, 60), 3.0,
                 doc="Connect timeout for MySQL/PostgreSQL (callbacks must answer within 5 s).")

TABLES = ("media", "events", "schema_version")
_SCHEMES = {"sqlite": "sqlite", "mysql": "mysql", "postgresql": "postgresql", "postgres": "postgresql"}
_PREFIX_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")
_MYSQL_OPTIONS = {"ssl_ca": "ssl_ca", "ssl_verify_cert": "ssl_verify_cert"}
_ATTEMPTS = 3
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
            options: dict[str, Any] = {"ssl": {"ca": query["ssl_ca"]}} if "ssl_ca" in query else {}
        else:
            options = query
        return cls(scheme, database, parts.hostname or "", port, unquote(parts.username or ""),
                   unquote(parts.password or ""), prefix, options)


class Transaction:
    """Statements inside one transaction; values come back as plain dicts."""

    def __init__(self, db: "Database", conn: Any) -> None:
        self.db = db
        self.conn = conn

    def execute(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        cursor = self.conn.cursor()
        try:
            cursor.execute(self.db.sql(sql), tuple(params))
            return cursor.rowcount
        finally:
            cursor.close()

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[dict[str, Any]]:
        """Run a SELECT; each row as {column: value}."""
        cursor = self.conn.cursor()
        try:
            cursor.execute(self.db.sql(sql), tuple(params))
            names = [d[0] for d in cursor.description or ()]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
        finally:
            cursor.close()


class Database:
    """One connection per thread to the configured database, schema ensured once per process."""

    def __init__(self, url: str) -> None:
        self.url = DatabaseUrl.parse(url)
        self.dialect: Dialect = DIALECTS[self.url.scheme]
        self.tables = {name: self.url.table_prefix + name for name in TABLES}
        self._local = threading.local()
        self._schema_lock = threading.Lock()
        self._schema_ready = False

    def sql(self, text: str) -> str:
        """`{media}`-style table names and `?` placeholders, made concrete for this database."""
        for name, real in self.tables.items():
            text = text.replace("{" + name + "}", real)
        return self.dialect.sql(text)

    def _connect(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.dialect.connect(self.url, settings.get("DATABASE_TIMEOUT_SECONDS"))
            self._local.conn = conn
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        with contextlib.suppress(Exception):
            if conn is not None:
                conn.close()

    def connection(self) -> Any:
        """This thread's connection, with the schema in place."""
        conn = self._connect()
        if not self._schema_ready:
            with self._schema_lock:
                if not self._schema_ready:
                    from upvend.storage.schema import ensure_schema
                    with self._translated():
                        ensure_schema(self, conn)
                    self._schema_ready = True
        return conn

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        """Driver errors that mean 'no database right now' become StorageUnavailable (503)."""
        try:
            yield
        except StorageUnavailable:
            self._drop()
            raise
        except Exception as exc:
            if self.dialect.is_unavailable(exc) or self.dialect.is_retryable(exc):
                self._drop()
                raise StorageUnavailable(f"Database error: {type(exc).__name__}.") from None
            raise

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Run one statement outside an explicit transaction; returns the changed row count."""
        with self._translated():
            return Transaction(self, self.connection()).execute(sql, params)

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[dict[str, Any]]:
        """Run a SELECT outside an explicit transaction."""
        with self._translated():
            return Transaction(self, self.connection()).query(sql, params)

    def transaction(self, work: Callable[[Transaction], T]) -> T:
        """Run `work` in one transaction, committed when it returns; rerun on deadlock."""
        for attempt in range(1, _ATTEMPTS + 1):
            with self._translated():
                conn = self.connection()
                tx = Transaction(self, conn)
                tx.execute(self.dialect.begin)
                try:
                    result = work(tx)
                    tx.execute("COMMIT")
                    return result
                except Exception as exc:
                    with contextlib.suppress(Exception):
                        tx.execute("ROLLBACK")
                    if attempt < _ATTEMPTS and self.dialect.is_retryable(exc):
                        continue
                    raise
        raise StorageUnavailable("The database kept aborting the transaction.")  # pragma: no cover


_instances: dict[str, Database] = {}
_instances_lock = threading.Lock()


def database() -> Database:
    """The process-wide Database for the current UPVEND_DATABASE_URL (kept while warm)."""
    url = settings.get("DATABASE_URL")
    with _instances_lock:
        if url not in _instances:
            _instances[url] = Database(url)
        return _instances[url]

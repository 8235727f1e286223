"""Opening the database named by UPVEND_DATABASE_URL.

`sqlite:///relative/path` or `sqlite:////absolute/path` use the standard library.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from upvend import settings
from upvend.errors import ConfigurationError, StorageUnavailable

_SUPPORTED = ("sqlite",)


@dataclass(frozen=True)
class DatabaseUrl:
    scheme: str
    path: str

    @classmethod
    def parse(cls, url: str) -> "DatabaseUrl":
        parts = urlsplit(url)
        scheme = parts.scheme.split("+")[0]
        if scheme not in _SUPPORTED:
            raise ConfigurationError(f"UPVEND_DATABASE_URL has unsupported scheme '{scheme}'.",
                                     code="setting_malformed")
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise ConfigurationError("UPVEND_DATABASE_URL names no database file.", code="setting_malformed")
        return cls(scheme, path)


class Database:
    """One connection per thread to the configured database, schema ensured once."""

    def __init__(self, url: str) -> None:
        self.url = DatabaseUrl.parse(url)
        self._local = threading.local()
        self._schema_lock = threading.Lock()
        self._schema_ready = False

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                Path(self.url.path).parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.url.path, timeout=5.0, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA busy_timeout=5000")
            except (sqlite3.Error, OSError) as exc:
                raise StorageUnavailable(f"Cannot open the database: {type(exc).__name__}.") from None
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        if not self._schema_ready:
            with self._schema_lock:
                if not self._schema_ready:
                    from upvend.storage.schema import ensure_schema
                    ensure_schema(conn)
                    self._schema_ready = True
        return conn

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        try:
            return self.connection().execute(sql, params)
        except sqlite3.OperationalError as exc:
            raise StorageUnavailable(f"Database error: {type(exc).__name__}.") from None


_instances: dict[str, Database] = {}
_instances_lock = threading.Lock()


def database() -> Database:
    """The process-wide Database for the current UPVEND_DATABASE_URL (kept while warm)."""
    url = settings.get("DATABASE_URL")
    with _instances_lock:
        if url not in _instances:
            _instances[url] = Database(url)
        return _instances[url]

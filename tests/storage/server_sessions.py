"""Server-side helpers for the connection-loss and hot-row tests: session ids, kills, lock waiters."""

from __future__ import annotations

import time
from typing import Any

from tests.storage.conftest import MYSQL_URL, POSTGRES_URL
from upvend.storage.database import Database, DatabaseUrl


def admin_connection(db: Database) -> Any:
    """A direct connection to the server behind `db` (never through a proxy)."""
    base = MYSQL_URL if db.url.scheme == "mysql" else POSTGRES_URL
    return db.dialect.connect(DatabaseUrl.parse(base), 3.0)


def direct(db: Database) -> bool:
    """Whether `db` talks to the server itself rather than through PgBouncer."""
    base = MYSQL_URL if db.url.scheme == "mysql" else POSTGRES_URL
    return db.url.port == (DatabaseUrl.parse(base).port or (3306 if db.url.scheme == "mysql" else 5432))


def session_id_sql(db: Database) -> str:
    return "SELECT CONNECTION_ID() AS id" if db.url.scheme == "mysql" else "SELECT pg_backend_pid() AS id"


def kill_session(db: Database, session: int) -> None:
    """What a failover, `wait_timeout` or a proxy's idle kill does to one server session."""
    conn = admin_connection(db)
    try:
        cursor = conn.cursor()
        if db.url.scheme == "mysql":
            cursor.execute(f"KILL CONNECTION {int(session)}")
            gone = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %s"
        else:
            cursor.execute("SELECT pg_terminate_backend(%s)", (int(session),))
            gone = "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = %s"
        # A kill is asynchronous: the session ends (and its socket closes) a moment later. Tests that then
        # use the connection must see it dead, as after a failover, not still answering.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            cursor.execute(gone, (int(session),))
            if int(cursor.fetchone()[0]) == 0:
                break
            time.sleep(0.01)
        cursor.close()
    finally:
        conn.close()


def lock_waiters(db: Database) -> int:
    """Server sessions still running a statement on this test's media table (waiting for its lock)."""
    conn = admin_connection(db)
    table = db.tables["media"]
    try:
        cursor = conn.cursor()
        if db.url.scheme == "mysql":
            cursor.execute("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE %s "
                           "AND ID <> CONNECTION_ID()", (f"%{table}%",))
        else:
            cursor.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE %s "
                           "AND pid <> pg_backend_pid()", (f"%{table}%",))
        return int(cursor.fetchone()[0])
    finally:
        conn.close()

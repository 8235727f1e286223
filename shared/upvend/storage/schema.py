"""Schema creation and upgrades, idempotent, with the applied version recorded."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        """CREATE TABLE IF NOT EXISTS media (
            provider TEXT NOT NULL,
            media_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            owner TEXT,
            title TEXT,
            status TEXT NOT NULL,
            size INTEGER,
            mime_type TEXT,
            media_url TEXT,
            cover_url TEXT,
            bucket TEXT,
            object_key TEXT,
            region TEXT,
            etag TEXT,
            extra TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (provider, media_id)
        )""",
        "CREATE INDEX IF NOT EXISTS media_owner_created ON media (owner, created_at)",
        """CREATE TABLE IF NOT EXISTS events (
            dedupe_key TEXT PRIMARY KEY,
            provider TEXT NOT NULL,
            media_id TEXT,
            event_type TEXT NOT NULL,
            received_at TEXT NOT NULL
        )""",
    ]),
]


def ensure_schema(conn: sqlite3.Connection) -> int:
    """Apply every migration newer than the recorded version; returns the version."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
    current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
    for version, statements in MIGRATIONS:
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM schema_version WHERE version = ?", (version,)).fetchone():
                conn.execute("ROLLBACK")
                continue
            for statement in statements:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                         (version, datetime.now(timezone.utc).isoformat()))
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        current = version
    return current

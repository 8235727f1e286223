"""Dev-only database chores shared by the storage tests and the ingest benchmark."""

from __future__ import annotations

from upvend.storage.database import Database, DatabaseUrl


def server_problem(url: str) -> str | None:
    """None when a connection to `url` works, else why not."""
    try:
        conn = Database(url).dialect.connect(DatabaseUrl.parse(url), 3.0)
    except Exception as exc:  # any failure to connect means: no server here
        return f"{type(exc).__name__}: {exc}"
    conn.close()
    return None


def drop_tables(db: Database) -> None:
    """Drop every upvend table of `db` (its table prefix included)."""
    conn = db.dialect.connect(db.url, 3.0)
    try:
        cursor = conn.cursor()
        for table in db.tables.values():
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.close()
        if hasattr(conn, "commit"):
            conn.commit()
    finally:
        conn.close()

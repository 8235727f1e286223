"""Schema creation and upgrades per dialect, idempotent, with the applied version recorded.

Each migration lists its statements for every dialect. Migrations run under a
lock (SQLite write lock, PostgreSQL advisory lock, MySQL named lock), so cold
starts racing each other apply each version exactly once.
"""

from __future__ import annotations

import contextlib
import zlib
from datetime import datetime, timezone
from typing import Any, Iterator

from upvend.errors import StorageUnavailable

# MySQL: binary collation, so ids and owners compare exactly (the default collations ignore case).
_MYSQL_TABLE = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"

_TYPES = {
    #            short id        long id          text         big int   json                        time
    "sqlite": ("TEXT", "TEXT", "TEXT", "INTEGER", "TEXT NOT NULL DEFAULT '{}'", "TEXT"),
    "mysql": ("VARCHAR(64)", "VARCHAR(512)", "TEXT", "BIGINT", "JSON NOT NULL", "DATETIME(3)"),
    "postgresql": ("TEXT", "TEXT", "TEXT", "BIGINT", "JSONB NOT NULL DEFAULT '{}'::jsonb", "TIMESTAMPTZ(3)"),
}


def _version_1(dialect: str) -> list[str]:
    short, long_id, text, bigint, json_type, time = _TYPES[dialect]
    owner = "VARCHAR(191)" if dialect == "mysql" else text
    dedupe = "VARCHAR(255)" if dialect == "mysql" else text
    tail = f") {_MYSQL_TABLE}" if dialect == "mysql" else ")"
    index = "INDEX {media}_owner_created (owner, created_at)"
    media = f"""CREATE TABLE IF NOT EXISTS {{media}} (
            provider {short} NOT NULL,
            media_id {long_id} NOT NULL,
            kind {short} NOT NULL,
            owner {owner},
            title {text},
            status {short} NOT NULL,
            size {bigint},
            mime_type {short if dialect != "mysql" else "VARCHAR(255)"},
            media_url {text},
            cover_url {text},
            bucket {short if dialect != "mysql" else "VARCHAR(255)"},
            object_key {text},
            region {short},
            etag {short if dialect != "mysql" else "VARCHAR(255)"},
            extra {json_type},
            created_at {time} NOT NULL,
            updated_at {time} NOT NULL,
            PRIMARY KEY (provider, media_id){"," + index if dialect == "mysql" else ""}
        {tail}"""
    events = f"""CREATE TABLE IF NOT EXISTS {{events}} (
            dedupe_key {dedupe} PRIMARY KEY,
            provider {short} NOT NULL,
            media_id {long_id},
            event_type {short if dialect != "mysql" else "VARCHAR(128)"} NOT NULL,
            received_at {time} NOT NULL
        {tail}"""
    statements = [media, events]
    if dialect != "mysql":
        statements.insert(1, "CREATE INDEX IF NOT EXISTS {media}_owner_created ON {media} (owner, created_at)")
    return statements


def _version_2(dialect: str) -> list[str]:
    """When an `uploading` reservation lapses (NULL for rows a notice created), and the index the expiry
    timer and the status filters use."""
    time = _TYPES[dialect][5]
    exists = " IF NOT EXISTS" if dialect == "postgresql" else ""
    index = "" if dialect == "mysql" else " IF NOT EXISTS"
    return [f"ALTER TABLE {{media}} ADD COLUMN{exists} expires_at {time} NULL",
            f"CREATE INDEX{index} {{media}}_status_expires ON {{media}} (status, expires_at)"]


def _version_3(dialect: str) -> list[str]:
    """Usage counters: one row per (subject, limit, window), added to by one upsert each."""
    subject = "VARCHAR(191)" if dialect == "mysql" else "TEXT"
    name = "VARCHAR(64)" if dialect == "mysql" else "TEXT"
    bigint = "INTEGER" if dialect == "sqlite" else "BIGINT"
    index = "INDEX {usage_counters}_expires (expires_at)"
    tail = f",{index}) {_MYSQL_TABLE}" if dialect == "mysql" else ")"
    usage = f"""CREATE TABLE IF NOT EXISTS {{usage_counters}} (
            subject {subject} NOT NULL,
            name {name} NOT NULL,
            window_start {bigint} NOT NULL,
            used {bigint} NOT NULL,
            expires_at {bigint} NOT NULL,
            PRIMARY KEY (subject, name, window_start)
        {tail}"""
    if dialect == "mysql":
        return [usage]
    return [usage, "CREATE INDEX IF NOT EXISTS {usage_counters}_expires ON {usage_counters} (expires_at)"]


MIGRATIONS: list[tuple[int, Any]] = [
    (1, _version_1),
    (2, _version_2),
    (3, _version_3),
]
LATEST = MIGRATIONS[-1][0]

_VERSION_TABLE = ("CREATE TABLE IF NOT EXISTS {schema_version} "
                  "(version INTEGER PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)")


@contextlib.contextmanager
def _migration_lock(db: Any, tx: Any) -> Iterator[None]:
    """Hold the database-wide lock for schema changes while the block runs."""
    name = db.dialect.name
    if name == "mysql":
        lock = f"upvend-schema-{db.tables['media']}"
        if tx.query("SELECT GET_LOCK(?, 10) AS got", (lock,))[0]["got"] != 1:
            raise StorageUnavailable("Timed out waiting for the schema lock.")
        try:
            yield
        finally:
            tx.query("SELECT RELEASE_LOCK(?) AS released", (lock,))
        return
    tx.execute(db.dialect.begin)
    try:
        if name == "postgresql":
            tx.query("SELECT pg_advisory_xact_lock(?) AS locked", (zlib.crc32(db.tables["media"].encode()),))
        yield
        tx.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            tx.execute("ROLLBACK")
        raise


def current_version(db: Any, tx: Any) -> int:
    """The recorded schema version (0 when nothing was ever applied)."""
    try:
        return int(tx.query("SELECT COALESCE(MAX(version), 0) AS v FROM {schema_version}")[0]["v"])
    except Exception as exc:
        from upvend.storage.failures import classify

        failure = classify(db.dialect.name, exc, tx.conn)
        if failure is not None and failure.kind != "other" and "no such table" not in str(exc):
            raise
        return 0


def ensure_schema(db: Any, conn: Any) -> int:
    """Apply every migration newer than the recorded version; returns the version."""
    from upvend.storage.database import Transaction

    tx = Transaction(db, conn)
    # The migration lock may be waited for up to 10 s while another instance migrates.
    db.dialect.set_io_timeout(conn, 12.0)
    if current_version(db, tx) >= LATEST:
        return LATEST
    with _migration_lock(db, tx):
        tx.execute(_VERSION_TABLE)
        current = current_version(db, tx)
        for version, statements in MIGRATIONS:
            if version <= current:
                continue
            for statement in statements(db.dialect.name):
                tx.execute(statement)
            tx.execute("INSERT INTO {schema_version} (version, applied_at) VALUES (?, ?) "
                       + db.dialect.conflict_nothing("version"),
                       (version, datetime.now(timezone.utc).isoformat(timespec="seconds")))
            current = version
    return current

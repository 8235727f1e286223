"""Usage counters: how much a subject (a user, an IP, a login code) used of a limit in one window.

One row per (subject, limit name, window start). Adding to a counter is one
INSERT ... ON CONFLICT / ON DUPLICATE KEY UPDATE that answers the new sum, so
instances sharing the database never read-then-write; the row stays locked
until the caller's transaction ends, which orders one subject's checks.
"""

from __future__ import annotations

from upvend.storage.database import Database, Transaction

_KEYS = "subject, name, window_start"


def add_usage(tx: Transaction, subject: str, name: str, window_start: int, expires_at: int, amount: int) -> int:
    """Add `amount` (> 0) to the counter and return its new sum, inside the caller's transaction."""
    if amount <= 0:
        raise ValueError("a usage amount is positive")
    dialect = tx.db.dialect
    table = tx.db.tables["usage_counters"]
    sql = ("INSERT INTO {usage_counters} (subject, name, window_start, used, expires_at) VALUES (?, ?, ?, ?, ?) "
           + dialect.counter_upsert(table, _KEYS, "used"))
    return tx.read(sql, (subject, name, window_start, amount, expires_at),
                   lambda cursor: dialect.counter_value(cursor, amount))


def forget_usage(tx: Transaction, subject: str, name: str) -> int:
    """Drop every window of one counter (e.g. a login code whose exchange never reached WeChat)."""
    return tx.execute("DELETE FROM {usage_counters} WHERE subject = ? AND name = ?", (subject, name))


def usage_of(db: Database, subject: str, name: str, window_start: int) -> int:
    """The current sum of one counter window (0 when nothing was counted)."""
    rows = db.query("SELECT used FROM {usage_counters} WHERE subject = ? AND name = ? AND window_start = ?",
                    (subject, name, window_start))
    return int(rows[0]["used"]) if rows else 0


def purge_expired(db: Database, now: int) -> int:
    """Delete every counter window that ended before `now` (indexed); returns how many went."""
    return db.execute("DELETE FROM {usage_counters} WHERE expires_at < ?", (now,))

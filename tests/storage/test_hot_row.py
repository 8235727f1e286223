"""A hot row under concurrent writers: every call ends within the deadline, the server gives up first.

The replay: a session holds the row's lock longer than the deadline. Writers must answer 503 in
time, and no server session may still be waiting for that lock once they have (an abandoned
wait holds a connection slot and, once granted, the lock). Redelivered afterwards, every notice
is recorded exactly once.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.storage.server_sessions import admin_connection, lock_waiters
from upvend.errors import StorageUnavailable
from upvend.storage.database import Database
from upvend.storage.media import MediaRepository
from upvend.storage.notices import MediaNotice

DEADLINE = 1.5
SLACK = 1.0  # scheduling on a loaded machine; the old limits took 3 s (PostgreSQL) and 50 s (MariaDB)
WRITERS = 12


def hot_notice(n: int) -> MediaNotice:
    return MediaNotice(dedupe_key=f"hot:{n}", event_type="SnapshotComplete", provider="aliyun", media_id="hot",
                       kind="video", cover_url=f"https://cdn.example/{n}.jpg")


def deliver(url: str, notices: list[MediaNotice]) -> list[tuple[str, float]]:
    """One instance (its own pool of one connection) delivering its notices; (outcome, seconds) each."""
    repo = MediaRepository(Database(url, connections=1))
    out = []
    try:
        for n in notices:
            started = time.monotonic()
            try:
                out.append(("recorded" if repo.apply(n) else "duplicate", time.monotonic() - started))
            except StorageUnavailable:
                out.append(("unavailable", time.monotonic() - started))
    finally:
        repo.db.pool.close_all()
    return out


@pytest.fixture
def server_db(db: Database, monkeypatch) -> Database:
    if db.url.scheme == "sqlite":
        pytest.skip("SQLite writers queue on the file lock in-process; no server to give up")
    monkeypatch.setenv("UPVEND_DATABASE_DEADLINE_SECONDS", str(DEADLINE))
    MediaRepository(db).apply(hot_notice(0))
    return db


def url_of(db: Database) -> str:
    u = db.url
    auth = u.user + (f":{u.password}" if u.password else "")
    return f"{u.scheme}://{auth}@{u.host}:{u.port}/{u.database}?table_prefix={u.table_prefix}"


def test_concurrent_writers_of_one_row_all_finish_within_the_deadline(server_db, monkeypatch):
    monkeypatch.setenv("UPVEND_DATABASE_DEADLINE_SECONDS", "4")  # the callbacks' deadline
    batches = [[hot_notice(1 + w * 5 + i) for i in range(5)] for w in range(WRITERS)]
    with ThreadPoolExecutor(WRITERS) as pool:
        results = [r for batch in pool.map(lambda b: deliver(url_of(server_db), b), batches) for r in batch]
    assert max(seconds for _, seconds in results) < 4 + SLACK
    assert [outcome for outcome, _ in results] == ["recorded"] * len(results)
    assert MediaRepository(server_db).event_count() == 1 + WRITERS * 5


def test_writers_behind_a_held_lock_answer_in_time_and_leave_no_waiting_session(server_db):
    holder = admin_connection(server_db)
    cursor = holder.cursor()
    cursor.execute("START TRANSACTION" if server_db.url.scheme == "mysql" else "BEGIN")
    cursor.execute(server_db.sql("UPDATE {media} SET title = 'held' WHERE media_id = 'hot'"))
    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            first = [r for batch in pool.map(lambda w: deliver(url_of(server_db), [hot_notice(100 + w)]),
                                             range(WRITERS)) for r in batch]
        assert [outcome for outcome, _ in first] == ["unavailable"] * WRITERS
        assert max(seconds for _, seconds in first) < DEADLINE + SLACK
        assert lock_waiters(server_db) == 0  # the server gave up on every wait before the client did
    finally:
        cursor.execute("ROLLBACK")
        holder.close()
    # The platform redelivers: every notice recorded exactly once.
    again = deliver(url_of(server_db), [hot_notice(100 + w) for w in range(WRITERS)])
    assert [outcome for outcome, _ in again] == ["recorded"] * WRITERS
    assert MediaRepository(server_db).event_count() == 1 + WRITERS

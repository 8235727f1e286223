"""A killed session (failover, idle kill, wait_timeout) costs no notice; a broken COMMIT is never rerun."""

from __future__ import annotations

import logging

import pytest

from tests.storage.server_sessions import direct, kill_session, session_id_sql
from upvend.errors import StorageUnavailable
from upvend.storage.database import Database
from upvend.storage.media import MediaRepository
from upvend.storage.notices import MediaNotice


@pytest.fixture
def server_db(db: Database) -> Database:
    if db.url.scheme == "sqlite":
        pytest.skip("SQLite has no server session to kill")
    return db


def notice(n: int) -> MediaNotice:
    return MediaNotice(dedupe_key=f"kill:{n}", event_type="FileUploadComplete", provider="aliyun",
                       media_id=f"v{n}", kind="video", status="uploaded", owner="o-alice")


def db_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() == "database error"]


def test_the_warm_instance_records_its_next_notice_after_its_session_was_killed(server_db, caplog):
    repo = MediaRepository(server_db)
    assert repo.apply(notice(1))
    kill_session(server_db, server_db.query(session_id_sql(server_db))[0]["id"])
    with caplog.at_level(logging.WARNING, logger="upvend.storage"):
        assert repo.apply(notice(2))  # the kept connection is dead: replaced once, nothing lost
    assert repo.event_count() == 2 and repo.get("aliyun", "v2").status == "uploaded"
    if direct(server_db):
        # Directly on the server (PgBouncer replaces a dead server connection itself) the broken connection is seen, and said so with the driver's code.
        (record,) = db_errors(caplog)
        assert (record.dbFailure, record.reused) == ("disconnected", True)
        assert record.dbErrorClass in ("OperationalError", "InterfaceError", "AdminShutdown")
        if server_db.url.scheme == "mysql":
            assert record.dbErrorCode in ("2013", "2006", "1927", "0")


def test_a_session_killed_while_idle_is_caught_by_the_ping(server_db, caplog, monkeypatch):
    repo = MediaRepository(server_db)
    assert repo.apply(notice(1))
    monkeypatch.setenv("UPVEND_DATABASE_IDLE_PING_SECONDS", "0.001")
    kill_session(server_db, server_db.query(session_id_sql(server_db))[0]["id"])
    with caplog.at_level(logging.WARNING, logger="upvend.storage"):
        assert repo.apply(notice(2))
    assert repo.event_count() == 2
    if direct(server_db):
        assert [r.dbStage for r in db_errors(caplog)] == ["ping"]


def test_a_connection_lost_at_commit_is_not_retried(server_db):
    MediaRepository(server_db).event_count()  # schema in place, connection kept
    calls = []

    def work(tx):
        calls.append(1)
        tx.execute("INSERT INTO {events} (dedupe_key, provider, media_id, event_type, received_at) "
                   "VALUES (?, 'aliyun', 'v1', 'x', ?)", ("commit-lost", server_db.dialect.time_param(_now())))
        kill_session(server_db, tx.query(session_id_sql(server_db))[0]["id"])
        return "done"

    with pytest.raises(StorageUnavailable) as caught:
        server_db.transaction(work)
    assert calls == [1]  # COMMIT was sent (or could have been): never run again
    assert "outcome is unknown" in caught.value.message
    assert MediaRepository(server_db).event_count("commit-lost") == 0  # the server rolled it back


def test_the_connection_is_replaced_only_once(server_db):
    MediaRepository(server_db).event_count()
    calls = []

    def work(tx):
        calls.append(1)
        kill_session(server_db, tx.query(session_id_sql(server_db))[0]["id"])
        tx.query("SELECT 1 AS one")
        return "never"

    with pytest.raises(StorageUnavailable):
        server_db.transaction(work)
    assert len(calls) == 2
    assert MediaRepository(server_db).event_count() == 0  # and the next operation works


def _now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)

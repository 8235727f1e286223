"""A query stuck in the database answers 503 within the database timeout, on every backend."""

from __future__ import annotations

import time

import pytest

from upvend.errors import StorageUnavailable

SLEEP = {"sqlite": None, "mysql": "SELECT SLEEP(5)", "postgresql": "SELECT pg_sleep(5)"}


def test_a_stuck_statement_is_cut_off(db, monkeypatch):
    sql = SLEEP[db.url.scheme]
    if sql is None:
        pytest.skip("SQLite runs in-process: no server-side wait to cut off")
    monkeypatch.setenv("UPVEND_DATABASE_TIMEOUT_SECONDS", "1")
    started = time.monotonic()
    with pytest.raises(StorageUnavailable):
        db.query(sql)
    assert time.monotonic() - started < 4
    assert db.query("SELECT 1 AS one") == [{"one": 1}]  # the next request gets a working connection

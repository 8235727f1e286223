"""Usage limits on every backend: under a limit works, at it answers 429 naming the limit, nothing is
counted or reserved by a refusal, and two processes sharing one database never pass a limit together."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.storage.test_hot_row import url_of
from upvend.quotas import (BYTES_PER_DAY, REQUESTS_PER_DAY, REQUESTS_PER_MINUTE, LimitExceeded, LoginCodeReplayed,
                           credential_allowed, forget_login_code, login_allowed, user_subject,
                           within_credential_limits)
from upvend.storage.database import Database
from upvend.storage.media import MediaRecord, MediaRepository
from upvend.storage.usage import purge_expired, usage_of

REPO = Path(__file__).resolve().parents[2]


def _reserve(db: Database, media_id: str, owner: str = "o-quota"):
    return lambda tx: MediaRepository(db).create_uploading_in(tx, MediaRecord(
        provider="aliyun", media_id=media_id, kind="video", status="uploading", owner=owner))


def _minute_start(now: float | None = None) -> int:
    return int((now or time.time()) // 60) * 60


@pytest.fixture(autouse=True)
def _clear_of_window_ends():
    """Counters are per UTC minute: never start a test in the last seconds of one."""
    if time.time() % 60 > 55:
        time.sleep(60 - time.time() % 60 + 0.05)


def test_requests_per_minute_allow_the_limit_then_answer_429_with_the_window_end(db, monkeypatch):
    monkeypatch.setenv("UPVEND_LIMIT_CREDENTIALS_PER_MINUTE", "3")
    for _ in range(3):
        credential_allowed("o-quota", db=db)
    with pytest.raises(LimitExceeded) as refused:
        credential_allowed("o-quota", db=db)
    error = refused.value
    assert (error.status, error.code) == (429, "limit_requests_per_minute")
    left = 60 - time.time() % 60
    assert 1 <= int(error.headers["Retry-After"]) <= left + 1
    assert error.details == {"limit": "limit_requests_per_minute", "maximum": 3,
                             "retryAfter": int(error.headers["Retry-After"])}
    # The refusal counted nothing: not in the minute, not in the day.
    subject = user_subject("o-quota")
    assert usage_of(db, subject, REQUESTS_PER_MINUTE.code, _minute_start()) == 3
    assert usage_of(db, subject, REQUESTS_PER_DAY.code, int(time.time() // 86400) * 86400) == 3
    credential_allowed("o-other", db=db)  # another user has a counter of their own


def test_requests_per_day_refuse_with_their_own_code(db, monkeypatch):
    monkeypatch.setenv("UPVEND_LIMIT_CREDENTIALS_PER_DAY", "2")
    credential_allowed("o-quota", db=db)
    credential_allowed("o-quota", db=db)
    with pytest.raises(LimitExceeded) as refused:
        credential_allowed("o-quota", db=db)
    assert refused.value.code == "limit_requests_per_day"
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 86400
    # The per-minute counter was rolled back with the refusal.
    assert usage_of(db, user_subject("o-quota"), REQUESTS_PER_MINUTE.code, _minute_start()) == 2


def test_declared_bytes_count_against_the_day_and_a_refusal_adds_none(db, monkeypatch):
    monkeypatch.setenv("UPVEND_LIMIT_BYTES_PER_DAY", "10000")
    credential_allowed("o-quota", size=6000, db=db)
    credential_allowed("o-quota", size=4000, db=db)  # exactly at the limit
    with pytest.raises(LimitExceeded) as refused:
        credential_allowed("o-quota", size=1, db=db)
    assert refused.value.code == "limit_bytes_per_day"
    day = int(time.time() // 86400) * 86400
    assert usage_of(db, user_subject("o-quota"), BYTES_PER_DAY.code, day) == 10000
    credential_allowed("o-quota", db=db)  # a request that declares no bytes still passes


def test_open_reservations_are_capped_and_a_refused_one_inserts_no_row(db, monkeypatch):
    monkeypatch.setenv("UPVEND_LIMIT_OPEN_UPLOADS", "2")
    assert within_credential_limits("o-quota", _reserve(db, "v1"), reserves=True, db=db)
    assert within_credential_limits("o-quota", _reserve(db, "v2"), reserves=True, db=db)
    with pytest.raises(LimitExceeded) as refused:
        within_credential_limits("o-quota", _reserve(db, "v3"), reserves=True, db=db)
    assert refused.value.code == "limit_open_uploads" and refused.value.headers["Retry-After"] == "60"
    assert MediaRepository(db).get("aliyun", "v3") is None
    # A finished upload frees its place.
    db.execute("UPDATE {media} SET status = 'ready' WHERE media_id = 'v1'")
    assert within_credential_limits("o-quota", _reserve(db, "v3"), reserves=True, db=db)


def test_a_zero_limit_is_no_limit(db, monkeypatch):
    monkeypatch.setenv("UPVEND_LIMIT_CREDENTIALS_PER_MINUTE", "0")
    for _ in range(40):
        credential_allowed("o-quota", db=db)
    assert usage_of(db, user_subject("o-quota"), REQUESTS_PER_MINUTE.code, _minute_start()) == 0


def test_concurrent_checks_in_one_process_pass_exactly_the_limit(db, monkeypatch):
    monkeypatch.setenv("UPVEND_LIMIT_CREDENTIALS_PER_MINUTE", "10")

    def attempt(_: int) -> str:
        try:
            credential_allowed("o-quota", db=db)
            return "ok"
        except LimitExceeded as exc:
            return exc.code

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(24)))
    assert outcomes.count("ok") == 10
    assert outcomes.count("limit_requests_per_minute") == 14


def test_logins_per_ip_and_the_replay_guard(db, monkeypatch):
    monkeypatch.setenv("UPVEND_LIMIT_LOGINS_PER_IP_PER_MINUTE", "3")
    monkeypatch.setenv("UPVEND_LOGIN_CODE_REPLAY_SECONDS", "300")
    login_allowed("203.0.113.9", "code-a", db=db)
    with pytest.raises(LoginCodeReplayed) as replayed:
        login_allowed("203.0.113.9", "code-a", db=db)
    assert (replayed.value.status, replayed.value.code) == (401, "login_code_replayed")
    # The replayed attempt was rolled back: it did not use up the address's allowance.
    login_allowed("203.0.113.9", "code-b", db=db)
    login_allowed("203.0.113.9", "code-c", db=db)
    with pytest.raises(LimitExceeded) as refused:
        login_allowed("203.0.113.9", "code-d", db=db)
    assert refused.value.code == "limit_logins_per_ip"
    login_allowed("203.0.113.10", "code-d", db=db)  # the refused code left no trace; another address is free
    # Only a hash of a code is kept.
    assert not db.query("SELECT subject FROM {usage_counters} WHERE subject LIKE '%code-%'")
    forget_login_code("code-a", db=db)
    login_allowed("203.0.113.11", "code-a", db=db)


def test_expired_windows_are_purged(db, monkeypatch):
    monkeypatch.setenv("UPVEND_LOGIN_CODE_REPLAY_SECONDS", "60")
    monkeypatch.setenv("UPVEND_LIMIT_LOGINS_PER_IP_PER_MINUTE", "10")
    login_allowed("203.0.113.9", "code-old", db=db, now=time.time() - 3600)
    login_allowed("203.0.113.9", "code-new", db=db)
    assert purge_expired(db, int(time.time())) == 2  # the old code, the address's minute of an hour ago
    login_allowed("203.0.113.9", "code-old", db=db)  # forgotten once its time was up
    with pytest.raises(LoginCodeReplayed):
        login_allowed("203.0.113.9", "code-new", db=db)


def _run_two(db: Database, job: dict, env: dict[str, str], tmp_path: Path) -> list[list[str]]:
    """The same job in two processes at once against `db`; each one's outcomes."""
    import os

    job = {**job, "url": url_of(db) if db.url.scheme != "sqlite" else
           f"sqlite:///{db.url.database}?table_prefix={db.url.table_prefix}", "start_at": time.time() + 2.5}
    environ = {**os.environ, **env}
    procs = [subprocess.Popen([sys.executable, "-m", "tests.storage.usage_worker"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=environ)
             for _ in range(2)]
    outputs = []
    for n, proc in enumerate(procs):
        out, err = proc.communicate(json.dumps({**job, "tag": f"p{n}"}), timeout=90)
        assert proc.returncode == 0, err[-3000:]
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    return outputs


def test_two_processes_share_the_per_minute_limit(db, tmp_path):
    db.ready()
    outcomes = _run_two(db, {"job": "credentials", "count": 15},
                        {"UPVEND_LIMIT_CREDENTIALS_PER_MINUTE": "12"}, tmp_path)
    flat = outcomes[0] + outcomes[1]
    assert flat.count("ok") == 12, outcomes
    assert flat.count("limit_requests_per_minute") == 18
    assert usage_of(db, user_subject("o-shared"), REQUESTS_PER_MINUTE.code, _minute_start()) == 12


def test_two_processes_share_the_byte_quota(db, tmp_path):
    db.ready()
    outcomes = _run_two(db, {"job": "credentials", "count": 10, "size": 1000},
                        {"UPVEND_LIMIT_BYTES_PER_DAY": "7000"}, tmp_path)
    flat = outcomes[0] + outcomes[1]
    assert flat.count("ok") == 7 and flat.count("limit_bytes_per_day") == 13, outcomes


def test_two_processes_share_the_open_reservation_cap(db, tmp_path):
    db.ready()
    outcomes = _run_two(db, {"job": "reservations", "count": 8}, {"UPVEND_LIMIT_OPEN_UPLOADS": "5"}, tmp_path)
    flat = outcomes[0] + outcomes[1]
    assert flat.count("ok") == 5 and flat.count("limit_open_uploads") == 11, outcomes
    rows = db.query("SELECT COUNT(*) AS n FROM {media} WHERE owner = 'o-shared' AND status = 'uploading'")
    assert int(rows[0]["n"]) == 5


def test_two_processes_never_both_accept_one_login_code(db, tmp_path):
    db.ready()
    outcomes = _run_two(db, {"job": "logins", "count": 20, "codes": 20},
                        {"UPVEND_LOGIN_CODE_REPLAY_SECONDS": "300", "UPVEND_LIMIT_LOGINS_PER_IP_PER_MINUTE": "0"},
                        tmp_path)
    for i in range(20):
        assert sorted([outcomes[0][i], outcomes[1][i]]) == ["login_code_replayed", "ok"], (i, outcomes)


def test_the_expiry_sweep_purges_ended_windows(db, monkeypatch):
    from upvend.media_expiry import sweep

    monkeypatch.setenv("UPVEND_LOGIN_CODE_REPLAY_SECONDS", "60")
    login_allowed("203.0.113.9", "code-old", db=db, now=time.time() - 3600)
    login_allowed("203.0.113.9", "code-new", db=db)
    summary = sweep(MediaRepository(db))
    assert summary["purgedCounters"] == 2 and summary["failed"] == 0
    with pytest.raises(LoginCodeReplayed):  # the live window stays
        login_allowed("203.0.113.9", "code-new", db=db)

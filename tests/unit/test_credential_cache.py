"""The warm instance's credential cache: shared issues per key, and nothing kept for issues that failed."""

from __future__ import annotations

import threading
import time

import pytest

from upvend.credential_cache import CredentialCache, Issued
from upvend.errors import UpstreamError


def failing_issue() -> Issued:
    raise UpstreamError("STS refused.", code="upstream_error")


def test_failed_issues_leave_no_lock_behind():
    """Each failed issue (a different user each time) used to leave its lock in the table for good."""
    cache = CredentialCache()
    for user in range(20_000):
        with pytest.raises(UpstreamError):
            cache.get_or_issue((f"user-{user}", "scope"), failing_issue)
    assert len(cache._locks) == 0
    assert cache.in_flight() == 0


def test_successful_issues_keep_the_credential_but_not_the_lock():
    cache = CredentialCache(clock=lambda: 1000.0)
    issued = cache.get_or_issue("k", lambda: Issued("cred", 1000.0, 4600.0))
    assert issued.value == "cred"
    assert cache.in_flight() == 0
    assert cache.get_or_issue("k", failing_issue).value == "cred"  # still fresh: no second issue


def test_concurrent_callers_of_one_key_share_one_issue_even_after_a_failure():
    cache = CredentialCache(clock=lambda: 1000.0)
    calls: list[int] = []
    gate = threading.Event()

    def slow_issue() -> Issued:
        calls.append(1)
        gate.wait(5)
        if len(calls) == 1:
            raise UpstreamError("STS refused.", code="upstream_error")
        return Issued("cred", 1000.0, 4600.0)

    results: list[object] = []

    def call() -> None:
        try:
            results.append(cache.get_or_issue("k", slow_issue).value)
        except UpstreamError as exc:
            results.append(exc.code)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 5
    while cache.in_flight() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert cache.in_flight() == 1  # eight callers, one key, one lock
    gate.set()
    for t in threads:
        t.join(5)
    # The first issue failed for the caller that made it; the next waiter issued once and the rest reused it.
    assert len(calls) == 2
    assert sorted(map(str, results)) == ["cred"] * 7 + ["upstream_error"]
    assert cache.in_flight() == 0

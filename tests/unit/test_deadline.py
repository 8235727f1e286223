"""One deadline per invocation: from the platform context where it says how long, else the setting."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from upvend import deadline
from upvend.invocation import invocation


class LambdaStyle:
    def get_remaining_time_in_millis(self) -> int:
        return 2500


@pytest.mark.parametrize("context, seconds", [
    (LambdaStyle(), 2.5),
    ({"request_id": "r", "time_limit_in_ms": 3000}, 3.0),  # SCF's Python context is a dict
    (SimpleNamespace(request_id="r", function=SimpleNamespace(name="f", timeout=2)), 2.0),  # FC
    ({"request_id": "r"}, None),
    (None, None),
    (SimpleNamespace(function=SimpleNamespace(timeout=True)), None),
])
def test_platform_remaining_time(context, seconds):
    assert deadline.platform_remaining(context) == seconds


def test_the_smaller_of_setting_and_platform_wins(monkeypatch):
    monkeypatch.setenv("UPVEND_DATABASE_DEADLINE_SECONDS", "4")
    assert deadline.for_invocation({"time_limit_in_ms": 60_000}).seconds == pytest.approx(4, abs=0.01)
    short = deadline.for_invocation({"time_limit_in_ms": 2000}).seconds
    assert short == pytest.approx(2 - deadline.ANSWER_MARGIN_SECONDS, abs=0.01)
    assert deadline.for_invocation(None).seconds == pytest.approx(4, abs=0.01)


def test_triggers_get_the_platform_time_unless_the_setting_is_lower(monkeypatch):
    monkeypatch.delenv("UPVEND_DATABASE_DEADLINE_SECONDS", raising=False)
    assert deadline.for_invocation({"time_limit_in_ms": 60_000}, kind="event").seconds == pytest.approx(59.5, abs=0.01)
    assert deadline.for_invocation({"time_limit_in_ms": 60_000}).seconds == pytest.approx(4, abs=0.01)  # http
    assert deadline.for_invocation(None, kind="event").seconds == deadline.EVENT_FALLBACK_SECONDS
    monkeypatch.setenv("UPVEND_DATABASE_DEADLINE_SECONDS", "20")
    assert deadline.for_invocation({"time_limit_in_ms": 60_000}, kind="event").seconds == pytest.approx(20, abs=0.01)


def test_an_invocation_binds_one_deadline_for_all_its_database_work(monkeypatch):
    monkeypatch.setenv("UPVEND_DATABASE_DEADLINE_SECONDS", "3")
    outside = deadline.current()
    assert outside is not deadline.current()  # outside an invocation: a fresh budget per operation
    with invocation(b"{}", {"request_id": "r1", "time_limit_in_ms": 1500}, "fn"):
        first, second = deadline.current(), deadline.current()
        assert first is second and first.seconds == pytest.approx(1.0, abs=0.01)
    assert deadline.current() is not first

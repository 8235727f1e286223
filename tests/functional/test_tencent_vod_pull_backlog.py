"""Issue 17, finding 3: a backlog of Tencent VOD events, pulled by the timer function through the emulator.

400 one-byte uploads made 400 events; one run took 20 batches of 16 (320) and
the rest waited a minute behind them. A run now pulls until VOD hands out
nothing, within its time budget, and logs what it leaves when the budget ends.
"""

from __future__ import annotations

import uuid

import pytest

from devtools.emulator.notices.tencent_vod import new_file_upload
from devtools.emulator.tencent.account import DEV_ACCOUNT
from tests.functional.notices_support import switch  # noqa: F401 (fixture)
from tests.functional.test_notices_tencent_e2e import pull

BACKLOG = 400


def queued(emulator) -> int:
    return len(emulator.get("/_emulator/notices/tencent-vod/events").json()["events"])


@pytest.fixture
def backlog(stack, emulator, gateway, switch):
    """An empty queue (earlier tests' events drained), then BACKLOG upload events waiting for PullEvents."""
    switch(tencentVodPush=False, pullRedeliverySeconds=60)
    for _ in range(5):
        if queued(emulator) == 0:
            break
        assert pull(gateway).status_code == 200
    assert queued(emulator) == 0
    queue = stack.emulator.service("tencent-vod-events").queue
    owner = f"o-pull{uuid.uuid4().hex[:8]}"
    for n in range(BACKLOG):
        file_id = f"5285890{uuid.uuid4().int % 10**12:012d}"
        queue.put(DEV_ACCOUNT.vod_sub_app_id, new_file_upload({"fileId": file_id, "mediaName": f"clip {n}", "mediaType": "mp4",
                                      "sourceContext": owner}, 1, ""))
    return BACKLOG


def test_one_run_drains_the_whole_backlog(gateway, emulator, backlog):
    answer = pull(gateway)
    assert answer.status_code == 200, answer.text
    summary = answer.json()
    assert (summary["pulled"], summary["confirmed"], summary["batches"]) == (backlog, backlog, backlog // 16)
    assert summary["drained"] is True and summary["backlog"] is None
    assert queued(emulator) == 0


def test_a_run_out_of_budget_logs_how_many_events_wait(gateway, emulator, backlog, monkeypatch, caplog):
    # A budget below one PullEvents timeout plus the margin: the run makes its one call and stops.
    monkeypatch.setenv("UPVEND_TENCENT_VOD_PULL_TIMEOUT_SECONDS", "6")
    monkeypatch.setenv("UPVEND_DATABASE_DEADLINE_SECONDS", "6.5")
    with caplog.at_level("WARNING", logger="upvend.tencent_vod_pull"):
        summary = pull(gateway).json()
    assert (summary["status"], summary["pulled"], summary["confirmed"]) == ("ok", 16, 16)
    assert (summary["drained"], summary["backlog"]) == (False, backlog - 16)
    [line] = [r for r in caplog.records if r.getMessage().startswith("time budget spent")]
    assert line.backlog == backlog - 16
    assert queued(emulator) == backlog - 16
    monkeypatch.delenv("UPVEND_DATABASE_DEADLINE_SECONDS")
    assert pull(gateway).json()["pulled"] == backlog - 16

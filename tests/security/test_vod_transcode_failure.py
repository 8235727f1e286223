"""Finding 6: a task flow whose transcode failed is `failed`, not `ready` (the flow's ErrCode is deprecated).

The emulator finishes the flow with ErrCode 0 and a Transcode task that says
Status FAIL / ErrCodeExt SourceFileError.ContentMalformed, as VOD reports it
now; the old mapping read only the flow's ErrCode and marked the video ready.
"""

from __future__ import annotations

import pytest

from tests.functional.notices_support import my_media, switch, wait_for_media, wait_idle  # noqa: F401 (fixture)
from tests.functional.tencent_support import fresh_user
from tests.functional.test_notices_tencent_e2e import pull, ugc_upload


@pytest.fixture
def task_flow(monkeypatch):
    monkeypatch.setenv("UPVEND_TENCENT_VOD_PROCEDURE", "upvend-transcode")


def _assert_failed(row: dict) -> None:
    assert row["status"] == "failed"
    assert [t["errCodeExt"] for t in row["extra"]["failedTasks"]] == ["SourceFileError.ContentMalformed"]
    assert "transcodes" not in row["extra"]


def test_failed_transcode_pushed_is_failed(gateway, emulator, login, stack, switch, task_flow):
    switch(tencentVodTranscodeFails=True)
    token = login(fresh_user())
    upload = ugc_upload(gateway, stack, token)
    wait_idle(emulator)
    _assert_failed(wait_for_media(gateway, token, upload["fileId"], status="failed", timeout=5))


def test_failed_transcode_pulled_is_failed(gateway, emulator, login, stack, switch, task_flow):
    switch(tencentVodTranscodeFails=True, tencentVodPush=False)
    token = login(fresh_user())
    upload = ugc_upload(gateway, stack, token)
    wait_idle(emulator)
    assert pull(gateway).json()["status"] == "ok"
    _assert_failed(wait_for_media(gateway, token, upload["fileId"], status="failed", timeout=5))

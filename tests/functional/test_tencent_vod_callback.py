"""POST /tencent/vod/callback/{token} through the local gateway (SCF function URL events); each file is
read back from the emulated VOD (DescribeMediaInfos), so the events name files it really has."""

from __future__ import annotations

import copy

import pytest

from devtools.local_env import DEV_TENCENT_VOD_CALLBACK_TOKEN
from tests.functional.media_rows import UNAVAILABLE_DATABASES, repo, unique
from tests.functional.notices_support import switch  # noqa: F401 (fixture)
from tests.functional.tencent_support import fresh_user
from tests.functional.test_notices_tencent_e2e import VIDEO, ugc_upload
from tests.unit.test_tencent_vod_notices import NEW_FILE, PROCEDURE

PATH = f"/tencent/vod/callback/{DEV_TENCENT_VOD_CALLBACK_TOKEN}"


def new_file(file_id: str, owner: str = "o-alice", task: str = "") -> dict:
    event = copy.deepcopy(NEW_FILE)
    event["FileUploadEvent"].update(FileId=file_id, ProcedureTaskId=task)
    event["FileUploadEvent"]["MediaBasicInfo"]["SourceInfo"]["SourceContext"] = owner
    return event


def procedure(file_id: str, status: str = "FINISH") -> dict:
    event = copy.deepcopy(PROCEDURE)
    event["ProcedureStateChangeEvent"].update(FileId=file_id, Status=status, TaskId=f"task-{file_id}")
    return event


@pytest.fixture
def uploaded(gateway, stack, login, switch):
    """A file the emulated VOD really has (a vod-wx-sdk-v2 style upload by a fresh user), its own pushes held:
    the tests post the events. Returns (file id, owner, the upload's answer)."""
    switch(tencentVodPush=False)
    name = fresh_user()
    upload = ugc_upload(gateway, stack, login(name))
    return upload["fileId"], f"o-{name}", upload


def test_new_file_upload_records_vods_answer(gateway, uploaded):
    file_id, owner, upload = uploaded
    response = gateway.post(PATH, json=new_file(file_id, owner=owner))
    assert response.status_code == 200
    assert response.json() == {"code": 0, "status": "recorded"}
    row = repo().get("tencent", file_id)
    # DescribeMediaInfos' values, not the body's (动物世界, 2048 bytes, ap-guangzhou-2).
    assert (row.status, row.owner, row.title, row.size, row.region, row.media_url) == (
        "ready", owner, "river walk", len(VIDEO), upload["region"], upload["video"]["url"])


def test_a_body_naming_another_owner_is_not_recorded(gateway, uploaded):
    file_id, _, _ = uploaded
    response = gateway.post(PATH, json=new_file(file_id, owner="o-mallory"))
    assert response.json() == {"code": 0, "status": "ignored"}
    assert repo().get("tencent", file_id) is None


def test_procedure_before_upload_ends_ready_with_upload_fields(gateway, uploaded):
    file_id, owner, _ = uploaded
    assert gateway.post(PATH, json=procedure(file_id)).status_code == 200
    assert gateway.post(PATH, json=procedure(file_id, status="PROCESSING")).status_code == 200
    assert gateway.post(PATH, json=new_file(file_id, owner=owner, task="t-1")).status_code == 200
    row = repo().get("tencent", file_id)
    assert (row.status, row.owner, row.title) == ("ready", owner, "river walk")
    # The body's transcode URL is not VOD's: only DescribeMediaInfos' TranscodeSet is recorded.
    assert "https://x.vod2.myqcloud.com/v.f20.mp4" not in str(row.extra)


def test_duplicates_and_deletion(gateway, stack, uploaded):
    file_id, owner, _ = uploaded
    assert gateway.post(PATH, json=new_file(file_id, owner=owner)).json()["status"] == "recorded"
    assert gateway.post(PATH, json=new_file(file_id, owner=owner)).json()["status"] == "duplicate"
    assert repo().event_count(f"tencent-vod:NewFileUpload:{file_id}") == 1
    deleted = {"EventType": "FileDeleted", "FileDeleteEvent": {"FileIdSet": [file_id]}}
    # VOD still has the file: a deletion event for it is not believed.
    assert gateway.post(PATH, json=deleted).json()["status"] == "ignored"
    assert repo().get("tencent", file_id).status == "ready"
    stack.emulator.tencent.vod_media.pop(file_id)  # the file deleted in VOD (the emulator has no DeleteMedia)
    assert gateway.post(PATH, json=deleted).json()["status"] == "recorded"
    assert gateway.post(PATH, json=procedure(file_id)).status_code == 200  # late, older news
    assert repo().get("tencent", file_id).status == "deleted"


@pytest.mark.parametrize("token", ["wrong-token-wrong-token-wrong-token", DEV_TENCENT_VOD_CALLBACK_TOKEN[:-1],
                                   DEV_TENCENT_VOD_CALLBACK_TOKEN + "0", "x"])
def test_wrong_path_token_is_404_with_no_row(gateway, token):
    file_id = unique("")
    response = gateway.post(f"/tencent/vod/callback/{token}", json=new_file(file_id))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert DEV_TENCENT_VOD_CALLBACK_TOKEN not in response.text
    assert repo().get("tencent", file_id) is None


def test_unknown_events_are_acknowledged_and_bad_bodies_are_400(gateway):
    response = gateway.post(PATH, json={"EventType": "PullComplete", "PullCompleteEvent": {}})
    assert response.json() == {"code": 0, "status": "ignored"}
    assert gateway.post(PATH, content=b"nope", headers={"Content-Type": "application/json"}).status_code == 400
    bad = gateway.post(PATH, json={"EventType": "NewFileUpload", "FileUploadEvent": {"FileId": ""}})
    assert bad.status_code == 400


@pytest.mark.parametrize("database_url", UNAVAILABLE_DATABASES)
def test_unavailable_database_answers_503(gateway, monkeypatch, uploaded, database_url):
    file_id, owner, _ = uploaded
    monkeypatch.setenv("UPVEND_DATABASE_URL", database_url())
    response = gateway.post(PATH, json=new_file(file_id, owner=owner))
    assert response.status_code == 503

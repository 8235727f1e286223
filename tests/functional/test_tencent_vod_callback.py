"""POST /tencent/vod/callback/{token} through the local gateway (SCF function URL events)."""

from __future__ import annotations

import copy

import pytest

from devtools.local_env import DEV_TENCENT_VOD_CALLBACK_TOKEN
from tests.functional.media_rows import UNAVAILABLE_DATABASES, repo, unique
from tests.unit.test_tencent_vod_notices import NEW_FILE, PROCEDURE
from upvend.storage.media import MediaRecord

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


def test_new_file_upload_completes_the_uploading_row(gateway):
    file_id = unique("")
    repo().create_uploading(MediaRecord(provider="tencent", media_id=file_id, kind="video", status="uploading",
                                        owner="o-alice"))
    response = gateway.post(PATH, json=new_file(file_id, owner="o-mallory"))
    assert response.status_code == 200
    assert response.json() == {"code": 0, "status": "recorded"}
    row = repo().get("tencent", file_id)
    assert (row.status, row.owner, row.title, row.size, row.region) == (
        "ready", "o-alice", "动物世界", 2048, "ap-guangzhou-2")


def test_procedure_before_upload_ends_ready_with_upload_fields(gateway):
    file_id = unique("")
    assert gateway.post(PATH, json=procedure(file_id)).status_code == 200
    assert gateway.post(PATH, json=procedure(file_id, status="PROCESSING")).status_code == 200
    assert gateway.post(PATH, json=new_file(file_id, task="t-1")).status_code == 200
    row = repo().get("tencent", file_id)
    assert (row.status, row.owner, row.title) == ("ready", "o-alice", "动物世界")
    assert row.extra["transcodes"] == {"20": "https://x.vod2.myqcloud.com/v.f20.mp4"}


def test_duplicates_and_deletion(gateway):
    file_id = unique("")
    assert gateway.post(PATH, json=new_file(file_id)).json()["status"] == "recorded"
    assert gateway.post(PATH, json=new_file(file_id)).json()["status"] == "duplicate"
    assert repo().event_count(f"tencent-vod:NewFileUpload:{file_id}") == 1
    deleted = {"EventType": "FileDeleted", "FileDeleteEvent": {"FileIdSet": [file_id]}}
    assert gateway.post(PATH, json=deleted).status_code == 200
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
def test_unavailable_database_answers_503(gateway, monkeypatch, database_url):
    monkeypatch.setenv("UPVEND_DATABASE_URL", database_url())
    response = gateway.post(PATH, json=new_file(unique("")))
    assert response.status_code == 503

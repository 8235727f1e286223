"""POST /aliyun/vod/callback through the local gateway: signed notices make exact rows, others none."""

from __future__ import annotations

import json
import time

import pytest

from tests.functional.media_rows import UNAVAILABLE_DATABASES, repo, unique, vod_headers
from upvend.storage.media import MediaRecord

PATH = "/aliyun/vod/callback"


@pytest.fixture
def url(stack) -> str:
    return stack.settings["UPVEND_ALIYUN_VOD_CALLBACK_URL"]


def upload_event(video_id: str, owner: str = "o-alice", **more) -> dict:
    return {"Status": "success", "EventTime": "2024-05-01T08:00:00Z", "EventType": "FileUploadComplete",
            "VideoId": video_id, "Size": 1439213, "FileUrl": f"https://outin.example/{video_id}.mp4",
            "Extend": json.dumps({"uid": owner}), **more}


def transcode_event(video_id: str) -> dict:
    return {"Status": "success", "EventTime": "2024-05-01T08:01:00Z", "EventType": "TranscodeComplete",
            "VideoId": video_id, "Extend": json.dumps({"uid": "o-alice"}),
            "StreamInfos": [{"Status": "success", "Definition": "LD", "Format": "m3u8",
                             "FileUrl": f"https://cdn.example/{video_id}-ld.m3u8", "JobId": "j1"}]}


def post(gateway, url: str, event: dict, **header_args):
    return gateway.post(PATH, content=json.dumps(event), headers={"Content-Type": "application/json",
                                                                  **vod_headers(url, **header_args)})


def test_upload_complete_completes_the_uploading_row(gateway, url):
    video_id = unique("v")
    repo().create_uploading(MediaRecord(provider="aliyun", media_id=video_id, kind="video", status="uploading",
                                        owner="o-alice", title="cat.mp4"))
    response = post(gateway, url, upload_event(video_id))
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "recorded"}
    row = repo().get("aliyun", video_id)
    assert (row.owner, row.status, row.title, row.size, row.media_url) == (
        "o-alice", "uploaded", "cat.mp4", 1439213, f"https://outin.example/{video_id}.mp4")


def test_transcode_before_upload_still_ends_ready_with_upload_fields(gateway, url):
    video_id = unique("v")
    assert post(gateway, url, transcode_event(video_id)).status_code == 200
    assert repo().get("aliyun", video_id).status == "ready"
    assert post(gateway, url, upload_event(video_id)).status_code == 200
    row = repo().get("aliyun", video_id)
    assert (row.status, row.size, row.media_url, row.owner) == (
        "ready", 1439213, f"https://outin.example/{video_id}.mp4", "o-alice")
    assert row.extra["streams"]["m3u8:LD"]["url"] == f"https://cdn.example/{video_id}-ld.m3u8"


def test_redelivery_changes_nothing(gateway, url):
    video_id = unique("v")
    assert post(gateway, url, upload_event(video_id)).json() == {"status": "recorded"}
    first = repo().get("aliyun", video_id)
    for _ in range(2):
        again = post(gateway, url, upload_event(video_id, Size=1))
        assert again.status_code == 200
        assert again.json() == {"status": "duplicate"}
    assert repo().get("aliyun", video_id) == first
    assert repo().event_count(f"aliyun-vod:FileUploadComplete:{video_id}:2024-05-01T08:00:00Z") == 1


def test_image_snapshot_and_attached_media(gateway, url):
    image_id, video_id, attached_id = unique("i"), unique("v"), unique("a")
    assert post(gateway, url, {"Status": "success", "EventType": "ImageUploadComplete", "ImageId": image_id,
                               "Size": 10, "FileURL": "https://outin.example/i.jpg",
                               "Extend": "{\"uid\":\"o-alice\"}"}).status_code == 200
    assert post(gateway, url, {"EventType": "SnapshotComplete", "VideoId": video_id, "Status": "success",
                               "CoverUrl": "https://cdn.example/c.jpg"}).status_code == 200
    assert post(gateway, url, {"EventType": "AttachedMediaUploadComplete", "Status": "success",
                               "AttachedMediaId": attached_id, "Size": 3,
                               "FileURL": "https://vod.example/a.png"}).status_code == 200
    image = repo().get("aliyun", image_id)
    assert (image.kind, image.status, image.media_url, image.owner) == (
        "image", "ready", "https://outin.example/i.jpg", "o-alice")
    assert repo().get("aliyun", video_id).cover_url == "https://cdn.example/c.jpg"
    assert repo().get("aliyun", attached_id).kind == "file"


def test_other_event_types_are_acknowledged_and_not_recorded(gateway, url):
    video_id = unique("v")
    response = post(gateway, url, {"EventType": "DeleteMediaComplete", "VideoId": video_id, "Status": "success"})
    assert (response.status_code, response.json()) == (200, {"status": "ignored"})
    assert repo().get("aliyun", video_id) is None
    # Counted for this video only: the emulator may be delivering other tests' notices meanwhile.
    assert repo().db.query("SELECT COUNT(*) AS n FROM {events} WHERE media_id = ?", (video_id,))[0]["n"] == 0


@pytest.mark.parametrize("case", ["forged", "wrong-key", "stale", "future", "unsigned", "other-url"])
def test_unverified_notices_are_rejected_without_a_row(gateway, url, case):
    video_id = unique("v")
    event = upload_event(video_id)
    headers = {"Content-Type": "application/json", **vod_headers(url)}
    if case == "forged":
        headers["X-VOD-SIGNATURE"] = "0" * 32
    elif case == "wrong-key":
        headers = {"Content-Type": "application/json", **vod_headers(url, key="AnotherKey123")}
    elif case == "stale":
        headers = {"Content-Type": "application/json", **vod_headers(url, ts=int(time.time()) - 301)}
    elif case == "future":
        headers = {"Content-Type": "application/json", **vod_headers(url, ts=int(time.time()) + 301)}
    elif case == "unsigned":
        headers = {"Content-Type": "application/json"}
    elif case == "other-url":
        headers = {"Content-Type": "application/json", **vod_headers("https://attacker.example/cb")}
    response = gateway.post(PATH, content=json.dumps(event), headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] in ("signature_invalid", "timestamp_out_of_window", "signature_missing")
    assert repo().get("aliyun", video_id) is None


def test_previous_key_is_accepted_during_rotation_and_window_is_a_setting(gateway, url, monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_VOD_CALLBACK_KEY_PREVIOUS", "OldVodKey123")
    video_id = unique("v")
    assert post(gateway, url, upload_event(video_id), key="OldVodKey123").status_code == 200
    assert repo().get("aliyun", video_id).status == "uploaded"
    monkeypatch.setenv("UPVEND_ALIYUN_VOD_CALLBACK_WINDOW_SECONDS", "10")
    late = unique("v")
    assert post(gateway, url, upload_event(late), ts=int(time.time()) - 60).status_code == 403
    assert repo().get("aliyun", late) is None


def test_signed_but_malformed_body_is_400(gateway, url):
    response = gateway.post(PATH, content=b"{not json", headers={"Content-Type": "application/json",
                                                                 **vod_headers(url)})
    assert response.status_code == 400
    response = post(gateway, url, {"EventType": "FileUploadComplete", "VideoId": "v", "Size": "big"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize("database_url", UNAVAILABLE_DATABASES)
def test_unavailable_database_answers_503_so_vod_retries(gateway, url, monkeypatch, database_url):
    monkeypatch.setenv("UPVEND_DATABASE_URL", database_url())
    response = post(gateway, url, upload_event(unique("v")))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "storage_unavailable"

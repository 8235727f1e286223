"""POST /aliyun/vod/callback through the local gateway: signed notices make exact rows from VOD's own answer
(the media is read back from the emulated VOD), others none."""

from __future__ import annotations

import json
import time

import pytest

from tests.functional.aliyun_support import IMAGE_BYTES, VIDEO_BYTES, inject_fault, vod_media
from tests.functional.media_rows import UNAVAILABLE_DATABASES, repo, unique, vod_headers
from tests.functional.notices_support import switch  # noqa: F401 (fixture)

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


@pytest.fixture
def held(switch):
    """VOD's own callbacks held: each test posts the notices itself, for media the emulated VOD really has."""
    switch(aliyunVodEvents=False)


def test_upload_complete_completes_the_uploading_row_with_vods_answer(gateway, url, stack, held):
    video_id, path = vod_media("o-alice", data=VIDEO_BYTES)
    response = post(gateway, url, upload_event(video_id))
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "recorded"}
    row = repo().get("aliyun", video_id)
    # Size and URL are VOD's (GetVideoInfo / GetPlayInfo), not the body's 1439213 and outin.example URL.
    assert (row.owner, row.status, row.title, row.size, row.media_url) == (
        "o-alice", "ready", "cat", len(VIDEO_BYTES), f"{stack.emulator_url}/{path}")
    assert row.extra["vodStatus"] == "Normal" and row.extra["streams"]["mp4:OD"]["size"] == len(VIDEO_BYTES)


def test_transcode_before_upload_still_ends_ready_with_upload_fields(gateway, url, stack, held):
    video_id, path = vod_media("o-alice", data=VIDEO_BYTES, row=False)
    assert post(gateway, url, transcode_event(video_id)).status_code == 200
    assert repo().get("aliyun", video_id).status == "ready"
    assert post(gateway, url, upload_event(video_id)).status_code == 200
    row = repo().get("aliyun", video_id)
    assert (row.status, row.size, row.media_url, row.owner) == (
        "ready", len(VIDEO_BYTES), f"{stack.emulator_url}/{path}", "o-alice")
    assert set(row.extra["streams"]) == {"mp4:OD"}  # what VOD plays, not the body's StreamInfos


def test_a_video_vod_has_no_file_for_yet_is_not_recorded(gateway, url, held):
    video_id, _ = vod_media("o-alice", data=None)
    response = post(gateway, url, upload_event(video_id))
    assert (response.status_code, response.json()) == (200, {"status": "ignored"})
    assert repo().get("aliyun", video_id).status == "uploading"


def test_a_failed_read_answers_5xx_so_vod_retries(gateway, emulator, url, held):
    video_id, _ = vod_media("o-alice", data=VIDEO_BYTES)
    inject_fault(emulator, "GetVideoInfo", code="ServiceUnavailable", status=503)
    response = post(gateway, url, upload_event(video_id))
    assert response.status_code in (502, 503) and "error" in response.json()
    assert repo().get("aliyun", video_id).status == "uploading"
    assert post(gateway, url, upload_event(video_id)).json() == {"status": "recorded"}  # VOD's retry


def test_redelivery_changes_nothing(gateway, url, held):
    video_id, _ = vod_media("o-alice", data=VIDEO_BYTES)
    assert post(gateway, url, upload_event(video_id)).json() == {"status": "recorded"}
    first = repo().get("aliyun", video_id)
    for _ in range(2):
        again = post(gateway, url, upload_event(video_id, Size=1))
        assert again.status_code == 200
        assert again.json() == {"status": "duplicate"}
    assert repo().get("aliyun", video_id) == first
    assert repo().event_count(f"aliyun-vod:FileUploadComplete:{video_id}:2024-05-01T08:00:00Z") == 1


def test_image_snapshot_and_attached_media(gateway, url, stack, held):
    image_id, image_path = vod_media("o-alice", "image", data=IMAGE_BYTES)
    video_id, video_path = vod_media("o-alice", data=VIDEO_BYTES)
    attached_id = unique("a")
    assert post(gateway, url, {"Status": "success", "EventType": "ImageUploadComplete", "ImageId": image_id,
                               "Size": 10, "FileURL": "https://outin.example/i.jpg",
                               "Extend": "{\"uid\":\"o-alice\"}"}).status_code == 200
    assert post(gateway, url, {"EventType": "SnapshotComplete", "VideoId": video_id, "Status": "success",
                               "CoverUrl": "https://cdn.example/c.jpg"}).status_code == 200
    # upvend issues no attached-media credential: no owner can be established, nothing is written.
    answer = post(gateway, url, {"EventType": "AttachedMediaUploadComplete", "Status": "success",
                                 "AttachedMediaId": attached_id, "Size": 3, "FileURL": "https://vod.example/a.png"})
    assert answer.json() == {"status": "ignored"}
    image = repo().get("aliyun", image_id)
    assert (image.kind, image.status, image.media_url, image.size, image.owner) == (
        "image", "ready", f"{stack.emulator_url}/{image_path}", len(IMAGE_BYTES), "o-alice")
    bucket = video_path.split("/", 1)[0]
    assert repo().get("aliyun", video_id).cover_url == f"{stack.emulator_url}/{bucket}/snapshot/{video_id}/cover-00001.jpg"
    assert repo().get("aliyun", attached_id) is None


def _vod_reads(emulator) -> dict[str, int]:
    calls = emulator.get("/_emulator/aliyun/calls").json()
    return {action: calls.get(action, 0) for action in ("GetVideoInfo", "GetPlayInfo")}


def test_a_snapshot_reads_the_video_once_and_keeps_its_streams(gateway, emulator, url, stack, held):
    video_id, path = vod_media("o-alice", data=VIDEO_BYTES)
    before = _vod_reads(emulator)
    assert post(gateway, url, upload_event(video_id)).json() == {"status": "recorded"}
    after_upload = _vod_reads(emulator)
    assert (after_upload["GetVideoInfo"] - before["GetVideoInfo"],
            after_upload["GetPlayInfo"] - before["GetPlayInfo"]) == (1, 1)
    snapshot = {"EventType": "SnapshotComplete", "VideoId": video_id, "Status": "success",
                "CoverUrl": "https://cdn.example/c.jpg", "EventTime": "2024-05-01T08:02:00Z"}
    assert post(gateway, url, snapshot).json() == {"status": "recorded"}
    after_snapshot = _vod_reads(emulator)
    # The cover comes from GetVideoInfo; a snapshot cannot change the streams, so no GetPlayInfo.
    assert (after_snapshot["GetVideoInfo"] - after_upload["GetVideoInfo"],
            after_snapshot["GetPlayInfo"] - after_upload["GetPlayInfo"]) == (1, 0)
    row = repo().get("aliyun", video_id)
    assert row.media_url == f"{stack.emulator_url}/{path}" and "mp4:OD" in row.extra["streams"]
    assert row.cover_url is not None and row.cover_url.startswith(stack.emulator_url)


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


def test_previous_key_is_accepted_during_rotation_and_window_is_a_setting(gateway, url, monkeypatch, held):
    monkeypatch.setenv("UPVEND_ALIYUN_VOD_CALLBACK_KEY_PREVIOUS", "OldVodKey123")
    video_id, _ = vod_media("o-alice", data=VIDEO_BYTES)
    assert post(gateway, url, upload_event(video_id), key="OldVodKey123").json() == {"status": "recorded"}
    assert repo().get("aliyun", video_id).status == "ready"
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

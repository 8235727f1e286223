"""VOD upload credentials through the gateway and the emulated VOD / OSS."""

from __future__ import annotations

import sqlite3

import oss2
import pytest

from devtools.emulator.aliyun.config import local_oss_endpoint
from tests.conftest import bearer
from tests.functional.aliyun_support import decode_blob, fresh_name, inject_fault, vod_bucket

VIDEO = {"title": "My trip", "fileName": "trip.mp4", "fileSize": 2048, "tags": ["travel", "sea"]}


@pytest.fixture(autouse=True)
def _no_faults(emulator):
    yield
    emulator.delete("/_emulator/aliyun/faults")


def _media_row(stack, media_id: str) -> sqlite3.Row | None:
    conn = sqlite3.connect(stack.database_path())
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT * FROM media WHERE provider = 'aliyun' AND media_id = ?", (media_id,)).fetchone()
    finally:
        conn.close()


def test_upload_video_answers_vod_blobs_and_records_the_owner(gateway, emulator, login, stack):
    name = fresh_name()
    response = gateway.post("/aliyun/vod/upload-video", json=VIDEO, headers=bearer(login(name)))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"videoId", "uploadAddress", "uploadAuth", "requestId", "expiresAt"}
    assert body["expiresAt"].endswith("Z") and body["requestId"]
    address = decode_blob(body["uploadAddress"])
    assert address["Endpoint"] == local_oss_endpoint(stack.emulator_url) and address["FileName"].endswith(".mp4")
    assert decode_blob(body["uploadAuth"])["AccessKeyId"].startswith("STS.")
    seen = emulator.get(f"/_emulator/aliyun/vod/{body['videoId']}").json()["params"]
    assert seen["Title"] == "My trip" and seen["FileName"] == "trip.mp4" and seen["Tags"] == "travel,sea"
    assert seen["UserData"] == '{"Extend":{"uid":"o-%s"}}' % name
    row = _media_row(stack, body["videoId"])
    assert row["owner"] == f"o-{name}" and row["status"] == "uploading" and row["kind"] == "video"
    assert row["size"] == 2048 and row["title"] == "My trip"


def test_upload_auth_lets_oss2_write_exactly_the_vod_object(gateway, login, stack):
    body = gateway.post("/aliyun/vod/upload-video", json=VIDEO, headers=bearer(login(fresh_name()))).json()
    events = []
    stack.emulator.on_upload(events.append)
    try:
        bucket, key = vod_bucket(body["uploadAddress"], body["uploadAuth"])
        assert bucket.put_object(key, b"\x00video-bytes").status == 200
        with pytest.raises(oss2.exceptions.AccessDenied):
            bucket.put_object(key + ".other.mp4", b"x")
    finally:
        stack.emulator.upload_listeners.remove(events.append)
    assert len(events) == 1
    assert events[0].service == "vod" and events[0].obj.key == key and events[0].obj.size == 12
    assert events[0].details["vod"]["mediaId"] == body["videoId"]


@pytest.mark.parametrize("payload, code", [
    ({**VIDEO, "title": "🎉 party"}, "validation_error"),
    ({**VIDEO, "title": "x" * 129}, "validation_error"),
    ({**VIDEO, "tags": ["t"] * 17}, "validation_error"),
    ({**VIDEO, "fileName": "trip.exe"}, "extension_not_allowed"),
    ({**VIDEO, "fileName": "photo.jpg"}, "extension_not_allowed"),
    ({"fileName": "trip.mp4"}, "validation_error"),
    ({"title": "t", "fileName": "trip.mp4"}, "validation_error"),  # no fileSize
    ({**VIDEO, "storageLocation": "elsewhere"}, "validation_error"),
])
def test_upload_video_validation(gateway, login, payload, code):
    response = gateway.post("/aliyun/vod/upload-video", json=payload, headers=bearer(login()))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize("path", ["/aliyun/vod/upload-video", "/aliyun/vod/upload-video/refresh",
                                  "/aliyun/vod/upload-image"])
def test_vod_routes_need_a_token(gateway, path):
    response = gateway.post(path, json=VIDEO)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_refresh_only_for_the_owner(gateway, emulator, login):
    alice, bob = login(fresh_name("a")), login(fresh_name("b"))
    video = gateway.post("/aliyun/vod/upload-video", json=VIDEO, headers=bearer(alice)).json()
    refreshed = gateway.post("/aliyun/vod/upload-video/refresh", json={"videoId": video["videoId"]},
                             headers=bearer(alice))
    assert refreshed.status_code == 200
    body = refreshed.json()
    assert body["videoId"] == video["videoId"] and body["uploadAddress"] == video["uploadAddress"]
    assert decode_blob(body["uploadAuth"])["AccessKeyId"] != decode_blob(video["uploadAuth"])["AccessKeyId"]
    stolen = gateway.post("/aliyun/vod/upload-video/refresh", json={"videoId": video["videoId"]},
                          headers=bearer(bob))
    assert stolen.status_code == 404 and stolen.json()["error"]["code"] == "video_not_found"
    assert emulator.get(f"/_emulator/aliyun/vod/{video['videoId']}").json()["refreshed"] == 1
    unknown = gateway.post("/aliyun/vod/upload-video/refresh", json={"videoId": "f" * 32}, headers=bearer(alice))
    assert unknown.status_code == 404


def test_audio_is_a_video_row_that_its_owner_can_refresh(gateway, login, stack):
    token = login(fresh_name())
    audio = gateway.post("/aliyun/vod/upload-video", json={"title": "Song", "fileName": "song.mp3", "fileSize": 4096},
                         headers=bearer(token))
    assert audio.status_code == 200, audio.text
    row = _media_row(stack, audio.json()["videoId"])
    assert row["kind"] == "video" and '"contentClass": "audio"' in row["extra"]
    refreshed = gateway.post("/aliyun/vod/upload-video/refresh", json={"videoId": audio.json()["videoId"]},
                             headers=bearer(token))
    assert refreshed.status_code == 200


def test_refresh_of_an_image_id_is_404(gateway, login):
    token = login(fresh_name())
    image = gateway.post("/aliyun/vod/upload-image", json={"imageType": "default", "fileSize": 4096}, headers=bearer(token)).json()
    response = gateway.post("/aliyun/vod/upload-video/refresh", json={"videoId": image["imageId"]},
                            headers=bearer(token))
    assert response.status_code == 404


def test_upload_image(gateway, emulator, login, stack):
    name = fresh_name()
    response = gateway.post("/aliyun/vod/upload-image", json={"imageType": "cover", "imageExt": "jpg",
                                                              "title": "Cover", "fileSize": 4096}, headers=bearer(login(name)))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"imageId", "imageUrl", "uploadAddress", "uploadAuth", "requestId", "expiresAt"}
    assert decode_blob(body["uploadAddress"])["FileName"].endswith(".jpg")
    params = emulator.get(f"/_emulator/aliyun/vod/{body['imageId']}").json()["params"]
    assert params["ImageType"] == "cover" and params["ImageExt"] == "jpg" and f"o-{name}" in params["UserData"]
    row = _media_row(stack, body["imageId"])
    assert row["kind"] == "image" and row["owner"] == f"o-{name}" and row["media_url"] == body["imageUrl"]
    bad = gateway.post("/aliyun/vod/upload-image", json={"imageType": "poster"}, headers=bearer(login(name)))
    assert bad.status_code == 400


@pytest.mark.parametrize("fault, status, code", [
    ({"code": "InvalidFileName.Extension", "status": 400}, 400, "upstream_rejected"),
    ({"code": "Throttling.User", "status": 400}, 429, "upstream_throttled"),
    ({"code": "ServiceUnavailable", "status": 503}, 503, "upstream_unavailable"),
    ({"code": "InternalError", "status": 500}, 502, "upstream_error"),
    ({"code": "Forbidden.RAM", "status": 403}, 502, "upstream_refused"),
])
def test_upstream_errors_are_mapped(gateway, emulator, login, fault, status, code):
    inject_fault(emulator, "CreateUploadVideo", **fault)
    response = gateway.post("/aliyun/vod/upload-video", json=VIDEO, headers=bearer(login()))
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code and error["details"]["aliyunCode"] == fault["code"]
    if status == 400:
        assert "InvalidFileName.Extension" in error["message"]


def test_upstream_timeout_is_502(gateway, emulator, login, monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_TIMEOUT_SECONDS", "0.5")
    inject_fault(emulator, "CreateUploadImage", delaySeconds=1.5)
    response = gateway.post("/aliyun/vod/upload-image", json={"imageType": "default", "fileSize": 4096}, headers=bearer(login()))
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "upstream_timeout"


def test_the_emulator_refuses_what_vod_refuses(stack):
    from upvend.aliyun import vod
    from upvend.aliyun.credentials import function_credentials
    from upvend.aliyun.rpc import AliyunRejected

    with pytest.raises(AliyunRejected) as exc:
        vod.create_upload_video(function_credentials(), "o-x", title="t", file_name="noextension",
                                file_size=None, description=None, tags=None, cover_url=None)
    assert exc.value.details["aliyunCode"] == "InvalidFileName.Extension"
    with pytest.raises(AliyunRejected) as exc:
        vod.create_upload_video(function_credentials(), "o-x", title="party 🎉", file_name="a.mp4",
                                file_size=None, description=None, tags=None, cover_url=None)
    assert exc.value.details["aliyunCode"] == "IllegalCharacters"

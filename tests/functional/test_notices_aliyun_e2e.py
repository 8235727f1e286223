"""End to end on Aliyun: login → credential → upload with oss2 or a form post → notice → the row in GET /media."""

from __future__ import annotations

import base64
import json

import httpx
import oss2

from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name, vod_bucket
from tests.functional.media_rows import closed_port, repo
from tests.functional.notices_support import deliveries, my_media, stored, switch, wait_for_media, wait_idle  # noqa: F401 (fixture)

VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42 emulated video"
JPEG_BYTES = b"\xff\xd8\xff\xe0 emulated jpeg"


def _events(media_id: str) -> list[str]:
    rows = repo().db.query("SELECT event_type FROM {events} WHERE media_id = ? ORDER BY event_type", (media_id,))
    return [row["event_type"] for row in rows]


def _upload_video(gateway, token: str, data: bytes = VIDEO_BYTES) -> tuple[dict, str]:
    body = {"title": "Sea trip", "fileName": "trip.mp4", "fileSize": len(data)}
    answer = gateway.post("/aliyun/vod/upload-video", json=body, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    video = answer.json()
    bucket, key = vod_bucket(video["uploadAddress"], video["uploadAuth"])
    assert bucket.put_object(key, data).status == 200
    return video, key


def test_vod_video_upload_ends_ready_with_urls_and_cover(gateway, emulator, login, stack, switch):
    token = login(fresh_name())
    video, key = _upload_video(gateway, token)
    wait_for_media(gateway, token, video["videoId"], status="ready")
    wait_idle(emulator)  # VOD's answer is ready from the first notice; the later ones still touch the row
    row = wait_for_media(gateway, token, video["videoId"], status="ready")
    file_url = f"{stack.emulator_url}/outin-upvend-local/{key}"
    assert (row["provider"], row["kind"], row["title"]) == ("aliyun", "video", "Sea trip")
    assert row["size"] == len(VIDEO_BYTES) and row["mediaUrl"] == file_url
    assert row["coverUrl"].startswith(f"{stack.emulator_url}/outin-upvend-local/snapshot/{video['videoId']}/")
    # Read back from VOD (GetVideoInfo / GetPlayInfo), not taken from the callback bodies.
    assert row["extra"]["fileName"] == "trip.mp4" and row["extra"]["vodStatus"] == "Normal"
    assert row["extra"]["streams"]["mp4:OD"]["url"] == file_url
    assert stored(gateway.get(f"/media/{row['id']}", headers=bearer(token)).json()) == stored(row)
    # The row the credential function created is the one the notices completed: one row, four events.
    assert [i["mediaId"] for i in my_media(gateway, token)] == [video["videoId"]]
    wait_idle(emulator)
    assert _events(video["videoId"]) == ["FileUploadComplete", "SnapshotComplete", "StreamTranscodeComplete",
                                         "TranscodeComplete"]
    sent = [d for d in deliveries(emulator)["sent"] if video["videoId"] in d["notice"]]
    assert len(sent) == 4 and all(d["delivered"] and d["outcome"] == "200" for d in sent)


def test_vod_image_upload_ends_ready(gateway, login, switch):
    token = login(fresh_name())
    answer = gateway.post("/aliyun/vod/upload-image", json={"imageType": "default", "imageExt": "jpg", "fileSize": 1048576},
                          headers=bearer(token))
    assert answer.status_code == 200, answer.text
    image = answer.json()
    bucket, key = vod_bucket(image["uploadAddress"], image["uploadAuth"])
    bucket.put_object(key, JPEG_BYTES)
    row = wait_for_media(gateway, token, image["imageId"], status="ready")
    assert row["kind"] == "image" and row["size"] == len(JPEG_BYTES) and row["mediaUrl"] == image["imageUrl"]


def test_duplicated_and_reversed_vod_events_leave_the_exact_row(gateway, emulator, login, stack, switch):
    switch(duplicates=2, reverse=True)
    token = login(fresh_name())
    video, key = _upload_video(gateway, token)
    wait_idle(emulator)
    row = wait_for_media(gateway, token, video["videoId"], status="ready", timeout=1)
    assert row["size"] == len(VIDEO_BYTES) and row["mediaUrl"] == f"{stack.emulator_url}/outin-upvend-local/{key}"
    assert row["coverUrl"] and row["title"] == "Sea trip"
    sent = [d["notice"] for d in deliveries(emulator)["sent"] if video["videoId"] in d["notice"]]
    assert len(sent) == 12 and sent[0].startswith("aliyun-vod TranscodeComplete")
    assert sent[-1].startswith("aliyun-vod FileUploadComplete")
    assert len(_events(video["videoId"])) == 4


def test_post_object_form_gets_the_callback_answer_and_the_row(gateway, emulator, login, stack, switch):
    name = fresh_name()
    token = login(name)
    policy = gateway.post("/aliyun/oss/post-policy", json={"fileName": "cat.jpg", "contentType": "image/jpeg", "size": 1048576},
                          headers=bearer(token)).json()
    spec = json.loads(base64.b64decode(policy["formData"]["callback"]))
    assert spec["callbackUrl"] == f"{stack.gateway_url}/aliyun/oss/callback"
    uploaded = httpx.post(policy["host"], data=policy["formData"], files={"file": ("cat.jpg", JPEG_BYTES, "image/jpeg")},
                          timeout=15)
    # OSS hands the callback's JSON answer to the uploader: an acknowledgement, not the row.
    assert uploaded.status_code == 200, uploaded.text
    ack = uploaded.json()
    media_id = f"upvend-dev/{policy['key']}"
    assert ack["status"] == "recorded" and set(ack) == {"status", "id"}
    record = wait_for_media(gateway, token, media_id, status="ready")
    assert (record["id"], record["kind"]) == (ack["id"], "image")
    assert record["size"] == len(JPEG_BYTES) and record["mimeType"] == "image/jpeg"
    assert record["etag"] == uploaded.headers["ETag"].strip('"').upper()
    listed = wait_for_media(gateway, token, media_id, status="ready")
    assert listed["id"] == record["id"] and listed["objectKey"] == policy["key"] and listed["bucket"] == "upvend-dev"
    # The OSS trigger reports the same object: still one row, now with two events.
    wait_idle(emulator)
    assert [i["mediaId"] for i in my_media(gateway, token)] == [media_id]
    assert _events(media_id) == ["ObjectCreated:PostObject", "OssCallback"]


def test_failed_callback_gives_the_uploader_203_and_keeps_the_object(gateway, login, stack, monkeypatch, switch):
    token = login(fresh_name())
    for url in (f"http://127.0.0.1:{closed_port()}/aliyun/oss/callback", f"{stack.gateway_url}/no/such/callback"):
        monkeypatch.setenv("UPVEND_ALIYUN_OSS_CALLBACK_URL", url)
        policy = gateway.post("/aliyun/oss/post-policy", json={"fileName": "a.png", "contentType": "image/png", "size": 1048576},
                              headers=bearer(token)).json()
        uploaded = httpx.post(policy["host"], data=policy["formData"],
                              files={"file": ("a.png", b"\x89PNG data", "image/png")}, timeout=15)
        assert uploaded.status_code == 203 and "<Code>CallbackFailed</Code>" in uploaded.text
        assert stack.emulator.store.get("upvend-dev", policy["key"]) is not None
        # The trigger still records the stored object.
        wait_for_media(gateway, token, f"upvend-dev/{policy['key']}", status="ready")


def test_sts_put_object_is_recorded_by_the_oss_trigger(gateway, emulator, login, switch):
    name = fresh_name()
    token = login(name)
    creds = gateway.post("/aliyun/sts", json={}, headers=bearer(token)).json()
    bucket = oss2.Bucket(oss2.StsAuth(creds["accessKeyId"], creds["accessKeySecret"], creds["securityToken"]),
                         creds["endpoint"], creds["bucket"])
    key = creds["prefix"] + "2024/05/clip.mp4"
    result = bucket.put_object(key, VIDEO_BYTES, headers={"Content-Type": "video/mp4"})
    row = wait_for_media(gateway, token, f"{creds['bucket']}/{key}", status="ready")
    assert (row["kind"], row["size"], row["objectKey"]) == ("video", len(VIDEO_BYTES), key)
    assert row["etag"] == result.etag.upper() and row["region"] == creds["region"]
    wait_idle(emulator)
    assert _events(f"{creds['bucket']}/{key}") == ["ObjectCreated:PutObject"]


def test_put_object_with_its_own_callback_is_refused_and_recorded_by_the_trigger(gateway, emulator, login, stack,
                                                                                   switch):
    token = login(fresh_name())
    creds = gateway.post("/aliyun/sts", json={}, headers=bearer(token)).json()
    bucket = oss2.Bucket(oss2.StsAuth(creds["accessKeyId"], creds["accessKeySecret"], creds["securityToken"]),
                         creds["endpoint"], creds["bucket"])
    key = creds["prefix"] + "notes/photo.jpg"
    spec = {"callbackUrl": f"{stack.gateway_url}/aliyun/oss/callback", "callbackBodyType": "application/json",
            "callbackBody": '{"bucket":"${bucket}","object":"${object}","etag":"${etag}","size":${size},'
                            '"mimeType":"${mimeType}","note":"${x:note}"}'}
    headers = {"Content-Type": "image/jpeg",
               "x-oss-callback": base64.b64encode(json.dumps(spec).encode()).decode(),
               "x-oss-callback-var": base64.b64encode(json.dumps({"x:note": 'say "hi"'}).encode()).decode()}
    # Nobody pinned this callback: refused, so OSS answers the uploader 203 CallbackFailed.
    result = bucket.put_object(key, JPEG_BYTES, headers=headers)
    assert result.status == 203
    # The object is stored all the same, and the OSS trigger records it.
    row = wait_for_media(gateway, token, f"{creds['bucket']}/{key}", status="ready")
    assert row["size"] == len(JPEG_BYTES)
    wait_idle(emulator)
    assert _events(f"{creds['bucket']}/{key}") == ["ObjectCreated:PutObject"]

"""DELETE /media/{id}: the owner's object or VOD media is removed through the cloud's API, the row says `deleted`.

Through the local stack, per kind of row: upload as a client would, wait for the ready row, delete it, then
check the emulator no longer holds the content (and its API was called), that repeating the delete is harmless,
that another user's id is 404, and that a notice arriving after the delete does not bring the row back.
"""

from __future__ import annotations

import httpx

from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name
from tests.functional.media_rows import repo
from tests.functional.notices_support import my_media, switch, wait_for_media, wait_idle  # noqa: F401 (fixture)
from tests.functional.tencent_support import counts, fresh_user, sts_put
from tests.functional.test_notices_aliyun_e2e import JPEG_BYTES, _upload_video
from tests.functional.test_notices_tencent_e2e import ugc_upload
from upvend.media_api import public_id
from upvend.storage.notices import MediaNotice


def _aliyun_calls(emulator: httpx.Client) -> dict[str, int]:
    return emulator.get("/_emulator/aliyun/calls").json()


def _delete(gateway: httpx.Client, token: str, row: dict) -> httpx.Response:
    return gateway.delete(f"/media/{row['id']}", headers=bearer(token))


def _deleted_twice(gateway: httpx.Client, token: str, row: dict) -> dict:
    first = _delete(gateway, token, row)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "deleted" and first.json()["id"] == row["id"]
    again = _delete(gateway, token, row)
    assert again.status_code == 200 and again.json()["status"] == "deleted"
    assert row["mediaId"] not in [item["mediaId"] for item in my_media(gateway, token)]
    assert [item["mediaId"] for item in my_media(gateway, token, status="deleted")] == [row["mediaId"]]
    return first.json()


def test_oss_form_upload_is_deleted_from_the_bucket(gateway, emulator, login, stack, switch):
    token = login(fresh_name())
    form = gateway.post("/aliyun/oss/post-policy", json={"fileName": "cat.jpg", "size": 1048576}, headers=bearer(token)).json()
    assert httpx.post(form["host"], data=form["formData"], files={"file": ("cat.jpg", JPEG_BYTES, "image/jpeg")},
                      timeout=15).status_code == 200
    row = wait_for_media(gateway, token, f"upvend-dev/{form['key']}", status="ready")
    assert stack.emulator.store.get("upvend-dev", form["key"]) is not None
    before = _aliyun_calls(emulator).get("oss:DeleteObject", 0)
    _deleted_twice(gateway, token, row)
    assert stack.emulator.store.get("upvend-dev", form["key"]) is None
    assert _aliyun_calls(emulator)["oss:DeleteObject"] == before + 2


def test_cos_upload_is_deleted_from_the_bucket(gateway, emulator, login, stack, switch):
    token = login(fresh_user())
    bucket, key = sts_put(gateway, stack.emulator_url, token, "dog.jpg", JPEG_BYTES, "image/jpeg")
    row = wait_for_media(gateway, token, f"{bucket}/{key}", status="ready")
    before = counts(emulator).get("cos:DeleteObject", 0)
    _deleted_twice(gateway, token, row)
    assert stack.emulator.store.get(bucket, key) is None
    assert counts(emulator)["cos:DeleteObject"] == before + 2


def test_aliyun_vod_video_is_deleted_with_delete_video(gateway, emulator, login, stack, switch):
    token = login(fresh_name())
    video, key = _upload_video(gateway, token)
    row = wait_for_media(gateway, token, video["videoId"], status="ready")
    wait_idle(emulator)  # VOD's later events for this video are in: only the deletes below count
    before = _aliyun_calls(emulator).get("DeleteVideo", 0)
    _deleted_twice(gateway, token, row)
    assert _aliyun_calls(emulator)["DeleteVideo"] == before + 2
    assert emulator.get(f"/_emulator/aliyun/vod/{video['videoId']}").status_code == 404
    assert stack.emulator.store.get("upvend-vod-dev", key) is None


def test_aliyun_vod_image_reservation_is_deleted_with_delete_image(gateway, emulator, login, stack):
    token = login(fresh_name())
    image = gateway.post("/aliyun/vod/upload-image", json={"imageType": "default", "imageExt": "jpg", "fileSize": 1048576},
                         headers=bearer(token)).json()
    [row] = [item for item in my_media(gateway, token) if item["mediaId"] == image["imageId"]]
    assert row["status"] == "uploading"
    before = _aliyun_calls(emulator).get("DeleteImage", 0)
    _deleted_twice(gateway, token, row)
    assert _aliyun_calls(emulator)["DeleteImage"] == before + 2
    assert emulator.get(f"/_emulator/aliyun/vod/{image['imageId']}").status_code == 404


def test_tencent_vod_media_is_deleted_with_delete_media(gateway, emulator, login, stack, switch):
    token = login(fresh_user())
    upload = ugc_upload(gateway, stack, token)
    row = wait_for_media(gateway, token, upload["fileId"], status="ready")
    vod_bucket = stack.emulator.tencent.vod_bucket
    assert stack.emulator.store.get(vod_bucket, upload["video"]["url"].split(f"/{vod_bucket}/", 1)[1])
    before = counts(emulator).get("DeleteMedia", 0)
    _deleted_twice(gateway, token, row)  # the second DeleteMedia answers FileNotExist: already done
    assert counts(emulator)["DeleteMedia"] == before + 2
    vod_bucket = stack.emulator.tencent.vod_bucket
    key = upload["video"]["url"].split(f"/{vod_bucket}/", 1)[1]
    assert stack.emulator.store.get(vod_bucket, key) is None


def test_another_users_media_is_not_found_and_stays(gateway, emulator, login, stack, switch):
    owner, other = login(fresh_name()), login(fresh_name())
    form = gateway.post("/aliyun/oss/post-policy", json={"fileName": "cat.jpg", "size": 1048576}, headers=bearer(owner)).json()
    httpx.post(form["host"], data=form["formData"], files={"file": ("cat.jpg", JPEG_BYTES, "image/jpeg")}, timeout=15)
    row = wait_for_media(gateway, owner, f"upvend-dev/{form['key']}", status="ready")
    for token, media in ((other, row["id"]), (owner, "bm90LW9uZS1vZi1vdXJz"), (owner, public_id("aliyun", "nope"))):
        answer = gateway.delete(f"/media/{media}", headers=bearer(token))
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found", answer.text
    assert gateway.delete(f"/media/{row['id']}").status_code == 401
    assert stack.emulator.store.get("upvend-dev", form["key"]) is not None
    assert wait_for_media(gateway, owner, row["mediaId"], status="ready")


def test_a_late_notice_does_not_bring_a_deleted_row_back(gateway, emulator, login, stack, switch):
    token = login(fresh_name())
    video, _ = _upload_video(gateway, token)
    row = wait_for_media(gateway, token, video["videoId"], status="ready")
    assert _delete(gateway, token, row).status_code == 200
    late = MediaNotice(dedupe_key=f"late:{video['videoId']}", event_type="FileUploadComplete", provider="aliyun",
                       media_id=video["videoId"], kind="video", status="ready", title="replayed", size=5)
    assert repo().apply(late) is True
    assert repo().get("aliyun", video["videoId"]).status == "deleted"
    assert row["mediaId"] not in [item["mediaId"] for item in my_media(gateway, token)]


def test_a_cloud_failure_leaves_the_row_and_a_retry_deletes(gateway, emulator, login, stack, switch):
    token = login(fresh_name())
    video, _ = _upload_video(gateway, token)
    row = wait_for_media(gateway, token, video["videoId"], status="ready")
    emulator.post("/_emulator/aliyun/faults", json={"action": "DeleteVideo", "code": "ServiceUnavailable",
                                                    "status": 503})
    failed = _delete(gateway, token, row)
    assert failed.status_code == 503 and failed.json()["error"]["code"] == "upstream_unavailable", failed.text
    assert repo().get("aliyun", video["videoId"]).status == "ready"
    assert _delete(gateway, token, row).json()["status"] == "deleted"


def test_upload_keys_cannot_delete(gateway, login, stack):
    """The temporary keys clients get may write under their prefix, never delete: only the API deletes."""
    import oss2
    from qcloud_cos import CosServiceError

    from tests.functional.tencent_support import cos_client

    token = login(fresh_name())
    creds = gateway.post("/aliyun/sts", json={}, headers=bearer(token)).json()
    bucket = oss2.Bucket(oss2.StsAuth(creds["accessKeyId"], creds["accessKeySecret"], creds["securityToken"]),
                         creds["endpoint"], creds["bucket"])
    key = creds["prefix"] + "kept.jpg"
    bucket.put_object(key, JPEG_BYTES)
    try:
        bucket.delete_object(key)
        raise AssertionError("an upload key deleted an object")
    except oss2.exceptions.AccessDenied:
        pass
    assert stack.emulator.store.get(creds["bucket"], key) is not None

    cos_bucket, cos_key = sts_put(gateway, stack.emulator_url, token, "kept.jpg", JPEG_BYTES, "image/jpeg")
    body = gateway.post("/tencent/cos/sts", json={}, headers=bearer(token)).json()
    client = cos_client(stack.emulator_url, body["region"], body["credentials"]["tmpSecretId"],
                        body["credentials"]["tmpSecretKey"], body["credentials"]["sessionToken"])
    try:
        client.delete_object(Bucket=cos_bucket, Key=cos_key)
        raise AssertionError("an upload key deleted an object")
    except CosServiceError as exc:
        assert exc.get_error_code() == "AccessDenied"
    assert stack.emulator.store.get(cos_bucket, cos_key) is not None

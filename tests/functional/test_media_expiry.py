"""Reservations nobody used, uploads that broke their reservation, uploads that arrive after a delete.

Through the local stack: the expiry timer (invoked as its trigger would) writes `expired` and releases the
VOD media an abandoned VOD reservation holds (the emulator's call log and media list prove it); a VOD upload
larger than it declared ends `rejected` with its media deleted; an upload through a still-valid form after
its row was deleted leaves the row deleted and the object removed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx

from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name, inject_fault, vod_bucket
from tests.functional.media_rows import repo
from tests.functional.notices_support import switch, wait_for_media, wait_idle  # noqa: F401 (fixture)
from tests.functional.test_notices_aliyun_e2e import JPEG_BYTES, VIDEO_BYTES

TIMER = {"triggerTime": "2024-05-01T00:00:00Z", "triggerName": "timer", "payload": ""}


def _sweep(gateway: httpx.Client) -> dict:
    answer = gateway.post("/_upvend/invoke/media-expiry", json=TIMER, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _lapse(media_id: str) -> None:
    past = repo().db.dialect.time_param(datetime.now(timezone.utc) - timedelta(seconds=1))
    assert repo().db.execute("UPDATE {media} SET expires_at = ? WHERE media_id = ?", (past, media_id)) == 1


def _stored_status(media_id: str) -> str:
    return repo().db.query("SELECT status FROM {media} WHERE media_id = ?", (media_id,))[0]["status"]


def _calls(emulator: httpx.Client) -> dict:
    return emulator.get("/_emulator/aliyun/calls").json()


def _reserve_video(gateway: httpx.Client, token: str, size: int) -> dict:
    answer = gateway.post("/aliyun/vod/upload-video", json={"title": "Trip", "fileName": "trip.mp4", "fileSize": size},
                          headers=bearer(token))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_timer_expires_lapsed_reservations_and_releases_their_vod_media(gateway, emulator, login):
    token = login(fresh_name())
    video = _reserve_video(gateway, token, 10)
    image = gateway.post("/aliyun/vod/upload-image", json={"imageType": "default", "imageExt": "png", "fileSize": 5},
                         headers=bearer(token)).json()
    form = gateway.post("/aliyun/oss/post-policy", json={"fileName": "never.jpg", "size": len(JPEG_BYTES)},
                        headers=bearer(token)).json()
    kept = _reserve_video(gateway, token, 10)  # not lapsed: untouched
    for media_id in (video["videoId"], image["imageId"], f"upvend-dev/{form['key']}"):
        _lapse(media_id)
    before = _calls(emulator)
    summary = _sweep(gateway)
    assert summary["status"] == "ok" and summary["expired"] >= 3 and summary["released"] >= 2, summary
    for media_id in (video["videoId"], image["imageId"], f"upvend-dev/{form['key']}"):
        assert _stored_status(media_id) == "expired"
    assert _stored_status(kept["videoId"]) == "uploading"
    after = _calls(emulator)
    assert after.get("DeleteVideo", 0) > before.get("DeleteVideo", 0)
    assert after.get("DeleteImage", 0) > before.get("DeleteImage", 0)
    for media_id in (video["videoId"], image["imageId"]):
        assert emulator.get(f"/_emulator/aliyun/vod/{media_id}").status_code == 404
    assert emulator.get(f"/_emulator/aliyun/vod/{kept['videoId']}").status_code == 200
    again = _sweep(gateway)
    assert video["videoId"] not in str(again) and again["failed"] == 0


def test_a_failed_release_keeps_the_reservation_for_the_next_run(gateway, emulator, login):
    token = login(fresh_name())
    video = _reserve_video(gateway, token, 10)
    _lapse(video["videoId"])
    _sweep(gateway)  # whatever earlier tests left lapsed is done with first
    video = _reserve_video(gateway, token, 10)
    _lapse(video["videoId"])
    inject_fault(emulator, "DeleteVideo", code="ServiceUnavailable", status=503)
    failed = _sweep(gateway)
    assert failed["failed"] == 1 and _stored_status(video["videoId"]) == "uploading"
    assert emulator.get(f"/_emulator/aliyun/vod/{video['videoId']}").status_code == 200
    retried = _sweep(gateway)
    assert retried["released"] == 1 and _stored_status(video["videoId"]) == "expired"


def test_an_expired_object_reservation_still_completes_on_a_late_upload(gateway, login, switch):
    token = login(fresh_name())
    form = gateway.post("/aliyun/oss/post-policy", json={"fileName": "late.jpg", "size": len(JPEG_BYTES)},
                        headers=bearer(token)).json()
    media_id = f"upvend-dev/{form['key']}"
    _lapse(media_id)
    _sweep(gateway)
    assert _stored_status(media_id) == "expired"
    assert httpx.post(form["host"], data=form["formData"], files={"file": ("x.jpg", JPEG_BYTES, "image/jpeg")},
                      timeout=15).status_code == 200
    assert wait_for_media(gateway, token, media_id, status="ready")["title"] == "late.jpg"


def test_a_vod_upload_larger_than_declared_is_rejected_and_deleted(gateway, emulator, login, stack, switch):
    token = login(fresh_name())
    video = _reserve_video(gateway, token, 1)
    bucket, key = vod_bucket(video["uploadAddress"], video["uploadAuth"])
    before = _calls(emulator).get("DeleteVideo", 0)
    assert bucket.put_object(key, VIDEO_BYTES).status == 200
    row = wait_for_media(gateway, token, video["videoId"], status="rejected")
    assert row["extra"]["rejected"] == {"reason": "larger_than_reserved", "reservedBytes": 1,
                                        "size": len(VIDEO_BYTES)}
    wait_idle(emulator)
    assert _calls(emulator)["DeleteVideo"] > before
    assert emulator.get(f"/_emulator/aliyun/vod/{video['videoId']}").status_code == 404
    assert stack.emulator.store.get(bucket.bucket_name, key) is None
    assert _stored_status(video["videoId"]) == "rejected"  # later events (transcodes) do not move it


def test_an_upload_as_declared_is_not_rejected(gateway, emulator, login, switch):
    token = login(fresh_name())
    video = _reserve_video(gateway, token, len(VIDEO_BYTES))
    bucket, key = vod_bucket(video["uploadAddress"], video["uploadAuth"])
    bucket.put_object(key, VIDEO_BYTES)
    assert wait_for_media(gateway, token, video["videoId"], status="ready")["size"] == len(VIDEO_BYTES)


def test_an_upload_after_its_row_was_deleted_stays_deleted_and_is_removed(gateway, login, stack, switch):
    token = login(fresh_name())
    form = gateway.post("/aliyun/oss/post-policy", json={"fileName": "regret.jpg", "size": len(JPEG_BYTES)},
                        headers=bearer(token)).json()
    media_id = f"upvend-dev/{form['key']}"
    [row] = [i for i in gateway.get("/media", headers=bearer(token)).json()["items"] if i["mediaId"] == media_id]
    assert gateway.delete(f"/media/{row['id']}", headers=bearer(token)).json()["status"] == "deleted"
    assert httpx.post(form["host"], data=form["formData"], files={"file": ("x.jpg", JPEG_BYTES, "image/jpeg")},
                      timeout=15).status_code == 200  # the form was still valid
    assert _stored_status(media_id) == "deleted"
    assert stack.emulator.store.get("upvend-dev", form["key"]) is None

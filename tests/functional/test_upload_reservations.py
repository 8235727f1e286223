"""Issued forms reserve their row: `uploading` with the client's file name as title, completed by the notice.

Through the local stack: a form (OSS and COS PostObject, VOD) creates the row at once, the upload's notice
completes that same row (one row, the title kept), a reservation whose credential lapsed (plus the grace
period) reads as `expired` without anything written, and an upload that arrives late still completes it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx

from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name
from tests.functional.media_rows import repo
from tests.functional.notices_support import my_media, switch, wait_for_media  # noqa: F401 (fixture)
from tests.functional.test_notices_aliyun_e2e import JPEG_BYTES
from upvend.storage.media import iso_utc


def _rows(media_id: str) -> list[dict]:
    return repo().db.query("SELECT status, title, expires_at FROM {media} WHERE media_id = ?", (media_id,))


def _lapse(provider: str, media_id: str) -> None:
    """Move the reservation's lapse time into the past, as if the credential and the grace period were over."""
    past = repo().db.dialect.time_param(datetime.now(timezone.utc) - timedelta(seconds=1))
    assert repo().db.execute("UPDATE {media} SET expires_at = ? WHERE provider = ? AND media_id = ?",
                             (past, provider, media_id)) == 1


def test_an_oss_form_reserves_a_titled_row_the_upload_completes(gateway, login, switch):
    token = login(fresh_name())
    asked = gateway.post("/aliyun/oss/post-policy", json={"fileName": "C:\\fakepath\\Beach\u202e day.jpg",
                                                          "size": len(JPEG_BYTES)}, headers=bearer(token))
    assert asked.status_code == 200, asked.text
    form = asked.json()
    media_id = f"upvend-dev/{form['key']}"
    [row] = [item for item in my_media(gateway, token) if item["mediaId"] == media_id]
    assert (row["status"], row["title"], row["size"], row["kind"]) == ("uploading", "Beach day.jpg", len(JPEG_BYTES),
                                                                        "image")
    expires = repo().get("aliyun", media_id).expires_at
    assert expires > iso_utc(datetime.fromtimestamp(form["expire"], timezone.utc))  # the form's validity + grace
    assert httpx.post(form["host"], data=form["formData"], files={"file": ("x.jpg", JPEG_BYTES, "image/jpeg")},
                      timeout=15).status_code == 200
    done = wait_for_media(gateway, token, media_id, status="ready")
    assert done["title"] == "Beach day.jpg" and done["etag"]
    assert len(_rows(media_id)) == 1


def test_a_cos_form_reserves_a_titled_row_the_trigger_completes(gateway, login, stack, switch):
    token = login(fresh_name())
    form = gateway.post("/tencent/cos/post-policy", json={"fileName": "dog/../Dog.jpg", "size": 1048576}, headers=bearer(token)).json()
    bucket = stack.settings["UPVEND_TENCENT_COS_BUCKET"]
    media_id = f"{bucket}/{form['key']}"
    [row] = [item for item in my_media(gateway, token) if item["mediaId"] == media_id]
    assert (row["status"], row["title"], row["region"]) == ("uploading", "Dog.jpg", "ap-guangzhou")
    answer = httpx.post(form["url"], data=form["formData"], files={"file": ("x.jpg", JPEG_BYTES, "image/jpeg")},
                        timeout=15)
    assert answer.status_code in (200, 204), answer.text
    done = wait_for_media(gateway, token, media_id, status="ready")
    assert done["title"] == "Dog.jpg" and done["size"] == len(JPEG_BYTES)
    assert len(_rows(media_id)) == 1


def test_a_lapsed_reservation_reads_expired_and_a_late_upload_still_completes_it(gateway, login, switch):
    token = login(fresh_name())
    form = gateway.post("/aliyun/oss/post-policy", json={"fileName": "late.jpg", "size": 1048576}, headers=bearer(token)).json()
    media_id = f"upvend-dev/{form['key']}"
    _lapse("aliyun", media_id)
    [row] = [item for item in my_media(gateway, token) if item["mediaId"] == media_id]
    assert row["status"] == "expired"
    assert [i["mediaId"] for i in my_media(gateway, token, status="expired")] == [media_id]
    assert media_id not in [i["mediaId"] for i in my_media(gateway, token, status="uploading")]
    one = gateway.get(f"/media/{row['id']}", headers=bearer(token)).json()
    assert one["status"] == "expired"
    assert _rows(media_id)[0]["status"] == "uploading"  # read as expired; nothing written by reading
    assert httpx.post(form["host"], data=form["formData"], files={"file": ("x.jpg", JPEG_BYTES, "image/jpeg")},
                      timeout=15).status_code == 200
    assert wait_for_media(gateway, token, media_id, status="ready")["title"] == "late.jpg"


def test_vod_reservations_lapse_and_a_refresh_moves_the_lapse_time(gateway, login):
    token = login(fresh_name())
    video = gateway.post("/aliyun/vod/upload-video", json={"title": "Trip", "fileName": "trip.mp4", "fileSize": 10},
                         headers=bearer(token)).json()
    first = repo().get("aliyun", video["videoId"]).expires_at
    assert first > video["expiresAt"]
    _lapse("aliyun", video["videoId"])
    assert repo().get("aliyun", video["videoId"]).status == "expired"
    # A refresh of a lapsed reservation does not revive it (the expiry timer may already have released it) ...
    assert gateway.post("/aliyun/vod/upload-video/refresh", json={"videoId": video["videoId"]},
                        headers=bearer(token)).status_code == 200
    assert repo().get("aliyun", video["videoId"]).status == "expired"
    # ... while a refresh in time moves the lapse time forward.
    other = gateway.post("/aliyun/vod/upload-video", json={"title": "Two", "fileName": "two.mp4", "fileSize": 10},
                         headers=bearer(token)).json()
    repo().db.execute("UPDATE {media} SET expires_at = ? WHERE media_id = ?",
                      (repo().db.dialect.time_param(datetime.now(timezone.utc) + timedelta(seconds=30)),
                       other["videoId"]))
    soon = repo().get("aliyun", other["videoId"]).expires_at
    gateway.post("/aliyun/vod/upload-video/refresh", json={"videoId": other["videoId"]}, headers=bearer(token))
    assert repo().get("aliyun", other["videoId"]).expires_at > soon

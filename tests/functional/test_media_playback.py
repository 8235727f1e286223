"""Every ready row yields URLs its owner can open, and they stop opening when they expire or are altered.

Per provider and kind, through the local stack: upload as a client would, wait for the ready row, then open
`playUrl` / `thumbnailUrl` against the emulator, which verifies them as the cloud does (OSS V4/V1 presigned
GETs, COS request signatures, Aliyun type A, Tencent Key hotlink protection, VOD GetPlayInfo).
"""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import oss2
import pytest

from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name, vod_bucket
from tests.functional.media_rows import repo
from tests.functional.notices_support import switch, wait_for_media, wait_idle  # noqa: F401 (fixture)
from tests.functional.tencent_support import fresh_user, sts_put
from tests.functional.test_notices_aliyun_e2e import JPEG_BYTES, VIDEO_BYTES, _upload_video
from tests.functional.test_notices_tencent_e2e import VIDEO as UGC_VIDEO, ugc_upload
from upvend.playback.media_links import links_for


def _open(url: str) -> httpx.Response:
    return httpx.get(url, timeout=10)


def _tampered(url: str, name: str) -> str:
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    changed = [(k, (v[:-1] + ("0" if v[-1] != "0" else "1")) if k == name else v) for k, v in pairs]
    return urlunsplit((*parts[:3], urlencode(changed, safe="/;,"), parts.fragment))


def _unsigned(url: str) -> str:
    return url.split("?", 1)[0]


def _record(provider: str, media_id: str):
    return repo().get(provider, media_id)


def _expired_links(provider: str, media_id: str):
    """The links the API would have made an hour ago (signed then, so expired now)."""
    return links_for(_record(provider, media_id), now=int(time.time()) - 3600)


def _assert_closed(url: str, *codes: str) -> None:
    answer = _open(url)
    assert answer.status_code == 403, (answer.status_code, answer.text)
    assert any(code in answer.text for code in codes), answer.text


def test_oss_image_row_opens_signed_and_only_signed(gateway, login, switch):
    token = login(fresh_name())
    policy = gateway.post("/aliyun/oss/post-policy", json={"fileName": "cat.jpg", "contentType": "image/jpeg", "size": 1048576},
                          headers=bearer(token)).json()
    assert httpx.post(policy["host"], data=policy["formData"], files={"file": ("cat.jpg", JPEG_BYTES, "image/jpeg")},
                      timeout=15).status_code == 200
    row = wait_for_media(gateway, token, f"upvend-dev/{policy['key']}", status="ready")
    assert row["urlsExpireAt"] and row["urlsExpireAt"].endswith("Z")
    assert "x-oss-signature=" in row["playUrl"] and "x-oss-process=image%2Fresize" in row["thumbnailUrl"]
    for url in (row["playUrl"], row["thumbnailUrl"]):  # the emulator answers the original for image processing
        opened = _open(url)
        assert opened.status_code == 200 and opened.content == JPEG_BYTES
    _assert_closed(_unsigned(row["playUrl"]), "AccessDenied")
    _assert_closed(_tampered(row["playUrl"], "x-oss-signature"), "SignatureDoesNotMatch")
    _assert_closed(_tampered(row["playUrl"], "x-oss-expires"), "SignatureDoesNotMatch")
    _assert_closed(_expired_links("aliyun", row["mediaId"]).play_url, "Request has expired")


def test_oss_v1_urls_open_too(gateway, login, switch, monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_URL_SIGNATURE", "v1")
    token = login(fresh_name())
    creds = gateway.post("/aliyun/sts", json={}, headers=bearer(token)).json()
    bucket = oss2.Bucket(oss2.StsAuth(creds["accessKeyId"], creds["accessKeySecret"], creds["securityToken"]),
                         creds["endpoint"], creds["bucket"])
    key = creds["prefix"] + "2024/05/clip.mp4"
    bucket.put_object(key, VIDEO_BYTES, headers={"Content-Type": "video/mp4"})
    row = wait_for_media(gateway, token, f"{creds['bucket']}/{key}", status="ready")
    assert "OSSAccessKeyId=" in row["playUrl"] and row["thumbnailUrl"] is None
    assert _open(row["playUrl"]).content == VIDEO_BYTES
    _assert_closed(_tampered(row["playUrl"], "Expires"), "SignatureDoesNotMatch")
    _assert_closed(_expired_links("aliyun", row["mediaId"]).play_url, "Request has expired")


def test_cos_row_opens_signed_and_only_signed(gateway, login, stack, switch):
    token = login(fresh_user())
    bucket, key = sts_put(gateway, stack.emulator_url, token, "2024/05/dog.png", b"\x89PNG dog", "image/png")
    row = wait_for_media(gateway, token, f"{bucket}/{key}", status="ready")
    assert "q-signature=" in row["playUrl"] and "x-cos-security-token=" in row["playUrl"]
    assert _open(row["playUrl"]).content == b"\x89PNG dog" and _open(row["thumbnailUrl"]).status_code == 200
    _assert_closed(_unsigned(row["playUrl"]), "AccessDenied")
    _assert_closed(_tampered(row["playUrl"], "q-signature"), "SignatureDoesNotMatch")
    _assert_closed(_expired_links("tencent", row["mediaId"]).play_url, "expired")


def test_cos_thumbnail_processing_is_signed(gateway, login, stack, switch, monkeypatch):
    monkeypatch.setenv("UPVEND_TENCENT_COS_THUMBNAIL_PROCESS", "imageMogr2/thumbnail/320x320")
    token = login(fresh_user())
    policy = gateway.post("/tencent/cos/post-policy", json={"fileName": "dog.png", "contentType": "image/png", "size": 1048576},
                          headers=bearer(token)).json()
    httpx.post(policy["url"], data=policy["formData"], files={"file": ("dog.png", b"\x89PNG dog", "image/png")},
               timeout=10)
    bucket = stack.settings["UPVEND_TENCENT_COS_BUCKET"]
    row = wait_for_media(gateway, token, f"{bucket}/{policy['key']}", status="ready")
    assert "?imageMogr2/thumbnail/320x320&" in row["thumbnailUrl"]
    assert _open(row["thumbnailUrl"]).content == b"\x89PNG dog"
    altered = row["thumbnailUrl"].replace("320x320", "640x640")
    _assert_closed(altered, "SignatureDoesNotMatch")


def test_aliyun_vod_video_plays_through_type_a_urls(gateway, login, stack, switch):
    token = login(fresh_name())
    video, _ = _upload_video(gateway, token)
    row = wait_for_media(gateway, token, video["videoId"], status="ready")
    assert "auth_key=" in row["playUrl"] and row["playUrl"].startswith(row["mediaUrl"] + "?")
    assert _open(row["playUrl"]).content == VIDEO_BYTES
    _assert_closed(_unsigned(row["playUrl"]), "URL authentication failed")
    _assert_closed(_tampered(row["playUrl"], "auth_key"), "does not match")
    _assert_closed(_expired_links("aliyun", video["videoId"]).play_url, "expired")


def test_aliyun_vod_urls_come_from_get_play_info_without_a_local_key(gateway, emulator, login, stack, switch,
                                                                     monkeypatch):
    token = login(fresh_name())
    video, _ = _upload_video(gateway, token)
    wait_for_media(gateway, token, video["videoId"], status="ready")
    wait_idle(emulator)  # the VOD callbacks read the video back with GetPlayInfo too
    monkeypatch.delenv("UPVEND_ALIYUN_VOD_PLAY_AUTH_KEY")
    before = _calls(stack, "GetPlayInfo")
    row = next(i for i in gateway.get("/media", headers=bearer(token)).json()["items"]
               if i["mediaId"] == video["videoId"])
    assert _calls(stack, "GetPlayInfo") == before + 1
    assert "auth_key=" in row["playUrl"] and _open(row["playUrl"]).content == VIDEO_BYTES


def _calls(stack, action: str) -> int:
    return stack.emulator.service("aliyun-rpc").state.calls[action]


def test_aliyun_vod_image_opens(gateway, login, switch):
    token = login(fresh_name())
    image = gateway.post("/aliyun/vod/upload-image", json={"imageType": "default", "imageExt": "jpg", "fileSize": 1048576},
                         headers=bearer(token)).json()
    bucket, key = vod_bucket(image["uploadAddress"], image["uploadAuth"])
    bucket.put_object(key, JPEG_BYTES)
    row = wait_for_media(gateway, token, image["imageId"], status="ready")
    assert _open(row["playUrl"]).content == JPEG_BYTES and _open(row["thumbnailUrl"]).content == JPEG_BYTES


def test_tencent_vod_video_plays_through_key_hotlink_urls(gateway, login, stack, switch):
    token = login(fresh_user())
    upload = ugc_upload(gateway, stack, token)
    row = wait_for_media(gateway, token, upload["fileId"], status="ready")
    query = dict(parse_qsl(urlsplit(row["playUrl"]).query))
    assert list(query) == ["t", "us", "sign"] and row["playUrl"].startswith(row["mediaUrl"] + "?")
    assert _open(row["playUrl"]).content == UGC_VIDEO and _open(row["thumbnailUrl"]).status_code == 200
    _assert_closed(_unsigned(row["playUrl"]), "Hotlink protection")
    _assert_closed(_tampered(row["playUrl"], "t"), "does not match")
    _assert_closed(_expired_links("tencent", upload["fileId"]).play_url, "expired")


def test_rows_that_are_not_ready_get_no_urls(gateway, login):
    token = login(fresh_name())
    video = gateway.post("/aliyun/vod/upload-video", json={"title": "t", "fileName": "t.mp4", "fileSize": 3},
                         headers=bearer(token)).json()
    row = next(i for i in gateway.get("/media", headers=bearer(token)).json()["items"]
               if i["mediaId"] == video["videoId"])
    assert row["status"] == "uploading"
    assert (row["playUrl"], row["thumbnailUrl"], row["urlsExpireAt"]) == (None, None, None)

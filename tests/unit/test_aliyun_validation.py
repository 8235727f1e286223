"""VOD request validation, error mapping, session names, expiry parsing and endpoint settings."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest

from upvend.aliyun import config
from upvend.aliyun.rpc import AliyunRejected, map_client_error, map_server_error
from upvend.aliyun.sts import role_session_name
from upvend.aliyun.vod import media_rule, upload_auth_expiry, user_data
from upvend.aliyun.vod_input import ImageUploadBody, VideoRefreshBody, VideoUploadBody
from upvend.errors import (ConfigurationError, RateLimited, UpstreamError, UpstreamUnavailable, ValidationFailed)
from upvend.http import parse_model

VIDEO = {"title": "Holiday", "fileName": "C:\\clips\\holiday.MP4", "fileSize": 1000}


def test_valid_video_body_is_normalised():
    body = parse_model(VideoUploadBody, {**VIDEO, "tags": [" a ", "b", "a"], "description": "中文说明"})
    assert body.fileName == "holiday.MP4" and body.tags == ["a", "b"] and body.description == "中文说明"


@pytest.mark.parametrize("change, field", [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 129}, "title"),
    ({"title": "party 🎉"}, "title"),
    ({"title": "sun ☀"}, "title"),
    ({"title": "a\x00b"}, "title"),
    ({"description": "d" * 1025}, "description"),
    ({"description": "ok 😀"}, "description"),
    ({"tags": ["t"] * 17}, "tags"),
    ({"tags": ["x" * 33]}, "tags"),
    ({"tags": ["a,b"]}, "tags"),
    ({"tags": [""]}, "tags"),
    ({"tags": ["🎉"]}, "tags"),
    ({"fileSize": 0}, "fileSize"),
    ({"fileSize": "12"}, "fileSize"),
    ({"coverUrl": "javascript:alert(1)"}, "coverUrl"),
    ({"title": 5}, "title"),
    ({"bucket": "other"}, "bucket"),
])
def test_invalid_video_bodies_name_the_field(change, field):
    with pytest.raises(ValidationFailed) as exc:
        parse_model(VideoUploadBody, {**VIDEO, **change})
    assert field in exc.value.message


def test_title_of_128_chinese_characters_is_fine():
    assert parse_model(VideoUploadBody, {**VIDEO, "title": "视" * 128}).title == "视" * 128


@pytest.mark.parametrize("name, size, code", [
    ("a.jpg", None, "extension_not_allowed"),
    ("a.exe", None, "extension_not_allowed"),
    ("noext", None, "extension_not_allowed"),
    ("a.mp4", 3 * 1024 ** 4, "size_out_of_range"),
])
def test_media_rule_refuses_non_media(name, size, code):
    with pytest.raises(ValidationFailed) as exc:
        media_rule(name, size)
    assert exc.value.code == code


def test_media_rule_classes():
    assert media_rule("a.mov", 10).content_class == "video"
    assert media_rule("a.mp3", 10).content_class == "audio"


def test_image_and_refresh_bodies():
    assert parse_model(ImageUploadBody, {"imageType": "cover", "imageExt": ".JPG", "fileSize": 1000}).imageExt == "jpg"
    for bad in ({"imageType": "banner"}, {"imageType": "default", "imageExt": "bmp"}, {}):
        with pytest.raises(ValidationFailed):
            parse_model(ImageUploadBody, bad)
    for bad in ({"videoId": "../x"}, {"videoId": ""}, {"videoId": "a" * 65}, {}):
        with pytest.raises(ValidationFailed):
            parse_model(VideoRefreshBody, bad)


def test_user_data_carries_the_uploader():
    assert json.loads(user_data("o-alice")) == {"Extend": {"uid": "o-alice"}}


@pytest.mark.parametrize("status, code, expected, api_status", [
    (400, "InvalidFileName.Extension", AliyunRejected, 400),
    (400, "Throttling.User", RateLimited, 429),
    (503, "ServiceUnavailable", UpstreamUnavailable, 503),
    (500, "InternalError", UpstreamError, 502),
    (403, "Forbidden.RAM", UpstreamError, 502),
    (400, "SignatureDoesNotMatch", UpstreamError, 502),
    (404, "InvalidVideo.NotFound", AliyunRejected, 400),
])
def test_server_errors_map_to_clear_statuses(status, code, expected, api_status):
    err = map_server_error("VOD", status, code, "server string to sign is:GET&%2F&SecurityToken%3Dsecret", "RID")
    assert type(err) is expected and err.status == api_status
    assert err.details["aliyunCode"] == code
    if api_status == 400:
        assert code in err.message
    assert "SecurityToken" not in err.message or api_status == 400


def test_client_errors_map_to_timeouts_and_unreachable():
    timeout = map_client_error("STS", "SDK.HttpError", "Read timed out. (read timeout=1)", 1.0)
    assert timeout.status == 502 and timeout.code == "upstream_timeout"
    refused = map_client_error("STS", "SDK.HttpError", "Connection refused", 1.0)
    assert refused.status == 503


@pytest.mark.parametrize("user", ["o-alice", "oAbC_12-x.y@z", "用户", "a" * 80, "a/b c"])
def test_role_session_name_is_valid_and_distinct(user):
    name = role_session_name(user)
    assert 2 <= len(name) <= 64
    assert all(c.isascii() and (c.isalnum() or c in ".@_-") for c in name)
    assert role_session_name(user + "x") != name


def test_upload_auth_expiry_reads_the_blob_leniently():
    now = datetime(2024, 1, 1, tzinfo=timezone.utc)
    blob = lambda d: base64.b64encode(json.dumps(d).encode()).decode()  # noqa: E731
    assert upload_auth_expiry(blob({"ExpireUTCTime": "2024-01-01T00:50:00Z"}), now) == \
        datetime(2024, 1, 1, 0, 50, tzinfo=timezone.utc)
    assert upload_auth_expiry(blob({"Expiration": "3000"}), now).timestamp() == now.timestamp() + 3000
    assert upload_auth_expiry("not base64 json", now).timestamp() == now.timestamp() + 3000


def test_form_host_follows_the_endpoint(monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_REGION", "cn-hangzhou")
    monkeypatch.delenv("UPVEND_ALIYUN_OSS_ENDPOINT", raising=False)
    monkeypatch.delenv("UPVEND_ALIYUN_OSS_HOST", raising=False)
    assert config.oss_endpoint().url == "https://oss-cn-hangzhou.aliyuncs.com"
    assert config.oss_form_host("bkt") == "https://bkt.oss-cn-hangzhou.aliyuncs.com"
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_ENDPOINT", "http://127.0.0.1:9000")
    assert config.oss_form_host("bkt") == "http://127.0.0.1:9000/bkt"
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_HOST", "https://upload.example.com")
    assert config.oss_form_host("bkt") == "https://upload.example.com"
    monkeypatch.setenv("UPVEND_ALIYUN_STS_ENDPOINT", "http://127.0.0.1:9000/path")
    with pytest.raises(ConfigurationError):
        config.sts_endpoint()
    monkeypatch.setenv("UPVEND_ALIYUN_POST_POLICY_SECONDS", "3600")
    with pytest.raises(ConfigurationError):
        from upvend import settings
        settings.get("ALIYUN_POST_POLICY_SECONDS")

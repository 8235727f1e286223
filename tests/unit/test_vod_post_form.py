"""The VOD PostObject form built from what VOD answers (real endpoints, region, expiry, bad blobs)."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import pytest

from upvend.aliyun.oss_policy import v4_policy_signature
from upvend.aliyun.vod import VodUpload
from upvend.aliyun.vod_post_form import vod_post_form, vod_upload_target
from upvend.errors import UpstreamError

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def _b64(value) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


def _upload(address=None, auth=None, expires_in=3000) -> VodUpload:
    address = address or {"Endpoint": "https://oss-cn-beijing.aliyuncs.com", "Bucket": "outin-abc",
                          "FileName": "sv/1-2/1-2.mp4"}
    auth = auth or {"AccessKeyId": "STS.key", "AccessKeySecret": "s3cret", "SecurityToken": "tok",
                    "Expiration": "3000"}
    return VodUpload("vid", _b64(address), _b64(auth), "req", NOW + timedelta(seconds=expires_in))


@pytest.fixture(autouse=True)
def _settings(monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_REGION", "cn-shanghai")
    monkeypatch.setenv("UPVEND_ALIYUN_POST_POLICY_SECONDS", "600")


def test_a_real_endpoint_is_addressed_host_style_and_signed_for_its_region():
    form = vod_post_form(_upload(), content_type="video/mp4", size=5, now=NOW)
    assert form.host == "https://outin-abc.oss-cn-beijing.aliyuncs.com" and form.key == "sv/1-2/1-2.mp4"
    fields = form.formData
    assert fields["x-oss-credential"] == "STS.key/20260301/cn-beijing/oss/aliyun_v4_request"
    assert fields["x-oss-signature"] == v4_policy_signature("s3cret", "20260301", "cn-beijing", fields["policy"])
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert {"x-oss-security-token": "tok"} in policy["conditions"]
    assert ["eq", "$key", "sv/1-2/1-2.mp4"] in policy["conditions"] and {"bucket": "outin-abc"} in policy["conditions"]
    assert policy["expiration"] == "2026-03-01T12:10:00.000Z" and form.expire == int(NOW.timestamp()) + 600
    assert "callback" not in fields


def test_the_region_named_in_upload_auth_wins_and_the_form_ends_with_the_auth():
    auth = {"AccessKeyId": "STS.k", "AccessKeySecret": "s", "SecurityToken": "t", "Region": "ap-southeast-1"}
    form = vod_post_form(_upload(auth=auth, expires_in=120), content_type="video/mp4", size=5, now=NOW)
    assert "/ap-southeast-1/oss/" in form.formData["x-oss-credential"]
    assert form.expire == int(NOW.timestamp()) + 120


def test_an_endpoint_without_region_falls_back_to_the_configured_one():
    address = {"Endpoint": "http://127.0.0.1:9000", "Bucket": "b-1", "FileName": "k.mp4"}
    target = vod_upload_target(_upload(address=address))
    assert target.region == "cn-shanghai"
    assert vod_post_form(_upload(address=address), content_type="video/mp4", size=5, now=NOW).host \
        == "http://127.0.0.1:9000/b-1"


@pytest.mark.parametrize("upload", [
    VodUpload("v", "not base64!", _b64({}), "r", NOW + timedelta(hours=1)),
    _upload(address={"Bucket": "b", "FileName": "k"}),
    _upload(auth={"AccessKeyId": "k"}),
    _upload(address={"Endpoint": "ftp://x", "Bucket": "b", "FileName": "k"}),
    _upload(expires_in=30),
])
def test_an_unusable_vod_answer_is_an_upstream_error(upload):
    with pytest.raises(UpstreamError):
        vod_post_form(upload, content_type="video/mp4", size=5, now=NOW)


@pytest.mark.parametrize("expires_in, ok", [(60, True), (59, False)])
def test_an_upload_auth_needs_a_minute_left_to_sign_a_form(expires_in, ok):
    if ok:
        assert vod_post_form(_upload(expires_in=expires_in), content_type="video/mp4", size=5, now=NOW).expire \
            == int(NOW.timestamp()) + 60
    else:
        with pytest.raises(UpstreamError):
            vod_post_form(_upload(expires_in=expires_in), content_type="video/mp4", size=5, now=NOW)


@pytest.mark.parametrize("which", ["UploadAddress", "UploadAuth"])
def test_a_blob_with_characters_outside_base64_is_refused_and_named(which):
    good = _upload()
    spoiled = {"upload_address": good.upload_address, "upload_auth": good.upload_auth}
    field = "upload_address" if which == "UploadAddress" else "upload_auth"
    spoiled[field] = spoiled[field][:4] + "!" + spoiled[field][4:]
    upload = VodUpload("vid", spoiled["upload_address"], spoiled["upload_auth"], "req", good.expires_at)
    with pytest.raises(UpstreamError, match=f"answered a {which} that"):
        vod_upload_target(upload)


def test_a_trailing_slash_on_the_endpoint_is_ignored():
    address = {"Endpoint": "https://oss-cn-beijing.aliyuncs.com/", "Bucket": "outin-abc", "FileName": "k.mp4"}
    form = vod_post_form(_upload(address=address), content_type="video/mp4", size=5, now=NOW)
    assert form.host == "https://outin-abc.oss-cn-beijing.aliyuncs.com"


def test_an_upload_auth_without_a_token_signs_without_one():
    auth = {"AccessKeyId": "LTAI.key", "AccessKeySecret": "s3cret"}
    form = vod_post_form(_upload(auth=auth), content_type="video/mp4", size=5, now=NOW)
    assert "x-oss-security-token" not in form.formData
    assert vod_upload_target(_upload(auth=auth)).credentials.security_token is None

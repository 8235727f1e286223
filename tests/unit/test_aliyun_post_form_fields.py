"""The OSS V4 PostObject form as OSS documents it: the published names and values, field by field."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

from upvend.aliyun.callback_binding import callback_binding
from upvend.aliyun.credentials import AliyunCredentials
from upvend.aliyun.oss_policy import OssPostPolicy, callback_param

NOW = datetime(2024, 5, 6, 23, 59, 59, tzinfo=timezone.utc)


def test_published_field_names_and_values():
    fields = OssPostPolicy(bucket="bkt", key="uploads/u1/k.jpg", content_type="image/jpeg", max_bytes=10,
                           region="cn-hangzhou", expires_in=1, now=NOW).form_fields(AliyunCredentials("id", "s"))
    assert fields["x-oss-signature-version"] == "OSS4-HMAC-SHA256"
    assert fields["success_action_status"] == "200"
    conditions = json.loads(base64.b64decode(fields["policy"]))["conditions"]
    assert {"x-oss-signature-version": "OSS4-HMAC-SHA256"} in conditions
    # One second later is the next day in UTC: the date, the credential scope and the expiration agree.
    assert json.loads(base64.b64decode(fields["policy"]))["expiration"] == "2024-05-07T00:00:00.000Z"
    assert fields["x-oss-credential"] == "id/20240506/cn-hangzhou/oss/aliyun_v4_request"


def test_callback_parameter_is_the_documented_json(monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_CALLBACK_KEY", "k" * 32)
    key = "uploads/o-a/2024/05/x.jpg"
    spec = json.loads(base64.b64decode(callback_param("https://cb.example.com/oss", "bkt", key, "o-a")))
    assert spec == {
        "callbackUrl": "https://cb.example.com/oss",
        "callbackBody": "bucket=${bucket}&object=${object}&etag=${etag}&size=${size}&mimeType=${mimeType}"
                        "&imageInfo.height=${imageInfo.height}&imageInfo.width=${imageInfo.width}"
                        "&imageInfo.format=${imageInfo.format}"
                        f"&uid=o-a&binding={callback_binding('bkt', key, 'o-a')}",
        "callbackBodyType": "application/x-www-form-urlencoded",
    }
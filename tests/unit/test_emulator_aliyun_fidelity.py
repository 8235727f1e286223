"""What the emulated Aliyun accepts where the real one does: form conditions, STS policy size, VOD event times."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from devtools.emulator.aliyun.keys import AliyunApiError
from devtools.emulator.aliyun.oss_errors import OssError
from devtools.emulator.aliyun.oss_form import PostForm, check_policy
from devtools.emulator.aliyun.state import AliyunState
from devtools.emulator.aliyun.sts import MAX_POLICY_CHARS, assume_role
from devtools.emulator.notices.aliyun_vod import vod_events

NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)


def _check(conditions: list, fields: dict[str, str]) -> None:
    policy = {"expiration": (NOW + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"), "conditions": conditions}
    form = PostForm(fields=list(fields.items()), file_name="a.jpg", data=b"12345")
    check_policy(policy, form, "bkt", now=NOW, token_needs_condition=False)


def _code(conditions: list, fields: dict[str, str]) -> str:
    with pytest.raises(OssError) as caught:
        _check(conditions, fields)
    return caught.value.code


def test_a_key_field_needs_no_condition_of_its_own():
    _check([{"bucket": "bkt"}], {"key": "anything/a.jpg"})
    # Other fields still need one.
    assert _code([{"bucket": "bkt"}], {"key": "a.jpg", "Content-Type": "image/jpeg"}) == "AccessDenied"


def test_in_and_not_in_conditions():
    allowed = [["in", "$content-type", ["image/jpeg", "image/png"]], ["not-in", "$cache-control", ["no-cache"]]]
    _check(allowed, {"key": "a.jpg", "Content-Type": "image/png", "Cache-Control": "max-age=60"})
    _check(allowed, {"key": "a.jpg", "Content-Type": "image/jpeg"})  # an absent field is not in the list
    assert _code(allowed, {"key": "a.jpg", "Content-Type": "text/html"}) == "AccessDenied"
    assert _code(allowed, {"key": "a.jpg", "Content-Type": "image/png", "Cache-Control": "no-cache"}) == "AccessDenied"
    assert _code([["in", "$content-type", "image/png"]], {"key": "a"}) == "InvalidPolicyDocument"


def _assume(policy_text: str) -> dict:
    state = AliyunState()
    caller = state.keys.authenticate(state.dev.function_key_id, state.dev.function_token)
    return assume_role(state, {"RoleArn": state.dev.role_arn, "RoleSessionName": "s1", "Policy": policy_text},
                       caller)


def _policy_of_length(length: int) -> str:
    base = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["oss:PutObject"], "Resource": ["x"]}]}
    text = json.dumps(base, separators=(",", ":"))
    padding = length - len(text)
    base["Statement"][0]["Resource"] = ["x" + "y" * padding]
    text = json.dumps(base, separators=(",", ":"))
    assert len(text) == length
    return text


def test_sts_takes_session_policies_up_to_2048_characters():
    assert MAX_POLICY_CHARS == 2048
    assert _assume(_policy_of_length(2048))["Credentials"]["AccessKeyId"]
    with pytest.raises(AliyunApiError) as caught:
        _assume(_policy_of_length(2049))
    assert caught.value.code == "InvalidParameter.PolicySize"


class _Obj:
    bucket, key, size = "outin-upvend-local", "image/default/ABC.png", 10


def test_image_upload_complete_event_time_has_vod_millisecond_form():
    media = {"mediaId": "img1", "kind": "image", "userData": None}
    event = vod_events(media, _Obj(), "http://127.0.0.1:1")[0]
    assert event["EventType"] == "ImageUploadComplete"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d:\d{3}Z", event["EventTime"]), event["EventTime"]


def test_crc64_is_crc64_xz_in_both_implementations():
    from devtools.emulator.aliyun.oss import _crc64_python, crc64_ecma

    assert crc64_ecma(b"123456789") == _crc64_python(b"123456789") == 0x995DC9BBDF1939FA
    data = bytes(range(256)) * 40
    assert crc64_ecma(data) == _crc64_python(data)

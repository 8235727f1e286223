"""The PostObject V4 form builder, the STS session policy, and the emulator's policy checks."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

import pytest

from devtools.emulator.aliyun.oss_errors import OssError
from devtools.emulator.aliyun.oss_form import PostForm, check_policy, decode_policy, parse_multipart
from devtools.emulator.aliyun.oss_signature import v4_post_signature
from devtools.emulator.aliyun.ram_policy import PolicyGrammarError, allows, parse_policy
from upvend.aliyun.credentials import AliyunCredentials
from upvend.aliyun.callback_binding import verify_callback_binding
from upvend.aliyun.oss_policy import OssPostPolicy, callback_param
from upvend.aliyun.session_policy import oss_upload_policy
from upvend.errors import BadRequest, Forbidden

NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
ROLE = AliyunCredentials("STS.key", "role-secret", "role-token")


def _policy(**overrides) -> OssPostPolicy:
    args = dict(bucket="bkt", key="uploads/u1/2024/05/abc.jpg", content_type="image/jpeg", max_bytes=1000,
                region="cn-shanghai", expires_in=600, now=NOW)
    args.update(overrides)
    return OssPostPolicy(**args)


def _document(fields: dict[str, str]) -> dict:
    return json.loads(base64.b64decode(fields["policy"]))


def test_v4_form_pins_every_server_choice():
    fields = _policy().form_fields(ROLE)
    doc = _document(fields)
    assert doc["expiration"] == "2024-05-06T07:18:09.000Z"
    conds = doc["conditions"]
    assert {"bucket": "bkt"} in conds
    assert ["eq", "$key", "uploads/u1/2024/05/abc.jpg"] in conds
    assert ["content-length-range", 1, 1000] in conds
    assert ["eq", "$Content-Type", "image/jpeg"] in conds
    assert {"success_action_status": "200"} in conds
    assert {"x-oss-security-token": "role-token"} in conds
    assert fields["x-oss-credential"] == "STS.key/20240506/cn-shanghai/oss/aliyun_v4_request"
    assert {"x-oss-credential": fields["x-oss-credential"]} in conds
    assert fields["x-oss-date"] == "20240506T070809Z" and {"x-oss-date": "20240506T070809Z"} in conds
    assert fields["x-oss-security-token"] == "role-token"
    assert fields["x-oss-signature"] == v4_post_signature("role-secret", "20240506", "cn-shanghai", fields["policy"])
    assert "callback" not in fields and "role-secret" not in json.dumps(fields)


def test_without_a_token_the_form_has_no_token_field():
    fields = _policy().form_fields(AliyunCredentials("LTAIkey", "secret"))
    assert "x-oss-security-token" not in fields
    assert not any("x-oss-security-token" in c for c in _document(fields)["conditions"] if isinstance(c, dict))


def test_callback_is_pinned_and_names_the_uploader(monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_CALLBACK_KEY", "k" * 32)
    cb = callback_param("https://cb.example.com/oss", "bkt", "uploads/o-a%26b/2024/05/x.jpg", "o-a&b=${x}")
    fields = _policy(callback=cb).form_fields(ROLE)
    assert fields["callback"] == cb and {"callback": cb} in _document(fields)["conditions"]
    spec = json.loads(base64.b64decode(cb))
    assert spec["callbackUrl"] == "https://cb.example.com/oss"
    body = spec["callbackBody"]
    for var in ("${bucket}", "${object}", "${etag}", "${size}", "${mimeType}"):
        assert var in body
    # The user id is literal and encoded: it can neither break the form body nor inject a variable.
    assert parse_qs(body)["uid"] == ["o-a&b=${x}"] and "o-a%26b%3D%24%7Bx%7D" in body
    # The binding ties the callback to this bucket, key and owner, and to nothing else.
    binding = parse_qs(body)["binding"][0]
    verify_callback_binding("bkt", "uploads/o-a%26b/2024/05/x.jpg", "o-a&b=${x}", binding)
    for other in (("other", "uploads/o-a%26b/2024/05/x.jpg", "o-a&b=${x}"),
                  ("bkt", "uploads/o-a%26b/2024/05/y.jpg", "o-a&b=${x}"), ("bkt", "uploads/o-a%26b/2024/05/x.jpg", "o-b")):
        with pytest.raises(Forbidden):
            verify_callback_binding(*other, binding)


def test_session_policy_allows_only_uploads_inside_the_prefix():
    text = oss_upload_policy("bkt", "uploads/o-alice")
    policy = parse_policy(text)
    assert allows(policy, "oss:PutObject", "acs:oss:*:*:bkt/uploads/o-alice/2024/a.jpg")
    assert allows(policy, "oss:UploadPart", "acs:oss:*:*:bkt/uploads/o-alice/x.mp4")
    # Only the allowed extensions: no page, no script, no extension-less object.
    for refused in ("a.html", "a.svg", "x", "a.jpg.html"):
        assert not allows(policy, "oss:PutObject", f"acs:oss:*:*:bkt/uploads/o-alice/{refused}")
    assert not allows(policy, "oss:PutObject", "acs:oss:*:*:bkt/uploads/o-alicex/a.jpg")
    assert not allows(policy, "oss:PutObject", "acs:oss:*:*:bkt/uploads/o-bob/a.jpg")
    assert not allows(policy, "oss:GetObject", "acs:oss:*:*:bkt/uploads/o-alice/a.jpg")
    assert not allows(policy, "oss:DeleteObject", "acs:oss:*:*:bkt/uploads/o-alice/a.jpg")
    assert not allows(policy, "oss:PutObject", "acs:oss:*:*:other/uploads/o-alice/a.jpg")
    assert len(text) <= 2048


def test_session_policy_falls_back_to_the_prefix_then_refuses_what_cannot_fit():
    policy = parse_policy(oss_upload_policy("b" * 63, "uploads/" + "u" * 200))
    assert policy["Statement"][0]["Resource"] == ["acs:oss:*:*:" + "b" * 63 + "/uploads/" + "u" * 200 + "/*"]
    with pytest.raises(BadRequest):
        oss_upload_policy("bkt", "uploads/" + "u" * 2000)


def test_deny_wins_and_grammar_is_checked():
    policy = parse_policy(json.dumps({"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "oss:*", "Resource": "acs:oss:*:*:b/*"},
        {"Effect": "Deny", "Action": "oss:PutObject", "Resource": "acs:oss:*:*:b/secret/*"}]}))
    assert allows(policy, "OSS:putobject", "acs:oss:*:*:b/a")
    assert not allows(policy, "oss:PutObject", "acs:oss:*:*:b/secret/a")
    for bad in ("[]", "{}", '{"Version":"2","Statement":[]}', "not json",
                '{"Version":"1","Statement":[{"Effect":"Maybe","Action":"a","Resource":"b"}]}'):
        with pytest.raises(PolicyGrammarError):
            parse_policy(bad)


def _form(fields: dict[str, str], data: bytes = b"12345") -> PostForm:
    return PostForm(fields=list(fields.items()), file_name="a.jpg", data=data)


def _check(fields: dict[str, str], data: bytes = b"12345", now: datetime = NOW) -> None:
    check_policy(decode_policy(fields["policy"]), _form(fields, data), "bkt", now=now, token_needs_condition=True)


def test_emulator_accepts_the_built_form_as_is():
    _check(_policy().form_fields(ROLE))


@pytest.mark.parametrize("mutate, code", [
    (lambda f: f.update(key="uploads/u2/evil.jpg"), "AccessDenied"),
    (lambda f: f.update({"Content-Type": "text/html"}), "AccessDenied"),
    (lambda f: f.update(success_action_status="201"), "AccessDenied"),
    (lambda f: f.update({"x-oss-meta-owner": "someone"}), "AccessDenied"),
    (lambda f: f.pop("Content-Type"), "AccessDenied"),
])
def test_emulator_refuses_changed_fields(mutate, code):
    fields = _policy().form_fields(ROLE)
    mutate(fields)
    with pytest.raises(OssError) as exc:
        _check(fields)
    assert exc.value.code == code and exc.value.status == 403


def test_emulator_enforces_size_and_expiry():
    fields = _policy().form_fields(ROLE)
    with pytest.raises(OssError) as exc:
        _check(fields, data=b"x" * 1001)
    assert exc.value.code == "EntityTooLarge"
    with pytest.raises(OssError) as exc:
        _check(fields, data=b"")
    assert exc.value.code == "EntityTooSmall"
    with pytest.raises(OssError) as exc:
        _check(fields, now=NOW + timedelta(seconds=601))
    assert "expired" in exc.value.message


def test_multipart_parser_keeps_bytes_and_requires_file_last():
    data = b"\x00\xff\r\n--not-the-boundary\r\n"
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\na/b.jpg\r\n"
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.jpg\"\r\n"
            b"Content-Type: image/jpeg\r\n\r\n" + data + b"\r\n--XyZ--\r\n")
    form = parse_multipart(body, "multipart/form-data; boundary=XyZ")
    assert form.get("KEY") == "a/b.jpg" and form.data == data and form.file_type == "image/jpeg"
    late = body.replace(b"--XyZ--\r\n", b"--XyZ\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--XyZ--\r\n")
    with pytest.raises(OssError):
        parse_multipart(late, "multipart/form-data; boundary=XyZ")

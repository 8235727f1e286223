"""Tencent VOD upload signatures and COS PostObject policies at their edges, in any local time zone."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qsl

import pytest

from upvend.errors import ValidationFailed
from upvend.tencent.cos_policy import CosPostPolicy
from upvend.tencent.vod_signature import (MalformedSignature, VodUploadGrant, decode_signature, sign_grant,
                                          upload_grant_for)

VOD_ID, VOD_KEY = "AKIDvodexample0000000000000000000", "vod-secret-key-000000000000000000"


@pytest.fixture
def vod_settings(monkeypatch):
    monkeypatch.setenv("UPVEND_TENCENT_VOD_SECRET_ID", VOD_ID)
    monkeypatch.setenv("UPVEND_TENCENT_VOD_SECRET_KEY", VOD_KEY)
    for name in ("SIGNATURE_SECONDS", "PROCEDURE", "CLASS_ID", "SUB_APP_ID", "STORAGE_REGION", "ONE_TIME_VALID"):
        monkeypatch.delenv(f"UPVEND_TENCENT_VOD_{name}", raising=False)


@pytest.mark.parametrize("length, accepted", [(1, True), (249, True), (250, True), (251, False)])
def test_user_id_length_boundary(vod_settings, length, accepted):
    """The user id rides in sourceContext, which VOD caps at 250 characters."""
    user = "u" * length
    if accepted:
        assert upload_grant_for(user, now=1_700_000_000).source_context == user
    else:
        with pytest.raises(ValidationFailed) as caught:
            upload_grant_for(user, now=1_700_000_000)
        assert caught.value.code == "user_id_too_long" and caught.value.status == 400


def test_grant_from_settings(vod_settings, monkeypatch):
    grant = upload_grant_for("o-a", now=1_700_000_000)
    assert (grant.secret_id, grant.current_time, grant.expire_time, grant.one_time_valid) == (
        VOD_ID, 1_700_000_000, 1_700_000_600, 1)
    assert (grant.class_id, grant.procedure, grant.vod_sub_app_id, grant.storage_region) == (0, "", 0, "")
    assert 0 <= grant.random < 2**32
    monkeypatch.setenv("UPVEND_TENCENT_VOD_SIGNATURE_SECONDS", "7776000")  # the 90-day VOD maximum
    monkeypatch.setenv("UPVEND_TENCENT_VOD_PROCEDURE", "LongVideoPreset")
    monkeypatch.setenv("UPVEND_TENCENT_VOD_CLASS_ID", "7")
    monkeypatch.setenv("UPVEND_TENCENT_VOD_SUB_APP_ID", "1500000001")
    monkeypatch.setenv("UPVEND_TENCENT_VOD_STORAGE_REGION", "ap-chongqing")
    monkeypatch.setenv("UPVEND_TENCENT_VOD_ONE_TIME_VALID", "0")
    grant = upload_grant_for("o-a", now=1_700_000_000)
    assert grant.expire_time - grant.current_time == 7_776_000
    assert (grant.class_id, grant.procedure, grant.vod_sub_app_id, grant.storage_region, grant.one_time_valid) == (
        7, "LongVideoPreset", 1500000001, "ap-chongqing", 0)


def test_grant_uses_the_clock_when_no_time_is_given(vod_settings):
    import time

    before = int(time.time())
    grant = upload_grant_for("o-a")
    assert before <= grant.current_time <= int(time.time()) and grant.expire_time == grant.current_time + 600


def test_signed_text_order_and_omitted_parts():
    full = VodUploadGrant(secret_id="id", current_time=1, expire_time=2, random=3, class_id=4, procedure="p q",
                          source_context="o/a", one_time_valid=1, vod_sub_app_id=5, storage_region="ap-x")
    decoded = decode_signature(sign_grant(full, "k"))
    assert decoded.params == [("secretId", "id"), ("currentTimeStamp", "1"), ("expireTime", "2"), ("random", "3"),
                              ("classId", "4"), ("procedure", "p q"), ("sourceContext", "o/a"),
                              ("oneTimeValid", "1"), ("vodSubAppId", "5"), ("storageRegion", "ap-x")]
    assert decoded.original == ("secretId=id&currentTimeStamp=1&expireTime=2&random=3&classId=4&procedure=p+q"
                                "&sourceContext=o%2Fa&oneTimeValid=1&vodSubAppId=5&storageRegion=ap-x")
    assert decoded.mac == hmac.new(b"k", decoded.original.encode(), hashlib.sha1).digest()
    assert decoded.value("procedure") == "p q" and decoded.value("missing") is None
    bare = decode_signature(sign_grant(VodUploadGrant(secret_id="id", current_time=1, expire_time=2, random=0), "k"))
    assert [name for name, _ in bare.params] == ["secretId", "currentTimeStamp", "expireTime", "random"]


def raw_signature(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize("raw, ok", [
    (b"\x01" * 20, False),  # the HMAC alone: nothing was signed
    (b"\x01" * 19, False),
    (b"\x01" * 20 + b"a=1", True),
    (b"\x01" * 20 + b"\xff=1", False),  # not UTF-8
    (b"\x01" * 20 + b"a=1&&", False),  # not a strict query string
])
def test_decode_length_and_text_boundaries(raw, ok):
    if ok:
        decoded = decode_signature(raw_signature(raw))
        assert (decoded.mac, decoded.params) == (raw[:20], [("a", "1")])
    else:
        with pytest.raises(MalformedSignature):
            decode_signature(raw_signature(raw))


def test_decode_accepts_missing_padding_and_surrounding_space_but_not_url_encoding():
    signature = raw_signature(b"\x02" * 20 + b"a=12")  # 24 bytes: 32 characters, no padding needed
    unpadded = raw_signature(b"\x02" * 20 + b"a=1")  # 23 bytes: one '='
    assert unpadded.endswith("=") and not signature.endswith("=")
    assert decode_signature(unpadded.rstrip("=")).params == [("a", "1")]
    assert decode_signature(f"  {unpadded}\n").params == [("a", "1")]
    with pytest.raises(MalformedSignature):
        decode_signature(unpadded.replace("=", "%3D"))


def test_mac_matches_only_the_signing_key():
    decoded = decode_signature(sign_grant(VodUploadGrant(secret_id="id", current_time=1, expire_time=2, random=3),
                                          "key-1"))
    assert decoded.mac_matches("key-1") and not decoded.mac_matches("key-2")


POLICY = CosPostPolicy(bucket="media-1250000000", key="uploads/o-a/2023/11/x.jpg", content_type="image/jpeg",
                       max_bytes=1000, start=1_700_000_000, expires=1_700_000_600, meta={"uid": "o-a", "app": "z"})


def test_cos_policy_expiration_is_utc_whatever_the_local_zone():
    """1 700 000 600 is 2023-11-14T22:23:20Z; a local-time conversion would be off by the zone's offset."""
    assert POLICY.document("AKID")["expiration"] == "2023-11-14T22:23:20.000Z"


def test_cos_policy_document_pins_everything():
    assert POLICY.document("AKID")["conditions"] == [
        {"bucket": "media-1250000000"},
        ["eq", "$key", "uploads/o-a/2023/11/x.jpg"],
        ["content-length-range", 1, 1000],
        ["eq", "$Content-Type", "image/jpeg"],
        ["eq", "$x-cos-meta-app", "z"],
        ["eq", "$x-cos-meta-uid", "o-a"],
        {"q-sign-algorithm": "sha1"},
        {"q-ak": "AKID"},
        {"q-sign-time": "1700000000;1700000600"},
    ]


@pytest.mark.parametrize("token", [None, "", "session-token"])
def test_cos_form_fields(token):
    fields = POLICY.form_fields("AKID", "cos-secret", token)
    assert list(fields)[:4] == ["key", "Content-Type", "x-cos-meta-app", "x-cos-meta-uid"]
    text = base64.b64decode(fields["policy"]).decode()
    assert json.loads(text) == POLICY.document("AKID") and ", " not in text and ": " not in text
    sign_key = hmac.new(b"cos-secret", b"1700000000;1700000600", hashlib.sha1).hexdigest()
    assert fields["q-signature"] == hmac.new(sign_key.encode(), hashlib.sha1(text.encode()).hexdigest().encode(),
                                             hashlib.sha1).hexdigest()
    assert (fields["q-sign-algorithm"], fields["q-ak"], fields["q-key-time"]) == (
        "sha1", "AKID", "1700000000;1700000600")
    assert fields.get("x-cos-security-token") == (token or None)


def test_cos_policy_text_keeps_non_ascii_as_is():
    policy = CosPostPolicy(bucket="b-1", key="k", content_type="image/png", max_bytes=1, start=0, expires=1,
                           meta={"title": "猫"})
    assert "猫" in base64.b64decode(policy.form_fields("id", "key", None)["policy"]).decode()


def test_query_of_signed_parts_round_trips():
    grant = VodUploadGrant(secret_id="id", current_time=1, expire_time=2, random=3, source_context="a&b=c")
    assert dict(parse_qsl(decode_signature(sign_grant(grant, "k")).original))["sourceContext"] == "a&b=c"


def test_random_spans_32_bits(vod_settings):
    """VOD reads `random` as an unsigned 32-bit number: every value fits, and the top bit is used.

    Among 64 draws, none set is a 2**-64 chance, so this does not flake.
    """
    draws = [upload_grant_for("o-a", now=1_700_000_000).random for _ in range(64)]
    assert all(0 <= r < 2**32 for r in draws) and any(r >= 2**31 for r in draws)

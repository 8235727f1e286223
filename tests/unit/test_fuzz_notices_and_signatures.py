"""Property-based: notice parsers, signature verifiers and policy builders only ever fail with typed 4xx errors.

Covers the layer (Aliyun VOD and OSS callbacks, Tencent VOD events, storage
trigger events and the trigger entry point, the VOD signature decoder, the
policy builders and object-key helpers) and the emulator's own verifiers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.fuzz_support import FUZZ, anything, client_error_or, header_maps, json_values, module_env
from upvend.aliyun.credentials import AliyunCredentials
from upvend.aliyun.oss_policy import OssPostPolicy, callback_param
from upvend.aliyun.session_policy import oss_upload_policy
from upvend.aliyun.vod import media_rule, upload_auth_expiry, user_data
from upvend.errors import UpvendError
from upvend.http.body import parse_model
from upvend.media_api import decode_cursor, parse_public_id
from upvend.notices.aliyun_vod import VodEnvelope, parse_vod_event, verify_vod_signature, vod_notice, vod_signature
from upvend.notices.object_keys import kind_of, upload_key
from upvend.notices.oss_callback import PublicKeyCache, oss_notice, parse_callback_body, verify_oss_callback
from upvend.notices.storage_triggers import (CosTriggerEvent, OssTriggerEvent, cos_trigger_notices,
                                             oss_trigger_notices)
from upvend.notices.tencent_vod import VodEventContent, verify_path_token, vod_notices
from upvend.tencent.cam_policy import cos_upload_policy, policy_text
from upvend.tencent.cos_policy import CosPostPolicy
from upvend.tencent.vod_explain import explain_signature
from upvend.tencent.vod_signature import MalformedSignature, decode_signature
from upvend.trigger import trigger_handler
from upvend.uploads import caller_prefix, new_object_key, owner_from_key, upload_rule

KEY_URL = "https://gosspublic.alicdn.com/callback_pub_key_v1.pem"
PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=1024)
PEM = PRIVATE.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
TOKEN = "fuzz-callback-token-0123456789"


notice_settings = module_env(UPVEND_TENCENT_VOD_CALLBACK_TOKEN=TOKEN, UPVEND_ALIYUN_OSS_BUCKET="upvend-dev",
                             UPVEND_ALIYUN_OSS_CALLBACK_KEY="k" * 32)


texts = st.text(max_size=80)
events = st.one_of(json_values, st.dictionaries(st.sampled_from(
    ["EventType", "Status", "VideoId", "ImageId", "FileId", "Extend", "Size", "FileUrl", "EventTime", "MediaId",
     "FileUploadEvent", "ProcedureStateChangeEvent", "FileDeleteEvent", "Records", "Data", "object", "bucket"]),
    json_values, max_size=6))


# --- Aliyun VOD callback: X-VOD-SIGNATURE and the event body ------------------------------------------
@FUZZ
@given(headers=header_maps, stamp=st.one_of(texts, st.integers(0, 2**40).map(str)), sign=st.booleans())
def test_vod_signature_verifier(headers, stamp, sign):
    url, key = "https://example.com/aliyun/vod/callback", "k" * 16
    headers = {k: str(v) for k, v in headers.items()}
    headers["X-VOD-TIMESTAMP"] = stamp
    if sign:
        headers["X-VOD-SIGNATURE"] = vod_signature(url, stamp, key)
    result = client_error_or(lambda: verify_vod_signature(headers, url=url, keys=[key, ""], window=300,
                                                         now=float(stamp) if stamp.isascii() and stamp.isdigit() else 0.0))
    if sign and stamp.isascii() and stamp.isdigit() and len(stamp) <= 12:
        assert result is None  # a correct signature at its own time is accepted


@FUZZ
@given(data=events)
def test_vod_event_parsing_and_mapping(data):
    def run():
        event = parse_vod_event(parse_model(VodEnvelope, data))
        return vod_notice(event) if event is not None else None
    client_error_or(run)


# --- OSS callback: RSA-MD5 verification and the body -----------------------------------------------------
@FUZZ
@given(headers=header_maps, path=texts, query=texts, body=st.binary(max_size=120),
       trusted=st.booleans(), signed=st.booleans())
def test_oss_callback_verifier(headers, path, query, body, trusted, signed):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from upvend.notices.oss_callback import signed_text

    headers = {k: str(v) for k, v in headers.items()}
    if trusted:
        headers["x-oss-pub-key-url"] = base64.b64encode(KEY_URL.encode()).decode()
    if signed:
        signature = PRIVATE.sign(signed_text(path, query, body), padding.PKCS1v15(), hashes.MD5())
        headers["authorization"] = base64.b64encode(signature).decode()
    result = client_error_or(lambda: verify_oss_callback(headers, path, query, body,
                                                         keys=PublicKeyCache(lambda url: PEM)))
    if trusted and signed:
        assert result is None


@FUZZ
@given(body=st.one_of(st.binary(max_size=200), st.builds(lambda d: json.dumps(d).encode(), json_values)),
       content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded", "", "text/plain"]))
def test_oss_callback_body(body, content_type):
    client_error_or(lambda: oss_notice(parse_callback_body(body, content_type)))


# --- Tencent VOD push events and the path token ----------------------------------------------------------
@FUZZ
@given(data=events)
def test_tencent_vod_event_mapping(data):
    client_error_or(lambda: vod_notices(parse_model(VodEventContent, data)))


@FUZZ
@given(token=texts)
def test_tencent_path_token(token):
    result = client_error_or(lambda: verify_path_token(token))
    assert (result is None) == (token == TOKEN)


# --- storage trigger events, parsed and through the trigger entry point -----------------------------------
@FUZZ
@given(data=events)
def test_storage_trigger_events(data):
    client_error_or(lambda: oss_trigger_notices(parse_model(OssTriggerEvent, data)))
    client_error_or(lambda: cos_trigger_notices(parse_model(CosTriggerEvent, data)))


COUNT_OSS = trigger_handler(OssTriggerEvent, lambda e: {"notices": len(oss_trigger_notices(e)[0])}, function="f")
COUNT_COS = trigger_handler(CosTriggerEvent, lambda e: {"notices": len(cos_trigger_notices(e)[0])}, function="f")


@FUZZ
@given(event=anything)
def test_trigger_entry_point_rejects_instead_of_raising(event):
    for handler in (COUNT_OSS, COUNT_COS):
        result = handler(event, {"request_id": "r"})
        assert result["status"] in ("ok", "rejected")
        if result["status"] == "rejected":  # only 4xx errors are answered; 5xx raise so the platform retries
            assert result["error"]["code"] and result["error"]["message"] and result["error"]["requestId"] == "r"


# --- Tencent VOD signature decoder and explainer -----------------------------------------------------------
signatures = st.one_of(texts, st.builds(lambda b: base64.b64encode(b).decode(), st.binary(max_size=120)),
                       st.builds(lambda mac, q: base64.b64encode(mac + q.encode()).decode(),
                                 st.binary(min_size=20, max_size=20), texts))


@FUZZ
@given(signature=signatures, key=st.one_of(st.none(), texts))
def test_vod_signature_decoder_and_explainer(signature, key):
    try:
        decoded = decode_signature(signature)
        assert len(decoded.mac) == 20 and isinstance(decoded.mac_matches(key or "k"), bool)
    except MalformedSignature:
        pass
    explained = explain_signature(signature, key)
    assert explained.hmac in ("match", "mismatch", "unchecked")
    json.dumps(explained.to_dict())


# --- policy builders and key helpers: hostile file names, types, sizes and user ids -------------------------
@FUZZ
@given(name=texts, ctype=texts, size=st.one_of(st.none(), st.integers(-5, 2**40)))
def test_upload_rules(name, ctype, size):
    client_error_or(lambda: upload_rule(name, ctype, size))
    client_error_or(lambda: media_rule(name, size))


@FUZZ
@given(user=st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True), ext=st.sampled_from(["jpg", "mp4", "png"]), ctype=texts,
       size=st.integers(1, 2**40), seconds=st.integers(1, 86400))
def test_policy_builders_keep_the_caller_inside_its_prefix(user, ext, ctype, size, seconds):
    key = new_object_key(user, ext)
    prefix = caller_prefix(user)
    assert key.startswith(prefix + "/") and owner_from_key(key) == user
    issued = upload_key(key)
    assert issued is not None and issued.owner == user
    json.loads(oss_upload_policy("bucket", prefix))
    json.loads(policy_text(cos_upload_policy("ap-guangzhou", "b-1250000000", prefix)))
    creds = AliyunCredentials("id", "secret", "token")
    callback = callback_param("https://example.com/cb", "bucket", key, user)
    form = OssPostPolicy("bucket", key, ctype, size, "cn-hangzhou", seconds, callback=callback).form_fields(creds)
    assert json.loads(base64.b64decode(form["policy"]))["conditions"]
    now = int(datetime.now(timezone.utc).timestamp())
    cos = CosPostPolicy("b-1250000000", key, ctype, size, now, now + seconds, {"uid": user})
    assert cos.form_fields("sid", "skey", None)["key"] == key
    client_error_or(lambda: user_data(user))


@FUZZ
@given(token=texts, reported=texts, blob=st.one_of(texts, signatures))
def test_public_ids_cursors_and_reported_keys(token, reported, blob):
    assert parse_public_id(token) is None or parse_public_id(token)[0] in ("aliyun", "tencent")
    client_error_or(lambda: decode_cursor(token))
    upload_key(reported)
    kind_of(token, reported)
    assert upload_auth_expiry(blob).tzinfo is not None


# --- the emulator's verifiers: their own typed errors, never a crash -----------------------------------------
@FUZZ
@given(value=texts, params=st.dictionaries(texts, texts, max_size=5), body=st.binary(max_size=300),
       ctype=st.one_of(texts, st.just("multipart/form-data; boundary=xyz")))
def test_emulator_verifiers(value, params, body, ctype):
    from devtools.emulator.aliyun.oss_errors import OssError
    from devtools.emulator.aliyun.oss_form import decode_policy, parse_multipart
    from devtools.emulator.aliyun.ram_policy import PolicyGrammarError, parse_policy
    from devtools.emulator.aliyun.rpc_signature import rpc_signature_valid
    from devtools.emulator.tencent.account import DEV_ACCOUNT
    from devtools.emulator.tencent.cos_signature import parse_cos_authorization
    from devtools.emulator.tencent.keys import KeyRing
    from devtools.emulator.tencent.post_policy import PolicyViolation, check_post_form
    from devtools.emulator.tencent.tc3 import parse_authorization
    from devtools.emulator.tencent.ugc_signature import UgcSignatureError, verify_ugc_signature

    assert isinstance(rpc_signature_valid("secret", "POST", {**params, "Signature": value}), bool)
    parse_authorization(value)
    assert isinstance(parse_cos_authorization(value), dict)
    for call, expected in ((lambda: verify_ugc_signature(value, KeyRing(DEV_ACCOUNT), 0), UgcSignatureError),
                           (lambda: check_post_form(ctype, body, "b-1250000000"), PolicyViolation),
                           (lambda: parse_multipart(body, ctype), OssError),
                           (lambda: decode_policy(value), OssError),
                           (lambda: parse_policy(value), PolicyGrammarError)):
        try:
            call()
        except expected:
            pass


def test_the_fuzzed_verifiers_accept_what_they_should():
    """The properties above would pass vacuously if everything were refused: check one accept each."""
    mac = hmac.new(b"k", b"secretId=a&currentTimeStamp=1&expireTime=2&random=3", hashlib.sha1).digest()
    sig = base64.b64encode(mac + b"secretId=a&currentTimeStamp=1&expireTime=2&random=3").decode()
    assert decode_signature(sig).mac_matches("k")
    assert explain_signature(sig, "k").hmac == "match"
    assert isinstance(upload_rule("a.jpg", "image/jpeg", 10).max_bytes, int)
    with pytest.raises(UpvendError):
        verify_path_token("x" * 30)

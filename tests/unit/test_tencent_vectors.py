"""The Tencent signature code, layer and emulator, against the published vectors (tencent.md §11)."""

from __future__ import annotations

import base64
import hashlib

import pytest

from devtools.emulator.tencent.cos_signature import (
    header_list, post_policy_signature, sign_key, xml_request_signature, xml_string_to_sign)
from devtools.emulator.tencent.keys import KeyRing
from devtools.emulator.tencent.account import TencentDevAccount
from devtools.emulator.tencent.tc3 import canonical_request, signing_key, tc3_signature
from devtools.emulator.tencent.ugc_signature import UgcSignatureError, verify_ugc_signature
from upvend.tencent.cos_policy import cos_sign_key, post_object_signature
from upvend.tencent.vod_signature import VodUploadGrant, decode_signature, sign_grant, sign_original

T1_ID, T1_KEY = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
T1_PAYLOAD = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
T1_HEADERS = {"content-type": "application/json; charset=utf-8", "host": "cvm.tencentcloudapi.com"}
COS_KEY = "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz"
T6_POLICY = """{
    "expiration": "2019-08-30T09:38:12.414Z",
    "conditions": [
        { "acl": "default" },
        { "bucket": "examplebucket-1250000000" },
        [ "starts-with", "$key", "folder/subfolder/" ],
        [ "starts-with", "$Content-Type", "image/" ],
        [ "starts-with", "$success_action_redirect", "https://my.website/" ],
        [ "eq", "$x-cos-server-side-encryption", "AES256" ],
        { "q-sign-algorithm": "sha1" },
        { "q-ak": "AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q" },
        { "q-sign-time": "1567150692;1567157892" }
    ]
}"""
T7_SIGNATURE = ("PXZ/c2Yl7f6kCsu7xzqKGE0NicpzZWNyZXRJZD1BS0lEejhrcmJzSjV5S0JaUXBuNzRXRmttTFB4M0VYQU1QTEUmY3VycmVudF"
                "RpbWVTdGFtcD0xNzAwMDAwMDAwJmV4cGlyZVRpbWU9MTcwMDA4NjQwMCZyYW5kb209MTIzNDU2")
T7_ORIGINAL = f"secretId={T1_ID}&currentTimeStamp=1700000000&expireTime=1700086400&random=123456"


def test_t1_tc3_signature():
    assert hashlib.sha256(T1_PAYLOAD).hexdigest() == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    canonical = canonical_request("POST", "/", "", T1_HEADERS, ["content-type", "host"], T1_PAYLOAD)
    assert hashlib.sha256(canonical.encode()).hexdigest() == \
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    assert signing_key(T1_KEY, "2019-02-25", "cvm").hex() == \
        "ac658d5dde49e9bfdd14e04e062f66b05d9f637d44b8a8d845327d4a77f666b1"
    assert tc3_signature(T1_KEY, 1551113065, "cvm", canonical) == \
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"


def test_t2_tc3_signature_with_action_header_lowercased():
    headers = {**T1_HEADERS, "x-tc-action": "DescribeInstances"}
    canonical = canonical_request("POST", "/", "", headers, ["content-type", "host", "x-tc-action"], T1_PAYLOAD)
    assert hashlib.sha256(canonical.encode()).hexdigest() == \
        "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
    assert signing_key("*" * 32, "2019-02-25", "cvm").hex() == \
        "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af"
    assert tc3_signature("*" * 32, 1551113065, "cvm", canonical) == \
        "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"


def test_tc3_signature_changes_with_payload():
    canonical = canonical_request("POST", "/", "", T1_HEADERS, ["content-type", "host"], T1_PAYLOAD + b" ")
    assert tc3_signature(T1_KEY, 1551113065, "cvm", canonical) != \
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"


def test_t4_cos_xml_put():
    headers = {"Date": "Thu, 16 May 2019 06:45:51 GMT",
               "Host": "examplebucket-1250000000.cos.ap-beijing.myqcloud.com", "Content-Type": "text/plain",
               "Content-Length": "13", "Content-MD5": "mQ/fVh815F3k6TAUm8m0eg==", "x-cos-acl": "private",
               "x-cos-grant-read": 'uin="100000000011"'}
    key_time = "1557989151;1557996351"
    assert sign_key(COS_KEY, key_time) == "eb2519b498b02ac213cb1f3d1a3d27a3b3c9bc5f"
    assert header_list(headers) == "content-length;content-md5;content-type;date;host;x-cos-acl;x-cos-grant-read"
    assert xml_string_to_sign(key_time, "PUT", "/exampleobject(腾讯云)", {}, headers) == \
        f"sha1\n{key_time}\n8b2751e77f43a0995d6e9eb9477f4b685cca4172\n"
    assert xml_request_signature(COS_KEY, key_time, "PUT", "/exampleobject(腾讯云)", {}, headers) == \
        "3b8851a11a569213c17ba8fa7dcf2abec6935172"


def test_t5_cos_xml_get_with_params():
    params = {"response-content-type": "application/octet-stream", "response-cache-control": "max-age=600"}
    headers = {"Date": "Thu, 16 May 2019 06:55:53 GMT",
               "Host": "examplebucket-1250000000.cos.ap-beijing.myqcloud.com"}
    key_time = "1557989753;1557996953"
    assert sign_key(COS_KEY, key_time) == "937914bf490e9e8c189836aad2052e4feeb35eaf"
    assert header_list(params) == "response-cache-control;response-content-type"
    assert xml_string_to_sign(key_time, "GET", "/exampleobject(腾讯云)", params, headers) == \
        f"sha1\n{key_time}\n54ecfe22f59d3514fdc764b87a32d8133ea611e6\n"
    assert xml_request_signature(COS_KEY, key_time, "GET", "/exampleobject(腾讯云)", params, headers) == \
        "01681b8c9d798a678e43b685a9f1bba0f6c0e012"


def test_t6_post_object_signature_layer_and_emulator():
    key_time = "1567150692;1567157892"
    assert base64.b64encode(T6_POLICY.encode()).decode().startswith("ewogICAgImV4cGlyYXRpb24iOiAiMjAxOS0wOC0z")
    assert hashlib.sha1(T6_POLICY.encode()).hexdigest() == "d5d903b8360468bc81c1311f134989bc8c8b5b89"
    assert cos_sign_key(COS_KEY, key_time) == "39acc8c9f34ba5b19bce4e965b370cd3f62d2fba"
    assert post_object_signature(COS_KEY, key_time, T6_POLICY) == "7758dc9a832e9d301dca704cacbf9d9f8172fdef"
    assert post_policy_signature(COS_KEY, key_time, T6_POLICY.encode()) == "7758dc9a832e9d301dca704cacbf9d9f8172fdef"


def test_t7_vod_signature_sign_and_decode():
    assert sign_original(T7_ORIGINAL, T1_KEY) == T7_SIGNATURE
    grant = VodUploadGrant(secret_id=T1_ID, current_time=1700000000, expire_time=1700086400, random=123456)
    assert sign_grant(grant, T1_KEY) == T7_SIGNATURE
    decoded = decode_signature(T7_SIGNATURE)
    assert decoded.mac.hex() == "3d767f736625edfea40acbbbc73a8a184d0d89ca"
    assert decoded.original == T7_ORIGINAL
    assert decoded.mac_matches(T1_KEY) and not decoded.mac_matches(T1_KEY + "x")


def test_t7_vod_signature_emulator_verifier():
    account = TencentDevAccount(vod_secret_id=T1_ID, vod_secret_key=T1_KEY)
    keys = KeyRing(account)
    params = verify_ugc_signature(T7_SIGNATURE, keys, account.vod_sub_app_id, now=1700000100)
    assert params["random"] == "123456"
    with pytest.raises(UgcSignatureError, match="expired"):
        verify_ugc_signature(T7_SIGNATURE, keys, account.vod_sub_app_id, now=1700086400)
    tampered = base64.b64encode(base64.b64decode(T7_SIGNATURE)[:-1] + b"7").decode()
    with pytest.raises(UgcSignatureError, match="HMAC"):
        verify_ugc_signature(tampered, keys, account.vod_sub_app_id, now=1700000100)
    with pytest.raises(UgcSignatureError, match="permanent key"):
        verify_ugc_signature(T7_SIGNATURE, KeyRing(TencentDevAccount()), account.vod_sub_app_id, now=1700000100)


def test_the_signed_query_text_is_exactly_what_urlencode_writes():
    from urllib.parse import urlencode

    from upvend.tencent.vod_signature import query_text

    texts = ["", "AKIDabc123", "1700000000", "ap-guangzhou", "o-user_1.x~y", "a b", "a+b", "a&b=c", "100%",
             "用户", "tab\there", "/path?q", "~", "-._~", "ü"]
    pairs = [(f"k{i}", text) for i, text in enumerate(texts)] + [("name with space", "v"), ("sourceContext", "o-b")]
    assert query_text(pairs) == urlencode(pairs)

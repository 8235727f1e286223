"""VOD signature explanations, Tencent error mapping, and the emulator's CAM policy evaluation."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import pytest

from devtools.emulator.tencent.keys import policy_allows
from upvend.errors import RateLimited, UpstreamError, ValidationFailed
from upvend.tencent.api import tencent_error
from upvend.tencent.cam_policy import cos_form_policy, cos_upload_policy
from upvend.tencent.sts import role_session_name
from upvend.tencent.vod_explain import explain_signature
from upvend.tencent.vod_signature import sign_original

KEY = "unit-test-vod-key"
NOW = 1_700_000_000


def sign(original: str) -> str:
    return sign_original(original, KEY)


def problems(original: str, key: str | None = KEY, now: float = NOW) -> list[str]:
    return explain_signature(sign(original), key, now=now).problems


BASE = f"secretId=AKIDx&currentTimeStamp={NOW}&expireTime={NOW + 600}&random=42"


def test_a_good_signature_has_no_problems():
    result = explain_signature(sign(BASE + "&sourceContext=o-a&oneTimeValid=1"), KEY, now=NOW + 1)
    assert result.ok and result.hmac == "match"
    assert [f.name for f in result.fields] == ["secretId", "currentTimeStamp", "expireTime", "random",
                                               "sourceContext", "oneTimeValid"]
    assert all(f.meaning for f in result.fields)


@pytest.mark.parametrize("original, now, expected", [
    (BASE, NOW + 601, "expired"),
    (f"secretId=AKIDx&currentTimeStamp={NOW}&expireTime={NOW + 7_776_001}&random=1", NOW, "validity too long"),
    (f"secretId=AKIDx&currentTimeStamp={NOW}&expireTime={NOW}&random=1", NOW - 5, "not after currentTimeStamp"),
    (f"secretId=AKIDx&currentTimeStamp={NOW}&expireTime={NOW + 60}&random=4294967296", NOW, "random: out of range"),
    (f"secretId=AKIDx&currentTimeStamp={NOW}&random=1", NOW, "expireTime: required but missing"),
    (BASE + "&oneTimeValid=2", NOW, "oneTimeValid: must be 0 or 1"),
    (BASE + "&sourceContext=" + "a" * 251, NOW, "sourceContext: longer than 250"),
    (BASE + "&isTranscode=1", NOW, "isTranscode: unknown parameter"),
    (f"secretId=AKIDx&currentTimeStamp={NOW + 3600}&expireTime={NOW + 4000}&random=1", NOW, "in the future"),
    ("s=AKIDx&t=1&e=2&r=3", NOW, "UGC v1"),
])
def test_each_problem_is_named(original, now, expected):
    assert any(expected in p for p in problems(original, now=now)), problems(original, now=now)


@pytest.mark.parametrize("current, expire, field", [
    ("1", "99999999999999999999", "expireTime"),  # past datetime's range: OverflowError
    ("-99999999999999", str(NOW + 600), "currentTimeStamp"),  # year out of range: ValueError
    ("-1", str(NOW + 600), "currentTimeStamp"),
    (str(NOW), "253402300800", "expireTime"),  # one second after 9999-12-31T23:59:59Z
])
def test_times_outside_the_calendar_are_problems_not_errors(current, expire, field):
    result = explain_signature(sign(f"secretId=AKIDx&currentTimeStamp={current}&expireTime={expire}&random=1"),
                               KEY, now=NOW)
    assert f"{field}: not a valid Unix time: must be 0..253402300799 (up to 9999-12-31T23:59:59Z)" in result.problems
    assert [f.problem for f in result.fields if f.name == field] == [result.problems[0].split(": ", 1)[1]]
    assert not result.ok and result.hmac == "match"


def test_the_last_calendar_second_is_still_a_time():
    result = explain_signature(sign(f"secretId=AKIDx&currentTimeStamp={NOW}&expireTime=253402300799&random=1"),
                               KEY, now=NOW)
    assert result.problems == ["validity too long: 251702300799 s; VOD allows at most 7776000 s (90 days)"]
    assert [f.value for f in result.fields if f.name == "expireTime"] == ["253402300799 (9999-12-31T23:59:59Z)"]


def _with(field: str, value: str | None) -> str:
    pairs = {"secretId": "AKIDx", "currentTimeStamp": str(NOW), "expireTime": str(NOW + 600), "random": "42"}
    pairs[field] = value
    return urlencode([(k, v) for k, v in pairs.items() if v is not None])


MALFORMED = [
    ("currentTimeStamp", "abc", "not a plain integer (Unix seconds)"),
    ("currentTimeStamp", "1e3", "not a plain integer (Unix seconds)"),
    ("currentTimeStamp", "\uff11\uff17\uff10\uff10", "not a plain integer (Unix seconds)"),  # fullwidth digits
    ("currentTimeStamp", "\u00b2", "not a plain integer (Unix seconds)"),  # a digit to str.isdigit
    ("currentTimeStamp", "", "not a plain integer (Unix seconds)"),
    ("expireTime", "+1700000600", "not a plain integer (Unix seconds)"),
    ("expireTime", " 1700000600", "not a plain integer (Unix seconds)"),
    ("expireTime", "1_700_000_600", "not a plain integer (Unix seconds)"),
    ("random", "x", "not a plain integer (must be 0..4294967295)"),
    ("random", "\u0664\u0662", "not a plain integer (must be 0..4294967295)"),  # Arabic-Indic digits
    ("random", "4294967296", "out of range: must be 0..4294967295"),
    ("random", "-1", "out of range: must be 0..4294967295"),
    ("secretId", "", "empty"),
    ("secretId", "AKID x", "not a SecretId (ASCII letters and digits only)"),
]


@pytest.mark.parametrize("field, value, problem", MALFORMED)
def test_each_malformed_required_field_is_named(field, value, problem):
    result = explain_signature(sign(_with(field, value)), KEY, now=NOW + 1)
    assert result.hmac == "match"  # correctly signed, so only the field itself is wrong
    assert result.problems == [f"{field}: {problem}"]
    assert [f.problem for f in result.fields if f.name == field] == [problem]


@pytest.mark.parametrize("field", ["secretId", "currentTimeStamp", "expireTime", "random"])
def test_each_missing_required_field_is_named(field):
    result = explain_signature(sign(_with(field, None)), KEY, now=NOW + 1)
    assert result.problems == [f"{field}: required but missing"] and result.hmac == "match"


def test_random_at_the_edges_of_its_range_is_fine():
    for value in ("0", "4294967295"):
        assert explain_signature(sign(_with("random", value)), KEY, now=NOW + 1).ok


def test_hmac_mismatch_and_unchecked():
    assert any("HMAC does not match" in p for p in problems(BASE, key="other", now=NOW))
    assert explain_signature(sign(BASE), None, now=NOW).hmac == "unchecked"


@pytest.mark.parametrize("signature, expected", [
    ("%%%", "not valid base64"),
    (base64.b64encode(b"short").decode(), "only 5 bytes"),
    (base64.b64encode(b"\x00" * 20 + b"\xff\xfe").decode(), "not UTF-8"),
])
def test_malformed_signatures(signature, expected):
    result = explain_signature(signature, KEY)
    assert not result.ok and expected in result.problems[0] and result.problems[0].startswith("malformed")


@pytest.mark.parametrize("code, error_class, status", [
    ("RequestLimitExceeded", RateLimited, 429),
    ("RequestLimitExceeded.UinLimitExceeded", RateLimited, 429),
    ("AuthFailure.SignatureFailure", UpstreamError, 502),
    ("ResourceNotFound.RoleNotExist", UpstreamError, 502),
    ("InternalError", UpstreamError, 502),
    ("ClientNetworkError", UpstreamError, 502),
])
def test_tencent_codes_map_to_statuses(code, error_class, status):
    error = tencent_error("STS", "AssumeRole", code, "message", "req-1")
    assert isinstance(error, error_class) and error.status == status
    assert error.details == {"tencentCode": code, "tencentRequestId": "req-1"}


def test_caller_caused_codes_map_to_400_only_when_declared():
    error = tencent_error("VOD", "X", "InvalidParameterValue.Name", "bad name", None,
                          frozenset({"InvalidParameterValue.Name"}))
    assert isinstance(error, ValidationFailed) and error.status == 400
    assert tencent_error("STS", "AssumeRole", "InvalidParameterValue.Name", "m", None).status == 502


def test_upload_policy_allows_only_typed_capped_uploads_inside_the_prefix():
    policy = cos_upload_policy("ap-guangzhou", "b-1250000000", "uploads/o-a")
    inside = "qcs::cos:ap-guangzhou:uid/1250000000:b-1250000000/uploads/o-a/2026/01/x.jpg"
    jpeg = {"cos:content-type": "image/jpeg", "cos:content-length": "10"}
    assert policy_allows(policy, "name/cos:PutObject", inside, jpeg)
    assert policy_allows(policy, "name/cos:InitiateMultipartUpload", inside, {"cos:content-type": ""})
    assert policy_allows(policy, "name/cos:UploadPart", inside)
    assert policy_allows(policy, "name/cos:PostObject", inside, {"cos:content-length": str(20 << 20)})
    assert not policy_allows(policy, "name/cos:PostObject", inside, {"cos:content-length": str(25 << 20)})
    assert not policy_allows(policy, "name/cos:PostObject", inside.replace("x.jpg", "x.html"),
                             {"cos:content-length": "10"})
    # The keys a client holds cannot read, delete, or leave the prefix.
    assert not policy_allows(policy, "name/cos:GetObject", inside)
    assert not policy_allows(policy, "name/cos:DeleteObject", inside)
    assert not policy_allows(policy, "name/cos:PutObject", inside.replace("o-a/", "o-ab/"), jpeg)
    assert not policy_allows(policy, "name/cos:PutObject", inside.replace("ap-guangzhou", "ap-beijing"), jpeg)
    # Nor store a page, an SVG under an image name, or more than the class allows.
    assert not policy_allows(policy, "name/cos:PutObject", inside.replace("x.jpg", "x.html"),
                             {"cos:content-type": "text/html", "cos:content-length": "10"})
    assert not policy_allows(policy, "name/cos:PutObject", inside, {**jpeg, "cos:content-type": "image/svg+xml"})
    assert not policy_allows(policy, "name/cos:PutObject", inside, {**jpeg, "cos:content-length": str(25 << 20)})
    assert not policy_allows(policy, "name/cos:PutObject", inside, {"cos:content-type": "image/jpeg"})
    assert policy_allows(policy, "name/cos:PutObject", inside, {"cos:content-length": "10"})  # COS stores no type
    assert not policy_allows(policy, "name/cos:PutObject", inside.replace("x.jpg", "x.mp4"), jpeg)
    deny = {"statement": [*policy["statement"], {"effect": "deny", "action": ["name/cos:PutObject"],
                                                 "resource": ["*"]}]}
    assert not policy_allows(deny, "name/cos:PutObject", inside, jpeg)


def test_form_keys_may_only_post_objects():
    policy = cos_form_policy("ap-guangzhou", "b-1250000000", "uploads/o-a")
    inside = "qcs::cos:ap-guangzhou:uid/1250000000:b-1250000000/uploads/o-a/2026/01/x.jpg"
    assert policy_allows(policy, "name/cos:PostObject", inside)
    assert not policy_allows(policy, "name/cos:PutObject", inside, {"cos:content-type": "image/jpeg",
                                                                     "cos:content-length": "1"})


def test_role_session_name_is_valid_for_any_user_id():
    assert role_session_name("o-abc_DEF") == "upvend-o-abc_DEF"
    assert role_session_name("用户 /x") == "upvend-____x"
    assert len(role_session_name("x" * 500)) == 128


@pytest.mark.parametrize("folder", ["tencent_vod_signature", "tencent_cos_sts", "tencent_cos_post_policy",
                                    "tencent_vod_explain"])
def test_loading_a_function_does_not_import_the_tencent_sdk(folder):
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    code = ("import importlib.util, sys; sys.path.insert(0, 'shared');"
            f"s = importlib.util.spec_from_file_location('fn', 'functions/{folder}/index.py');"
            "m = importlib.util.module_from_spec(s); s.loader.exec_module(m);"
            "print(sorted({n.split('.')[0] for n in sys.modules} & {'tencentcloud', 'qcloud_cos', 'requests'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

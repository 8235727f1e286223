"""The URL signers of GET /media against published worked examples and the official SDKs' own signers.

Known answers: Tencent Cloud VOD "Key hotlink protection" (document 266/14047; intl 266/33986), examples 1-3;
Alibaba Cloud CDN "Type A signing" (doc 85113). OSS and COS presigned URLs are compared with what oss2 and
cos-python-sdk-v5 sign for the same key, time and object, and the emulator's verifiers are checked on both.
"""

from __future__ import annotations

import datetime as real_datetime
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest

from devtools.emulator.cdn_url_auth import UrlAuthFailed, check_key_hotlink, check_type_a
from upvend.playback import cdn_type_a, cos_url, oss_url, vod_key_hotlink

DOC_KEY, DOC_URL, DOC_US, DOC_EXPIRY = "24FEQmTzro4V5u3D5epW", "http://example.vod2.myqcloud.com/dir1/dir2/myVideo.mp4", \
    "72d4cd1101", 1517400000


@pytest.mark.parametrize("exper, rlimit, query", [
    (0, 0, "t=5a71afc0&us=72d4cd1101&sign=3d8488faeb37d52d6bf63b63c1b171c3"),
    (0, 3, "t=5a71afc0&rlimit=3&us=72d4cd1101&sign=c5214f0d5961b13acd558b4957c4dfc5"),
    (300, 0, "t=5a71afc0&exper=300&us=72d4cd1101&sign=547d98c4b91e81b5ea55c95cef63223f"),
])
def test_tencent_key_hotlink_matches_the_documented_examples(exper, rlimit, query):
    signed = vod_key_hotlink.sign_key_hotlink(DOC_URL, DOC_KEY, DOC_EXPIRY, DOC_US, exper, rlimit)
    assert signed == f"{DOC_URL}?{query}"
    params = dict(parse_qsl(urlsplit(signed).query))
    check_key_hotlink("/dir1/dir2/myVideo.mp4", params, DOC_KEY, now=DOC_EXPIRY)


def test_tencent_key_hotlink_verifier_boundaries():
    params = dict(parse_qsl("t=5a71afc0&us=72d4cd1101&sign=3d8488faeb37d52d6bf63b63c1b171c3"))
    path = "/dir1/dir2/myVideo.mp4"
    check_key_hotlink(path, params, DOC_KEY, now=DOC_EXPIRY + 300)  # the documented 300 s tolerance
    with pytest.raises(UrlAuthFailed, match="expired"):
        check_key_hotlink(path, params, DOC_KEY, now=DOC_EXPIRY + 301)
    with pytest.raises(UrlAuthFailed, match="does not match"):
        check_key_hotlink("/dir1/other/myVideo.mp4", params, DOC_KEY, now=DOC_EXPIRY)
    with pytest.raises(UrlAuthFailed, match="does not match"):
        check_key_hotlink(path, {**params, "rlimit": "9"}, DOC_KEY, now=DOC_EXPIRY)
    with pytest.raises(UrlAuthFailed, match="missing"):
        check_key_hotlink(path, {"t": "5a71afc0"}, DOC_KEY, now=DOC_EXPIRY)


def test_aliyun_type_a_matches_the_documented_example():
    signed = cdn_type_a.sign_type_a("http://cdn.example.com/video/standard/1K.html", "aliyuncdnexp1234",
                                    1444435200, "0", "0")
    assert signed == ("http://cdn.example.com/video/standard/1K.html"
                      "?auth_key=1444435200-0-0-80cd3862d699b7118eed99103f2a3a4f")


def test_aliyun_type_a_verifier_boundaries():
    params = {"auth_key": "1444435200-0-0-80cd3862d699b7118eed99103f2a3a4f"}
    path = "/video/standard/1K.html"
    check_type_a(path, params, "aliyuncdnexp1234", 1800, now=1444435200 + 1800)
    with pytest.raises(UrlAuthFailed, match="expired"):
        check_type_a(path, params, "aliyuncdnexp1234", 1800, now=1444435200 + 1801)
    with pytest.raises(UrlAuthFailed, match="does not match"):
        check_type_a(path, params, "another-key-0000", 1800, now=1444435200)
    with pytest.raises(UrlAuthFailed, match="does not match"):
        check_type_a("/video/standard/2K.html", params, "aliyuncdnexp1234", 1800, now=1444435200)
    with pytest.raises(UrlAuthFailed, match="malformed"):
        check_type_a(path, {}, "aliyuncdnexp1234", 1800, now=1444435200)


def test_type_a_refuses_a_rand_with_a_dash():
    with pytest.raises(ValueError):
        cdn_type_a.sign_type_a("http://cdn.example.com/a.mp4", "k" * 16, 1, "a-b")


FIXED = real_datetime.datetime(2024, 5, 1, 8, 0, 0)
KEY = "uploads/o-alice/2024/05/a b+c.jpg"


@pytest.fixture
def frozen_oss2(monkeypatch):
    import oss2.auth

    class Frozen(real_datetime.datetime):
        @classmethod
        def utcnow(cls):
            return FIXED
    monkeypatch.setattr(oss2.auth, "datetime", Frozen)
    monkeypatch.setattr(oss2.auth.time, "time", lambda: FIXED.replace(tzinfo=real_datetime.timezone.utc).timestamp())
    return oss2


@pytest.mark.parametrize("process", [None, "image/resize,m_lfit,w_320,h_320"])
def test_oss_v4_presign_equals_oss2(frozen_oss2, process):
    oss2 = frozen_oss2
    bucket = oss2.Bucket(oss2.StsAuth("STS.NTEST", "secret123", "tok/en+=", auth_version="v4"),
                         "https://oss-cn-hangzhou.aliyuncs.com", "upvend-dev", region="cn-hangzhou")
    theirs = bucket.sign_url("GET", KEY, 600, params={"x-oss-process": process} if process else None,
                             slash_safe=True)
    ours = oss_url.presign_v4("https://upvend-dev.oss-cn-hangzhou.aliyuncs.com", "upvend-dev", KEY,
                              access_key_id="STS.NTEST", secret="secret123", region="cn-hangzhou",
                              now=FIXED.replace(tzinfo=real_datetime.timezone.utc), expires_in=600,
                              security_token="tok/en+=", process=process)
    assert urlsplit(ours).path == urlsplit(theirs).path
    assert parse_qs(urlsplit(ours).query) == parse_qs(urlsplit(theirs).query)


@pytest.mark.parametrize("process", [None, "image/resize,w_320"])
def test_oss_v1_presign_equals_oss2(frozen_oss2, process):
    oss2 = frozen_oss2
    bucket = oss2.Bucket(oss2.StsAuth("STS.NTEST", "secret123", "tok/en+="), "https://oss-cn-hangzhou.aliyuncs.com",
                         "upvend-dev")
    theirs = bucket.sign_url("GET", KEY, 600, params={"x-oss-process": process} if process else None,
                             slash_safe=True)
    expires = int(FIXED.replace(tzinfo=real_datetime.timezone.utc).timestamp()) + 600
    ours = oss_url.presign_v1("https://upvend-dev.oss-cn-hangzhou.aliyuncs.com", "upvend-dev", KEY,
                              access_key_id="STS.NTEST", secret="secret123", expires=expires,
                              security_token="tok/en+=", process=process)
    assert urlsplit(ours).path == urlsplit(theirs).path
    assert parse_qs(urlsplit(ours).query) == parse_qs(urlsplit(theirs).query)


@pytest.mark.parametrize("process", [None, "imageMogr2/thumbnail/320x320"])
def test_cos_presign_signature_equals_cos_python_sdk(monkeypatch, process):
    import qcloud_cos.cos_auth
    from qcloud_cos import CosConfig, CosS3Client

    now = 1714550400
    monkeypatch.setattr(qcloud_cos.cos_auth.time, "time", lambda: now)
    client = CosS3Client(CosConfig(Region="ap-guangzhou", SecretId="AKIDtest", SecretKey="skey", Scheme="https"))
    theirs = client.get_presigned_url(Bucket="upvend-1250000000", Key=KEY, Method="GET", Expired=600,
                                      Params={process: ""} if process else {})
    ours = cos_url.presign_get("https://upvend-1250000000.cos.ap-guangzhou.myqcloud.com", KEY, secret_id="AKIDtest",
                               secret_key="skey", start=now - 60, end=now + 600, security_token="tok",
                               process=process)
    signed = {k: v for k, v in parse_qsl(urlsplit(ours).query, keep_blank_values=True) if k.startswith("q-")}
    expected = {k: v for k, v in parse_qsl(urlsplit(theirs).query, keep_blank_values=True) if k.startswith("q-")}
    assert signed == expected
    assert ("x-cos-security-token", "tok") in parse_qsl(urlsplit(ours).query)
    assert urlsplit(ours).path == urlsplit(theirs).path

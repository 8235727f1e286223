"""OSS upload callbacks: RSA-MD5 verification (vector A4), the key-URL allow-list, key caching, body parsing."""

from __future__ import annotations

import base64
import json

import pytest

from devtools.emulator.config import EmulatorConfig
from devtools.emulator.oss_callback import OssCallbackSigner
from upvend.errors import BadRequest, ConfigurationError, Forbidden, UpstreamError, ValidationFailed
from upvend.aliyun.callback_binding import callback_binding
from upvend.notices.oss_callback import (PublicKeyCache, oss_notice, parse_callback_body, signed_text,
                                         trusted_key_url, verify_oss_callback)

A4_KEY_URL_B64 = "aHR0cDovL2dvc3NwdWJsaWMuYWxpY2RuLmNvbS9jYWxsYmFja19wdWJfa2V5X3YxLnBlbQ=="
A4_KEY_URL = "http://gosspublic.alicdn.com/callback_pub_key_v1.pem"
A4_AUTHORIZATION = ("kKQeGTRccDKyHB3H9vF+xYMSrmhMZjzzl2/kdD1ktNVgbWEfYTQG0G2SU/RaHBovRCE8OkQDjC3uG33esH2txA==")
A4_PEM = b"""-----BEGIN PUBLIC KEY-----
MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKs/JBGzwUB2aVht4crBx3oIPBLNsjGs
C0fTXv+nvlmklvkcolvpvXLTjaxUHR3W9LXxQ2EHXAJfCB+6H2YF1k8CAwEAAQ==
-----END PUBLIC KEY-----
"""


class CountingFetcher:
    def __init__(self, pem: bytes) -> None:
        self.pem = pem
        self.urls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        return self.pem


@pytest.fixture(autouse=True)
def documented_key_urls(monkeypatch):
    """The default trust: OSS's documented key URL (the local stack trusts the emulator's instead)."""
    monkeypatch.delenv("UPVEND_OSS_PUBKEY_URLS", raising=False)


def a4_headers(**overrides: str) -> dict[str, str]:
    return {"Authorization": A4_AUTHORIZATION, "x-oss-pub-key-url": A4_KEY_URL_B64, **overrides}


def test_vector_a4_signed_text():
    assert signed_text("/index.php", "id=1&index=2", b"bucket=yonghu-test") == (
        b"/index.php?id=1&index=2\nbucket=yonghu-test")
    assert signed_text("/a%20b", "", b"x") == b"/a b\nx"


def test_vector_a4_verifies_and_the_key_is_fetched_once():
    fetcher = CountingFetcher(A4_PEM)
    keys = PublicKeyCache(fetcher)
    for _ in range(3):
        verify_oss_callback(a4_headers(), "/index.php", "id=1&index=2", b"bucket=yonghu-test", keys)
    assert fetcher.urls == [A4_KEY_URL]


@pytest.mark.parametrize("path, query, body", [
    ("/index.php", "id=1&index=2", b"bucket=yonghu-tesT"),
    ("/index.php", "id=1&index=3", b"bucket=yonghu-test"),
    ("/index.php", "", b"bucket=yonghu-test"),
    ("/other.php", "id=1&index=2", b"bucket=yonghu-test"),
])
def test_a4_fails_when_anything_signed_changes(path, query, body):
    with pytest.raises(Forbidden) as caught:
        verify_oss_callback(a4_headers(), path, query, body, PublicKeyCache(CountingFetcher(A4_PEM)))
    assert caught.value.code == "signature_invalid"


@pytest.mark.parametrize("url", [
    "https://evil.example/callback_pub_key_v1.pem",
    "https://gosspublic.alicdn.com.evil.example/key.pem",
    "https://gosspublic.alicdn.com@evil.example/key.pem",
    "ftp://gosspublic.alicdn.com/key.pem",
    "//gosspublic.alicdn.com/key.pem",
    "https://gosspublic.alicdn.com/key.pem?v=1",
    "https://gosspublic.alicdn.com/key.pem#x",
    "https://gosspublic.alicdn.com/callback_pub_key_v2.pem",  # the right host is not enough: the exact URL is
    "http://gosspublic.alicdn.com/callback_pub_key_v1.pem/",
    "HTTP://gosspublic.alicdn.com/callback_pub_key_v1.pem",
])
def test_foreign_key_urls_are_refused_before_any_fetch(url):
    fetcher = CountingFetcher(A4_PEM)
    headers = a4_headers(**{"x-oss-pub-key-url": base64.b64encode(url.encode()).decode()})
    with pytest.raises(Forbidden) as caught:
        verify_oss_callback(headers, "/index.php", "id=1&index=2", b"bucket=yonghu-test", PublicKeyCache(fetcher))
    assert caught.value.code == "untrusted_key_url"
    assert fetcher.urls == []


def test_configured_urls_replace_the_documented_ones(monkeypatch):
    url = "http://127.0.0.1:9/_emulator/oss/callback_pub_key.pem"
    encoded = base64.b64encode(url.encode()).decode()
    with pytest.raises(Forbidden):
        trusted_key_url(encoded)
    assert trusted_key_url(A4_KEY_URL_B64) == A4_KEY_URL
    monkeypatch.setenv("UPVEND_OSS_PUBKEY_URLS", url)
    assert trusted_key_url(encoded) == url
    with pytest.raises(Forbidden):
        trusted_key_url(A4_KEY_URL_B64)


@pytest.mark.parametrize("urls", ["keys.example.com/k.pem", "https://keys.example.com", "https://keys.example.com/",
                                  "https://u@keys.example.com/k.pem", "https://keys.example.com/k.pem?v=1",
                                  "ftp://keys.example.com/k.pem", " , "])
def test_a_configured_key_url_must_be_a_whole_url(monkeypatch, urls):
    monkeypatch.setenv("UPVEND_OSS_PUBKEY_URLS", urls)
    with pytest.raises(ConfigurationError, match="UPVEND_OSS_PUBKEY_URLS is malformed"):
        trusted_key_url(A4_KEY_URL_B64)


class FailingFetcher(CountingFetcher):
    def __call__(self, url: str) -> bytes:
        super().__call__(url)
        raise UpstreamError("OSS public key is unreachable.", code="upstream_unreachable")


def test_a_failed_fetch_is_not_repeated_for_a_while():
    now = [1000.0]
    fetcher = FailingFetcher(b"")
    keys = PublicKeyCache(fetcher, retry_after=60, clock=lambda: now[0])
    for _ in range(3):
        with pytest.raises(UpstreamError):
            keys.get(A4_KEY_URL)
    assert fetcher.urls == [A4_KEY_URL]
    now[0] += 61
    with pytest.raises(UpstreamError):
        keys.get(A4_KEY_URL)
    assert len(fetcher.urls) == 2


class FailingOnce(CountingFetcher):
    def __call__(self, url: str) -> bytes:
        if not self.urls:
            super().__call__(url)
            raise UpstreamError("OSS public key did not answer within 2 s.", code="upstream_timeout")
        return super().__call__(url)


def test_one_failed_fetch_costs_about_a_second_of_callbacks_not_a_minute():
    # OSS never retries an upload callback: each one refused on a remembered failure is lost.
    now = [1000.0]
    keys = PublicKeyCache(FailingOnce(A4_PEM), clock=lambda: now[0])
    with pytest.raises(UpstreamError):
        keys.get(A4_KEY_URL)
    with pytest.raises(UpstreamError):
        keys.get(A4_KEY_URL)  # at once: still the remembered failure, no new fetch
    now[0] += 2
    assert keys.get(A4_KEY_URL) is not None


def test_the_key_cache_is_bounded():
    fetcher = CountingFetcher(A4_PEM)
    keys = PublicKeyCache(fetcher, max_entries=2)
    for name in ("a", "b", "c", "a"):
        keys.get(f"https://gosspublic.alicdn.com/{name}.pem")
    assert [u.rsplit("/", 1)[1] for u in fetcher.urls] == ["a.pem", "b.pem", "c.pem", "a.pem"]  # a was evicted


@pytest.mark.parametrize("headers, code", [
    ({"x-oss-pub-key-url": A4_KEY_URL_B64}, "signature_missing"),
    ({"authorization": A4_AUTHORIZATION}, "signature_missing"),
    ({"authorization": "not base64!", "x-oss-pub-key-url": A4_KEY_URL_B64}, "signature_invalid"),
    ({"authorization": A4_AUTHORIZATION, "x-oss-pub-key-url": "%%%"}, "signature_invalid"),
])
def test_missing_or_malformed_headers(headers, code):
    with pytest.raises(Forbidden) as caught:
        verify_oss_callback(headers, "/index.php", "id=1&index=2", b"bucket=yonghu-test",
                            PublicKeyCache(CountingFetcher(A4_PEM)))
    assert caught.value.code == code


def test_a_fetched_document_that_is_not_a_key_is_refused():
    with pytest.raises(Forbidden):
        verify_oss_callback(a4_headers(), "/index.php", "id=1&index=2", b"bucket=yonghu-test",
                            PublicKeyCache(CountingFetcher(b"<html>not a key</html>")))


def test_emulator_signer_round_trip(tmp_path, monkeypatch):
    signer = OssCallbackSigner(EmulatorConfig(data_dir=tmp_path, public_url="http://127.0.0.1:9"))
    monkeypatch.setenv("UPVEND_OSS_PUBKEY_URLS", "http://127.0.0.1:9/_emulator/oss/callback_pub_key.pem")
    body = b"bucket=b&object=uploads%2Fo-alice%2Fx.jpg"
    headers = signer.sign("http://127.0.0.1:8/aliyun/oss/callback", body)
    keys = PublicKeyCache(CountingFetcher(signer.public_pem))
    verify_oss_callback(headers, "/aliyun/oss/callback", "", body, keys)
    with pytest.raises(Forbidden):
        verify_oss_callback(headers, "/aliyun/oss/callback", "", body + b"&size=1", keys)
    # A query in the callback URL is part of what is signed.
    with_query = signer.sign("http://127.0.0.1:8/aliyun/oss/callback?a=1", body)
    verify_oss_callback(with_query, "/aliyun/oss/callback", "a=1", body, keys)


@pytest.fixture(autouse=True)
def callback_settings(monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_BUCKET", "photos")
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_CALLBACK_BUCKETS", "b")
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_CALLBACK_KEY", BINDING_KEY.decode())


BINDING_KEY = b"k" * 32


def _pinned(bucket: str, key: str, owner: str) -> str:
    return f"&uid={owner}&binding={callback_binding(bucket, key, owner, BINDING_KEY)}"


def test_form_and_json_bodies_give_the_same_fields():
    form = (b"bucket=photos&object=uploads%2Fo-alice%2F2024%2F01%2Fab.jpg&etag=%22D8E8FCA2DC0F896FD7CB4CB0031BA249%22"
            b"&size=5&mimeType=image%2Fjpeg&imageInfo.height=10&imageInfo.width=20&imageInfo.format=jpg&x:uid=o-bob"
            + _pinned("photos", "uploads/o-alice/2024/01/ab.jpg", "o-alice").encode())
    data = {"bucket": "photos", "object": "uploads/o-alice/2024/01/ab.jpg",
            "etag": "\"D8E8FCA2DC0F896FD7CB4CB0031BA249\"", "size": 5, "mimeType": "image/jpeg",
            "imageInfo.height": 10, "imageInfo.width": 20, "imageInfo.format": "jpg",
            "uid": "o-alice", "binding": callback_binding("photos", "uploads/o-alice/2024/01/ab.jpg", "o-alice", BINDING_KEY)}
    parsed = parse_callback_body(form, "application/x-www-form-urlencoded")
    assert parsed == parse_callback_body(json.dumps(data).encode(), "application/json")
    notice = oss_notice(parsed)
    assert (notice.media_id, notice.owner, notice.kind, notice.status, notice.etag, notice.size) == (
        "photos/uploads/o-alice/2024/01/ab.jpg", "o-alice", "image", "ready", "D8E8FCA2DC0F896FD7CB4CB0031BA249", 5)
    assert notice.extra == {"width": 20, "height": 10, "format": "jpg"}
    assert notice.dedupe_key == "aliyun-oss:OssCallback:photos/uploads/o-alice/2024/01/ab.jpg:" \
                                "D8E8FCA2DC0F896FD7CB4CB0031BA249"


def test_empty_image_variables_of_a_video_are_unknown():
    parsed = parse_callback_body(b"bucket=b&object=uploads/u/v.mp4&etag=E&size=9&mimeType=video/mp4"
                                 b"&imageInfo.height=&imageInfo.width=&imageInfo.format="
                                 + _pinned("b", "uploads/u/v.mp4", "u").encode(), "")
    assert (parsed.height, parsed.width, parsed.format) == (None, None, None)
    assert oss_notice(parsed).kind == "video"


@pytest.mark.parametrize("body, content_type, error", [
    (b"\xff\xfe", "", BadRequest),
    (b"{not json", "application/json", BadRequest),
    (b"[1]", "application/json", ValidationFailed),
    (b"object=uploads/u/x.jpg", "", ValidationFailed),
    (b"bucket=b&object=uploads/u/x.jpg&size=-1", "", ValidationFailed),
])
def test_bad_bodies(body, content_type, error):
    with pytest.raises(error):
        parse_callback_body(body, content_type)


def test_objects_outside_the_upload_prefix_are_refused():
    with pytest.raises(Forbidden) as caught:
        oss_notice(parse_callback_body(b"bucket=b&object=elsewhere/x.jpg", ""))
    assert caught.value.code == "object_outside_prefix"


@pytest.mark.parametrize("body, code", [
    # A bucket this deployment does not use, even with a binding made for it.
    ("bucket=evil&object=uploads/u/v.mp4" + _pinned("evil", "uploads/u/v.mp4", "u"), "bucket_not_accepted"),
    # Nobody pinned it (an STS upload's own callback).
    ("bucket=b&object=uploads/u/v.mp4&uid=u", "callback_not_pinned"),
    # A binding made for another object, owner or bucket.
    ("bucket=b&object=uploads/u/w.mp4" + _pinned("b", "uploads/u/v.mp4", "u"), "callback_binding_invalid"),
    ("bucket=b&object=uploads/u/v.mp4" + _pinned("b", "uploads/u/v.mp4", "u").replace("uid=u", "uid=v"),
     "callback_binding_invalid"),
    ("bucket=b&object=uploads/u/v.mp4" + _pinned("photos", "uploads/u/v.mp4", "u"), "callback_binding_invalid"),
    # A bound callback whose object breaks the upload rules.
    ("bucket=b&object=uploads/u/v.mp4&mimeType=text/html" + _pinned("b", "uploads/u/v.mp4", "u"), "object_refused"),
])
def test_callbacks_this_server_did_not_pin_for_the_object_are_refused(body, code):
    with pytest.raises(Forbidden) as caught:
        oss_notice(parse_callback_body(body.encode(), ""))
    assert caught.value.code == code


def test_a_field_named_twice_is_refused():
    body = "bucket=b&object=uploads/u/v.mp4&object=uploads/v/v.mp4" + _pinned("b", "uploads/u/v.mp4", "u")
    with pytest.raises(BadRequest) as caught:
        parse_callback_body(body.encode(), "")
    assert caught.value.code == "duplicate_field"

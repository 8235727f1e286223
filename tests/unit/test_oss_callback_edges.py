"""OSS upload callbacks at their edges: each field's limits, the signed query, body types, the stored ETag."""

from __future__ import annotations

import json
import threading
from urllib.parse import urlencode

import pytest

from upvend.aliyun.callback_binding import callback_binding
from upvend import settings
from upvend.errors import (BadRequest, ConfigurationError, Forbidden, UpstreamError, UpstreamUnavailable,
                           ValidationFailed)
from upvend.notices.oss_callback import (PublicKeyCache, accepted_buckets, oss_notice, parse_callback_body,
                                         signed_text, verify_oss_callback)
from tests.unit.test_oss_callback_verify import A4_KEY_URL, A4_PEM, CountingFetcher, a4_headers

BINDING_KEY = "k" * 32
VIDEO = "uploads/u/v.mp4"


@pytest.fixture(autouse=True)
def callback_settings(monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_BUCKET", "photos")
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_CALLBACK_BUCKETS", "b")
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_CALLBACK_KEY", BINDING_KEY)


def _pinned(bucket: str = "b", key: str = VIDEO, owner: str = "u") -> str:
    return f"&uid={owner}&binding={callback_binding(bucket, key, owner, BINDING_KEY.encode())}"


def _json(**fields) -> bytes:
    return json.dumps({"bucket": "b", "object": VIDEO, **fields}).encode()


# (field, the largest or smallest value accepted, the first value refused), sent as OSS sends them: form fields.
LIMITS = [
    ("bucket", "b" * 63, "b" * 64),
    ("object", "o" * 1023, "o" * 1024),
    ("etag", "E" * 128, "E" * 129),
    ("size", 2**63 - 1, 2**63),
    ("size", 0, -1),
    ("mimeType", "m" * 255, "m" * 256),
    ("imageInfo.height", 2**31 - 1, 2**31),
    ("imageInfo.height", 0, -1),
    ("imageInfo.width", 2**31 - 1, 2**31),
    ("imageInfo.width", 0, -1),
    ("imageInfo.format", "f" * 32, "f" * 33),
    ("uid", "u" * 256, "u" * 257),
    ("binding", "B" * 128, "B" * 129),
]


@pytest.mark.parametrize("field, accepted, refused", LIMITS)
def test_each_field_is_accepted_at_its_limit_and_refused_one_past_it(field, accepted, refused):
    form = {"bucket": "b", "object": VIDEO}
    assert parse_callback_body(urlencode({**form, field: accepted}).encode(), "") is not None
    with pytest.raises(ValidationFailed) as caught:
        parse_callback_body(urlencode({**form, field: refused}).encode(), "")
    assert [d["field"] for d in caught.value.details] == [field]


def test_a_one_character_object_key_is_read():
    assert parse_callback_body(b"bucket=b&object=x", "").object == "x"


def test_bare_names_do_not_stand_in_for_osss_image_variables():
    parsed = parse_callback_body(_json(width=5, height=6, format="png"), "application/json")
    assert (parsed.width, parsed.height, parsed.format) == (None, None, None)


@pytest.mark.parametrize("content_type", ["application/json", "Application/JSON", "application/json; charset=utf-8"])
def test_json_bodies_are_recognised_whatever_the_case_of_their_content_type(content_type):
    assert parse_callback_body(_json(size=7), content_type).size == 7


def test_a_field_named_twice_is_refused_even_when_one_is_blank():
    with pytest.raises(BadRequest) as caught:
        parse_callback_body(f"bucket=b&object={VIDEO}&object={_pinned()}".encode(), "")
    assert caught.value.code == "duplicate_field"


@pytest.mark.parametrize("body, content_type", [(b"\xff\xfe", ""), (b"{not json", "application/json")])
def test_undecodable_bodies_are_invalid_body(body, content_type):
    with pytest.raises(BadRequest) as caught:
        parse_callback_body(body, content_type)
    assert caught.value.code == "invalid_body" and caught.value.status == 400


@pytest.mark.parametrize("query, signed", [("a=1", b"/cb?a=1\nB"), ("?a=1", b"/cb?a=1\nB"), ("?", b"/cb\nB"),
                                          ("", b"/cb\nB"), ("X=1", b"/cb?X=1\nB"), ("?X=1", b"/cb?X=1\nB"),
                                          ("X", b"/cb?X\nB")])
def test_the_signed_query_has_exactly_one_question_mark(query, signed):
    assert signed_text("/cb", query, b"B") == signed


def test_authorization_must_be_strict_base64():
    spoiled = a4_headers()
    spoiled["Authorization"] = spoiled["Authorization"][:8] + "!" + spoiled["Authorization"][8:]
    with pytest.raises(Forbidden) as caught:
        verify_oss_callback(spoiled, "/index.php", "id=1&index=2", b"bucket=yonghu-test",
                            PublicKeyCache(CountingFetcher(A4_PEM)))
    assert caught.value.code == "signature_invalid"


def test_a_document_that_is_not_a_key_is_signature_invalid():
    with pytest.raises(Forbidden) as caught:
        PublicKeyCache(CountingFetcher(b"<html>not a key</html>")).get(A4_KEY_URL)
    assert caught.value.code == "signature_invalid"


@pytest.mark.parametrize("extra, buckets", [(" b1 , ,b2 ", {"photos", "b1", "b2"}), ("", {"photos"}),
                                            ("b1,b2", {"photos", "b1", "b2"})])
def test_extra_callback_buckets_are_a_trimmed_comma_list(monkeypatch, extra, buckets):
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_CALLBACK_BUCKETS", extra)
    assert accepted_buckets() == buckets


def test_a_binding_for_a_key_outside_its_owners_folder_is_refused():
    # Even a binding this server made cannot give a user an object in another user's folder.
    body = f"bucket=b&object={VIDEO}&uid=v&binding={callback_binding('b', VIDEO, 'v', BINDING_KEY.encode())}"
    with pytest.raises(Forbidden) as caught:
        oss_notice(parse_callback_body(body.encode(), ""))
    assert caught.value.code == "callback_binding_invalid"


def test_the_etag_is_stored_upper_case_without_quotes_and_the_provider_is_aliyun():
    notice = oss_notice(parse_callback_body(f'bucket=b&object={VIDEO}&etag="5eb63bbbe0"&size=3{_pinned()}'.encode(),
                                            ""))
    assert (notice.etag, notice.provider) == ("5EB63BBBE0", "aliyun")
    assert notice.dedupe_key == f"aliyun-oss:OssCallback:b/{VIDEO}:5EB63BBBE0"


def test_without_an_etag_the_size_keys_the_notice_and_a_video_has_no_image_fields():
    notice = oss_notice(parse_callback_body(f"bucket=b&object={VIDEO}&size=9&mimeType=video/mp4{_pinned()}".encode(),
                                            ""))
    assert notice.etag is None and notice.dedupe_key == f"aliyun-oss:OssCallback:b/{VIDEO}:9"
    assert notice.extra == {}


def test_zero_image_dimensions_are_not_recorded_as_known():
    body = ("bucket=b&object=uploads/u/p.png&imageInfo.width=0&imageInfo.height=0&imageInfo.format=png"
            + _pinned(key="uploads/u/p.png"))
    assert oss_notice(parse_callback_body(body.encode(), "")).extra == {"format": "png"}


def test_a_configured_key_url_with_a_backslash_is_refused(monkeypatch):
    # Browsers and some clients read `\` as `/`: the host would not be the one the URL seems to name.
    monkeypatch.setenv("UPVEND_OSS_PUBKEY_URLS", "https://gosspublic.alicdn.com\\evil.example/key.pem")
    with pytest.raises(ConfigurationError):
        settings.get("OSS_PUBKEY_URLS")


def test_a_callback_waits_for_anothers_key_fetch_as_long_as_oss_waits_for_the_callback():
    assert PublicKeyCache().wait_seconds == 5.0  # OSS gives up on an upload callback after 5 s


class _FailingFor:
    """A key server that fails for the URLs in `failing` (a set the test changes) and counts fetches."""

    def __init__(self, failing: set[str]) -> None:
        self.failing, self.calls = failing, []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        if url in self.failing:
            raise UpstreamError("OSS public key is unreachable.", code="upstream_unreachable")
        return A4_PEM


def test_a_key_that_loads_frees_its_failure_slot_so_recent_failures_stay_remembered():
    now = [0.0]
    server = _FailingFor({"https://k/x.pem", "https://k/a.pem", "https://k/y.pem"})
    keys = PublicKeyCache(server, max_entries=2, retry_after=60, clock=lambda: now[0])

    def get(name: str, at: float):
        now[0] = at
        return keys.get(f"https://k/{name}.pem")

    for name, at in (("x", 0), ("a", 1)):
        with pytest.raises(UpstreamError):
            get(name, at)
    server.failing.discard("https://k/a.pem")
    assert get("a", 62) is not None  # a's failure has expired; its key loads
    for name, at in (("x", 63), ("y", 64)):  # x fails again, then y: two failures to remember
        with pytest.raises(UpstreamError):
            get(name, at)
    fetches = len(server.calls)
    with pytest.raises(UpstreamError):
        get("x", 65)  # still remembered: refused without another fetch
    assert len(server.calls) == fetches


def test_a_callback_that_gives_up_waiting_for_anothers_fetch_says_so():
    started, release = threading.Event(), threading.Event()

    def slow(url: str) -> bytes:
        started.set()
        release.wait(10)
        return A4_PEM

    keys = PublicKeyCache(slow, wait_seconds=0.01)
    first = threading.Thread(target=keys.get, args=(A4_KEY_URL,))
    first.start()
    try:
        assert started.wait(10)
        with pytest.raises(UpstreamUnavailable) as caught:
            keys.get(A4_KEY_URL)
        assert caught.value.code == "upstream_timeout"
    finally:
        release.set()
        first.join(10)

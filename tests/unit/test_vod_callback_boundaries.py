"""Aliyun VOD callback checks at their edges: the window, empty keys, the signature's case, key redaction."""

from __future__ import annotations

import pytest

from upvend.errors import Forbidden
from upvend.logs import redact_text
from upvend.notices.aliyun_vod import verify_vod_callback, verify_vod_signature, vod_signature

URL, TS, KEY = "https://www.example.com/your/callback", "1519375990", "test123"


def signed(key: str = KEY, ts: str = TS, url: str = URL) -> dict[str, str]:
    return {"X-VOD-TIMESTAMP": ts, "X-VOD-SIGNATURE": vod_signature(url, ts, key)}


@pytest.mark.parametrize("offset, accepted", [
    (-301, False), (-300, True), (0, True), (300, True), (301, False),
], ids=["one-past-before", "at-limit-before", "now", "at-limit-after", "one-past-after"])
def test_window_boundary(offset, accepted):
    """A timestamp exactly `window` seconds away is accepted; one more second is not."""
    check = lambda: verify_vod_signature(signed(), url=URL, keys=[KEY], window=300,  # noqa: E731
                                         now=int(TS) + offset)
    if accepted:
        check()
    else:
        with pytest.raises(Forbidden) as caught:
            check()
        assert caught.value.code == "timestamp_out_of_window"


@pytest.mark.parametrize("window", [1, 3600])
def test_window_boundary_follows_the_setting(window):
    verify_vod_signature(signed(), url=URL, keys=[KEY], window=window, now=int(TS) + window)
    with pytest.raises(Forbidden):
        verify_vod_signature(signed(), url=URL, keys=[KEY], window=window, now=int(TS) + window + 1)


@pytest.mark.parametrize("keys", [[KEY, ""], ["", KEY], ["", ""]], ids=["previous-unset", "current-empty", "both"])
def test_a_signature_made_with_an_empty_key_is_refused(keys):
    """An unset key slot must not turn into 'the empty key is valid'."""
    with pytest.raises(Forbidden) as caught:
        verify_vod_signature(signed(key=""), url=URL, keys=keys, window=300, now=int(TS))
    assert caught.value.code == "signature_invalid"


def test_an_upper_case_hex_signature_is_the_same_signature():
    headers = signed()
    headers["X-VOD-SIGNATURE"] = headers["X-VOD-SIGNATURE"].upper()
    verify_vod_signature(headers, url=URL, keys=[KEY], window=300, now=int(TS))
    verify_vod_signature({"x-vod-timestamp": f" {TS} ", "x-vod-signature": f" {headers['X-VOD-SIGNATURE']} "},
                         url=URL, keys=[KEY], window=300, now=int(TS))


@pytest.mark.parametrize("ts, code", [
    ("9" * 12, "timestamp_out_of_window"),  # twelve digits: a number, just far away
    ("1" + "0" * 12, "signature_invalid"),  # thirteen: not a Unix time in seconds
    (" ", "signature_missing"),
])
def test_timestamp_length_boundary(ts, code):
    with pytest.raises(Forbidden) as caught:
        verify_vod_signature(signed(ts=ts), url=URL, keys=[KEY], window=300, now=int(TS))
    assert caught.value.code == code


@pytest.fixture
def vod_settings(monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_VOD_CALLBACK_URL", URL)
    monkeypatch.setenv("UPVEND_ALIYUN_VOD_CALLBACK_KEY", "current-vod-key-0001")
    monkeypatch.setenv("UPVEND_ALIYUN_VOD_CALLBACK_KEY_PREVIOUS", "previous-vod-key-0002")
    monkeypatch.delenv("UPVEND_ALIYUN_VOD_CALLBACK_WINDOW_SECONDS", raising=False)


def test_configured_keys_url_and_window(vod_settings, monkeypatch):
    import time

    now = str(int(time.time()))
    verify_vod_callback(signed("current-vod-key-0001", now))
    verify_vod_callback(signed("previous-vod-key-0002", now))
    for bad in (signed("another-vod-key-0003", now), signed("current-vod-key-0001", now, URL + "x"),
                signed("current-vod-key-0001", str(int(now) - 301))):
        with pytest.raises(Forbidden):
            verify_vod_callback(bad)
    monkeypatch.setenv("UPVEND_ALIYUN_VOD_CALLBACK_WINDOW_SECONDS", "3600")
    verify_vod_callback(signed("current-vod-key-0001", str(int(now) - 3000)))


def test_configured_previous_key_unset_refuses_the_empty_key(vod_settings, monkeypatch):
    import time

    monkeypatch.delenv("UPVEND_ALIYUN_VOD_CALLBACK_KEY_PREVIOUS")
    with pytest.raises(Forbidden):
        verify_vod_callback(signed("", str(int(time.time()))))


def test_both_callback_keys_are_redacted_from_logs(vod_settings):
    text = redact_text("callback keys current-vod-key-0001 and previous-vod-key-0002 in a message")
    assert "current-vod-key-0001" not in text and "previous-vod-key-0002" not in text


@pytest.mark.parametrize("headers, code", [
    ({"X-VOD-TIMESTAMP": TS}, "signature_missing"),
    ({"X-VOD-TIMESTAMP": TS, "X-VOD-SIGNATURE": "  "}, "signature_missing"),
    ({"X-VOD-SIGNATURE": "c72b60894140fa98920f1279219b7ed4"}, "signature_missing"),
    ({"X-VOD-TIMESTAMP": "", "X-VOD-SIGNATURE": "c72b60894140fa98920f1279219b7ed4"}, "signature_missing"),
])
def test_each_missing_header_is_reported_as_missing(headers, code):
    with pytest.raises(Forbidden) as caught:
        verify_vod_signature(headers, url=URL, keys=[KEY], window=300, now=int(TS))
    assert caught.value.code == code


@pytest.mark.parametrize("age, accepted", [(300, True), (301, False)])
def test_the_default_window_is_300_seconds(vod_settings, monkeypatch, age, accepted):
    import time

    monkeypatch.setattr(time, "time", lambda: int(TS) + age)
    headers = signed("current-vod-key-0001")
    if accepted:
        verify_vod_callback(headers)
    else:
        with pytest.raises(Forbidden):
            verify_vod_callback(headers)


@pytest.mark.parametrize("raw, ok", [("0", False), ("1", True), ("3600", True), ("3601", False)])
def test_window_setting_is_1_to_3600_seconds(monkeypatch, raw, ok):
    from upvend import settings
    from upvend.errors import ConfigurationError

    monkeypatch.setenv("UPVEND_ALIYUN_VOD_CALLBACK_WINDOW_SECONDS", raw)
    if ok:
        assert settings.get("ALIYUN_VOD_CALLBACK_WINDOW_SECONDS") == int(raw)
    else:
        with pytest.raises(ConfigurationError):
            settings.get("ALIYUN_VOD_CALLBACK_WINDOW_SECONDS")


@pytest.mark.parametrize("raw, ok", [("http://cb.example/vod", True), ("https://cb.example/vod", True),
                                     ("ftp://cb.example/vod", False), ("cb.example/vod", False)])
def test_callback_url_setting_must_be_http(monkeypatch, raw, ok):
    from upvend import settings
    from upvend.errors import ConfigurationError

    monkeypatch.setenv("UPVEND_ALIYUN_VOD_CALLBACK_URL", raw)
    if ok:
        assert settings.get("ALIYUN_VOD_CALLBACK_URL") == raw
    else:
        with pytest.raises(ConfigurationError):
            settings.get("ALIYUN_VOD_CALLBACK_URL")


def test_without_a_previous_key_there_is_no_second_key(monkeypatch):
    from upvend import settings

    monkeypatch.delenv("UPVEND_ALIYUN_VOD_CALLBACK_KEY_PREVIOUS", raising=False)
    assert settings.get("ALIYUN_VOD_CALLBACK_KEY_PREVIOUS") == ""

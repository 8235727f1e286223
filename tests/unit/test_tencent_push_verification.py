"""Tencent VOD push verification at its edges: the path token, the SignKey, Sign and T (expiry and form)."""

from __future__ import annotations

import hashlib
import time

import pytest

from upvend import settings
from upvend.errors import ConfigurationError, Forbidden, NotFound
from upvend.logs import redact_text
from upvend.notices.tencent_vod import push_signature, verify_path_token, verify_push, verify_push_signature

TOKEN = "path-token_0123456789abcdef"
SIGN_KEY = "SignKey0123456789"
NOW = 1_700_000_000


def _sign(expires: object, key: str = SIGN_KEY) -> str:
    return hashlib.md5(f"{key}{expires}".encode()).hexdigest()


@pytest.fixture(autouse=True)
def push_settings(monkeypatch):
    monkeypatch.setenv("UPVEND_TENCENT_VOD_CALLBACK_TOKEN", TOKEN)
    monkeypatch.delenv("UPVEND_TENCENT_VOD_CALLBACK_SIGN_KEY", raising=False)


# (setting, value, accepted): the token is 24 or more URL-safe characters; the SignKey what ModifyEventConfig takes.
SETTING_VALUES = [
    *(("TENCENT_VOD_CALLBACK_TOKEN", token, ok) for token, ok in [
        ("a" * 24, True), ("a" * 23, False), ("a-b_" * 6, True), ("a" * 23 + "!", False), ("a" * 23 + "/", False),
        ("a" * 23 + " ", False)]),
    *(("TENCENT_VOD_CALLBACK_SIGN_KEY", key, ok) for key, ok in [
        ("", True), ("a" * 32, True), ("a" * 33, False), ("Ab1", True), ("ab-1", False), ("ab_1", False)]),
]


@pytest.mark.parametrize("name, value, ok", SETTING_VALUES)
def test_the_path_token_and_sign_key_settings_accept_only_their_forms(monkeypatch, name, value, ok):
    monkeypatch.setenv(f"UPVEND_{name}", value)
    if ok:
        assert settings.get(name) == value
    else:
        with pytest.raises(ConfigurationError):
            settings.get(name)


def test_the_token_and_sign_key_are_redacted_from_logs(monkeypatch):
    monkeypatch.setenv("UPVEND_TENCENT_VOD_CALLBACK_SIGN_KEY", SIGN_KEY)
    text = redact_text(f"pushed to /tencent/vod/callback/{TOKEN} signed with {SIGN_KEY}")
    assert TOKEN not in text and SIGN_KEY not in text


@pytest.mark.parametrize("token", [TOKEN[:-1], TOKEN + "x", TOKEN.upper(), ""])
def test_any_other_path_token_is_not_found(token):
    verify_path_token(TOKEN)
    with pytest.raises(NotFound):
        verify_path_token(token)


def test_the_signature_is_md5_hex_of_key_and_expiry():
    assert push_signature("abc", 1700000000) == hashlib.md5(b"abc1700000000").hexdigest()


def _accepted_or_refused_with(expires, ok: bool, code: str) -> None:
    """A correctly signed push with this `t` is accepted at NOW, or refused with `code`."""
    if ok:
        verify_push_signature(_sign(expires), expires, sign_key=SIGN_KEY, now=NOW)
    else:
        with pytest.raises(Forbidden) as caught:
            verify_push_signature(_sign(expires), expires, sign_key=SIGN_KEY, now=NOW)
        assert caught.value.code == code


@pytest.mark.parametrize("expires, ok", [(NOW, True), (NOW - 1, False), (str(NOW + 1), True)])
def test_a_push_is_good_until_its_expiry_second_inclusive(expires, ok):
    _accepted_or_refused_with(expires, ok, "signature_expired")


def test_without_a_given_time_the_clock_decides():
    later, earlier = int(time.time()) + 300, int(time.time()) - 5
    verify_push_signature(_sign(later), later, sign_key=SIGN_KEY)
    with pytest.raises(Forbidden) as caught:
        verify_push_signature(_sign(earlier), earlier, sign_key=SIGN_KEY)
    assert caught.value.code == "signature_expired"


@pytest.mark.parametrize("expires, ok", [("9" * 12, True), ("9" * 13, False)])
def test_t_has_at_most_12_digits(expires, ok):
    _accepted_or_refused_with(expires, ok, "signature_invalid")


@pytest.mark.parametrize("sign, expires, code", [
    (None, NOW, "signature_missing"), ("", NOW, "signature_missing"),
    (_sign(NOW), None, "signature_missing"), (_sign(NOW), "", "signature_missing"),
    (_sign(True), True, "signature_invalid"),  # a bool is not a time, though it is an int
    (_sign(NOW + 0.5), NOW + 0.5, "signature_invalid"),
    (_sign("17000000OO"), "17000000OO", "signature_invalid"),
    (_sign("١٧٠٠٠٠٠٠٠٠٠"), "١٧٠٠٠٠٠٠٠٠٠", "signature_invalid"),  # digits, but not ASCII ones
    (_sign(NOW, "OtherKey1"), NOW, "signature_invalid"),
    (12345, NOW, "signature_invalid"),
    ("\ud800", NOW, "signature_invalid"),  # a JSON body can carry a lone surrogate
])
def test_bad_signatures_are_refused_with_their_code(sign, expires, code):
    with pytest.raises(Forbidden) as caught:
        verify_push_signature(sign, expires, sign_key=SIGN_KEY, now=NOW - 10)
    assert caught.value.code == code


def test_sign_is_compared_without_case_or_surrounding_blanks():
    verify_push_signature(f"  {_sign(NOW).upper()} ", str(NOW), sign_key=SIGN_KEY, now=NOW)


def test_pushes_are_checked_only_when_a_sign_key_is_configured(monkeypatch):
    verify_push(None, None)
    monkeypatch.setenv("UPVEND_TENCENT_VOD_CALLBACK_SIGN_KEY", SIGN_KEY)
    with pytest.raises(Forbidden):
        verify_push(None, None)
    later = int(time.time()) + 60
    verify_push(_sign(later), later)

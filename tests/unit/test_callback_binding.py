"""The OSS callback binding at its edges: key lengths, rotation, empty keys, its wire form, odd text, redaction."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct

import pytest

from upvend import settings
from upvend.aliyun.callback_binding import callback_binding, pinned_callback_fields, verify_callback_binding
from upvend.errors import ConfigurationError, Forbidden
from upvend.logs import redact_text

CURRENT = "c" * 32
PREVIOUS = "p" * 32
OBJECT = ("photos", "uploads/o-alice/2024/01/ab.jpg", "o-alice")


@pytest.fixture(autouse=True)
def binding_keys(monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_CALLBACK_KEY", CURRENT)
    monkeypatch.delenv("UPVEND_ALIYUN_OSS_CALLBACK_KEY_PREVIOUS", raising=False)


@pytest.mark.parametrize("name", ["ALIYUN_OSS_CALLBACK_KEY", "ALIYUN_OSS_CALLBACK_KEY_PREVIOUS"])
@pytest.mark.parametrize("length, ok", [(31, False), (32, True)])
def test_a_binding_key_needs_32_bytes(monkeypatch, name, length, ok):
    monkeypatch.setenv(f"UPVEND_{name}", "k" * length)
    if ok:
        assert settings.get(name) == b"k" * length
    else:
        with pytest.raises(ConfigurationError):
            settings.get(name)


def test_a_binding_made_with_the_previous_key_verifies_while_rotating(monkeypatch):
    old = callback_binding(*OBJECT, PREVIOUS.encode())
    with pytest.raises(Forbidden):
        verify_callback_binding(*OBJECT, old)
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_CALLBACK_KEY_PREVIOUS", PREVIOUS)
    verify_callback_binding(*OBJECT, old)
    verify_callback_binding(*OBJECT, callback_binding(*OBJECT))


def test_a_binding_made_with_an_empty_key_is_refused_when_no_previous_key_is_set():
    forged = callback_binding(*OBJECT, b"")
    with pytest.raises(Forbidden) as caught:
        verify_callback_binding(*OBJECT, forged)
    assert caught.value.code == "callback_binding_invalid"


def test_the_wire_form_is_stable_so_bindings_issued_before_an_upgrade_still_verify():
    """Base64url without padding of HMAC-SHA256(context + 4-byte big-endian length + field, per field)."""
    message = b"upvend-oss-callback-v1" + b"".join(struct.pack(">I", len(p.encode())) + p.encode() for p in OBJECT)
    expected = base64.urlsafe_b64encode(hmac.new(CURRENT.encode(), message, hashlib.sha256).digest())
    binding = callback_binding(*OBJECT)
    assert binding == expected.decode().rstrip("=") and len(binding) == 43 and "=" not in binding
    assert pinned_callback_fields(*OBJECT) == f"&uid=o-alice&binding={binding}"


def test_text_that_is_not_valid_unicode_is_refused_not_a_crash():
    # A JSON callback body can carry a lone surrogate (`"\ud800"`) in any field.
    odd = callback_binding("photos", "uploads/o-alice/\ud800.jpg", "o-alice")
    assert odd != callback_binding("photos", "uploads/o-alice/\ud801.jpg", "o-alice")
    with pytest.raises(Forbidden) as caught:
        verify_callback_binding(*OBJECT, "\ud800" + callback_binding(*OBJECT)[1:])
    assert caught.value.code == "callback_binding_invalid"


def test_both_binding_keys_are_redacted_from_logs(monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_CALLBACK_KEY_PREVIOUS", PREVIOUS)
    text = redact_text(f"binding keys {CURRENT} and {PREVIOUS} in a message")
    assert CURRENT not in text and PREVIOUS not in text

"""Untrusted JSON: lone surrogates are refused however they arrive, and the fast path skips only texts that
cannot hold one."""

from __future__ import annotations

import json

import pytest

from upvend.json_input import _may_hold_surrogates, loads_untrusted


@pytest.mark.parametrize("raw", [
    '{"a":"\\ud800"}', b'{"a":"\\ud800"}', b'{"a":"\\uDC00"}', b'{"a":"\xed\xa0\x80"}', '{"a":"\ud800"}',
    '{"\\udfff":1}', json.dumps({"a": "\ud800"}).encode("utf-16"), b'\xef\xbb\xbf{"a":"\\ud800"}',
])
def test_every_way_to_carry_a_lone_surrogate_is_refused(raw):
    assert _may_hold_surrogates(raw)
    with pytest.raises(ValueError):
        loads_untrusted(raw)


@pytest.mark.parametrize("raw", ['{"a":"\\ud83d\\ude00"}', '{"a":"\\\\u0041"}', '{"a":"é"}'])
def test_escapes_that_are_not_lone_surrogates_decode(raw):
    assert loads_untrusted(raw)["a"] in ("\U0001F600", "\\u0041", "é")


@pytest.mark.parametrize("raw", ['{"a": 1, "b": "plain"}', b'{"body": "{\\"x\\": 1}"}', '{"a":"é"}'.encode()])
def test_texts_without_escapes_or_surrogates_take_the_fast_path(raw):
    assert not _may_hold_surrogates(raw)
    assert isinstance(loads_untrusted(raw), dict)

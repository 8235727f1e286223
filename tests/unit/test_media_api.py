"""Public media ids and list cursors are opaque, reversible, and reject what they did not issue."""

from __future__ import annotations

import base64

import pytest

from upvend.errors import ValidationFailed
from upvend.media_api import decode_cursor, encode_cursor, parse_public_id, public_id
from upvend.storage.media import ListPosition


@pytest.mark.parametrize("provider, media_id", [("aliyun", "43q91jdh7df"),
                                                 ("tencent", "bucket-125/uploads/o%40x/2024/01/ab.jpg"),
                                                 ("aliyun", "名字:with:colons")])
def test_public_ids_round_trip_and_fit_one_path_segment(provider, media_id):
    token = public_id(provider, media_id)
    assert "/" not in token and "=" not in token and "+" not in token
    assert parse_public_id(token) == (provider, media_id)


@pytest.mark.parametrize("token", ["", "!!", "a" * 3000, base64.urlsafe_b64encode(b"gcp:x").decode().rstrip("="),
                                   base64.urlsafe_b64encode(b"aliyun:").decode().rstrip("="),
                                   base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("=")])
def test_unknown_ids_are_none(token):
    assert parse_public_id(token) is None


def test_cursor_round_trip():
    position = ListPosition("2024-01-02T03:04:05.678Z", "aliyun", "v/1")
    assert decode_cursor(encode_cursor(position)) == position


@pytest.mark.parametrize("token", ["x", "!!!", base64.urlsafe_b64encode(b"[1,2,3]").decode(),
                                   base64.urlsafe_b64encode(b'["not a time","aliyun","v"]').decode(),
                                   base64.urlsafe_b64encode(b'["2024-01-01T00:00:00.000Z","aliyun"]').decode(),
                                   base64.urlsafe_b64encode(b'["2024-01-01T00:00:00.000Z","","v"]').decode()])
def test_bad_cursors_are_400(token):
    with pytest.raises(ValidationFailed) as caught:
        decode_cursor(token.rstrip("="))
    assert caught.value.code == "invalid_cursor"

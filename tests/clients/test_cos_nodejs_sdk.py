"""cos-nodejs-sdk-v5 (Node 20) from login to a ready row: sliceUploadFile of a 6.5 MB file through /tencent/cos/sts."""

from __future__ import annotations

import hashlib
import time

from tests.clients.node_support import run_node
from tests.conftest import bearer
from tests.functional.tencent_support import fresh_user

SIZE = 6 * 1024 * 1024 + 512 * 1024


def _slice_upload(stack, user: str, **extra) -> dict:
    return run_node("cos_nodejs_slice_upload.js", {"gateway": stack.gateway_url, "emulator": stack.emulator_url,
                                                   "user": user, "size": SIZE, "name": "holiday.mp4", **extra})


def test_slice_upload_of_6_mb_ends_in_a_ready_row(stack):
    user = fresh_user()
    result = _slice_upload(stack, user)
    assert result["ok"], result
    assert result["key"] == f"uploads/o-{user}/holiday.mp4"
    stored, data = stack.emulator.store.get(result["bucket"], result["key"])
    assert len(data) == SIZE and data[:4] == bytes([7, 38, 69, 100])
    assert result["etag"] == f'"{stored.etag}"' and stored.etag.endswith("-7")  # seven 1 MB slices
    assert result["row"]["size"] == SIZE and result["row"]["provider"] == "tencent"
    assert result["row"]["extra"].get("etag", stored.etag) == stored.etag
    assert hashlib.md5(data).hexdigest() != stored.etag  # a multipart ETag, not the content MD5


def test_slice_upload_outside_the_prefix_is_refused(stack):
    result = _slice_upload(stack, fresh_user(), outside="uploads/o-someone-else/holiday.mp4")
    assert not result["ok"] and result["statusCode"] == 403 and result["code"] == "AccessDenied", result
    assert stack.emulator.store.get("upvend-dev-1250000000", "uploads/o-someone-else/holiday.mp4") is None


def test_slice_upload_with_an_expired_key_is_refused_with_expired_token(stack, gateway, login):
    user = fresh_user()
    sts = gateway.post("/tencent/cos/sts", json={}, headers=bearer(login(user))).json()
    # The key ran out on the STS side before the SDK used it (the function still hands out its cached copy).
    stack.emulator.tencent.keys.get(sts["credentials"]["tmpSecretId"]).expires_at = time.time() - 1
    result = _slice_upload(stack, user)
    assert not result["ok"] and result["statusCode"] == 400 and result["code"] == "ExpiredToken", result

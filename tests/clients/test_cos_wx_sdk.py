"""cos-wx-sdk-v5 in Node under the wx shim, with /tencent/cos/sts: postObject's Signature form and multipart."""

from __future__ import annotations

import time

import pytest

from tests.clients.node_support import run_node
from tests.conftest import bearer
from tests.functional.notices_support import switch  # noqa: F401
from tests.functional.tencent_support import fresh_user

BUCKET = "upvend-dev-1250000000"


def _upload(stack, user: str, method: str, size: int, **extra) -> dict:
    return run_node("cos_wx_upload.js", {"gateway": stack.gateway_url, "emulator": stack.emulator_url, "user": user,
                                         "size": size, "name": "kite.jpg", "method": method, **extra})


@pytest.mark.parametrize("method, size, event", [("postObject", 200 * 1024, "Post"),
                                                 ("sliceUploadFile", 2 * 1024 * 1024 + 9, "CompleteMultipartUpload")])
def test_cos_wx_upload_ends_in_a_ready_row(stack, switch, method, size, event):
    user = fresh_user()
    result = _upload(stack, user, method, size)
    assert result["ok"], result
    stored, data = stack.emulator.store.get(BUCKET, f"uploads/o-{user}/kite.jpg")
    assert len(data) == size and result["row"]["size"] == size
    assert result["etag"].strip('"') == stored.etag
    if method == "postObject":
        assert result["statusCode"] == 200  # the SDK asks for success_action_status 200


@pytest.mark.parametrize("method", ["postObject", "sliceUploadFile"])
def test_cos_wx_upload_outside_the_prefix_is_refused(stack, method):
    outside = "uploads/o-someone-else/kite.jpg"
    result = _upload(stack, fresh_user(), method, 1024, outside=outside)
    assert not result["ok"] and result["statusCode"] == 403 and result["code"] == "AccessDenied", result
    assert stack.emulator.store.get(BUCKET, outside) is None


@pytest.mark.parametrize("method", ["postObject", "sliceUploadFile"])
def test_cos_wx_upload_with_an_expired_key_is_refused(stack, gateway, login, method):
    user = fresh_user()
    sts = gateway.post("/tencent/cos/sts", json={}, headers=bearer(login(user))).json()
    stack.emulator.tencent.keys.get(sts["credentials"]["tmpSecretId"]).expires_at = time.time() - 1
    result = _upload(stack, user, method, 1024)
    assert not result["ok"] and result["statusCode"] == 400 and result["code"] == "ExpiredToken", result

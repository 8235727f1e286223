"""cos-js-sdk-v5 and vod-js-sdk-v6 in Debian's chromium, from login to a ready row (see web_browser.py)."""

from __future__ import annotations

import time

import pytest

from devtools.emulator.tencent import vod_ugc
from tests.clients.web_browser import sdk_page, web_sdk_browser  # noqa: F401
from tests.conftest import bearer
from tests.functional.notices_support import switch  # noqa: F401
from tests.functional.tencent_support import fresh_user

pytestmark = pytest.mark.browser
MB = 1024 * 1024
BUCKET = "upvend-dev-1250000000"


def _cos_js(page, stack, user: str, method: str, size: int, **extra) -> dict:
    return page.evaluate("config => runCosJs(config)", {"gateway": stack.gateway_url, "user": user, "size": size,
                                                       "name": "kite.jpg", "method": method, **extra})


@pytest.mark.parametrize("method, size, parts", [("putObject", 150 * 1024, 0), ("sliceUploadFile", 3 * MB + 1, 4)])
def test_cos_js_upload_ends_in_a_ready_row(sdk_page, stack, switch, method, size, parts):
    user = fresh_user()
    result = _cos_js(sdk_page, stack, user, method, size)
    assert result["ok"], result
    stored, data = stack.emulator.store.get(BUCKET, f"uploads/o-{user}/kite.jpg")
    assert len(data) == size and result["row"]["size"] == size
    assert result["etag"] == f'"{stored.etag}"' and (stored.etag.endswith(f"-{parts}") if parts else True)
    assert sdk_page.errors == []


@pytest.mark.parametrize("method", ["putObject", "sliceUploadFile"])
def test_cos_js_upload_outside_the_prefix_is_refused(sdk_page, stack, method):
    outside = "uploads/o-someone-else/kite.jpg"
    result = _cos_js(sdk_page, stack, fresh_user(), method, 1024, outside=outside)
    assert not result["ok"] and result["statusCode"] == 403 and result["code"] == "AccessDenied", result
    assert stack.emulator.store.get(BUCKET, outside) is None


@pytest.mark.parametrize("method", ["putObject", "sliceUploadFile"])
def test_cos_js_upload_with_an_expired_key_is_refused(sdk_page, stack, gateway, login, method):
    user = fresh_user()
    sts = gateway.post("/tencent/cos/sts", json={}, headers=bearer(login(user))).json()
    stack.emulator.tencent.keys.get(sts["credentials"]["tmpSecretId"]).expires_at = time.time() - 1
    result = _cos_js(sdk_page, stack, user, method, 1024)
    assert not result["ok"] and result["statusCode"] == 400 and result["code"] == "ExpiredToken", result


def _vod_js(page, stack, size: int) -> dict:
    account = stack.emulator.tencent
    return page.evaluate("config => runVodJs(config)", {
        "gateway": stack.gateway_url, "user": fresh_user(), "size": size, "name": "harbour.mp4",
        "vodBucket": account.vod_bucket, "vodRegion": account.account.vod_storage_region})


def test_vod_js_upload_ends_in_a_ready_row_and_its_key_writes_nowhere_else(sdk_page, stack, switch):
    result = _vod_js(sdk_page, stack, 300 * 1024)  # the SDK slices even this
    assert result["ok"], result
    row = result["row"]
    assert (row["provider"], row["kind"], row["size"]) == ("tencent", "video", 300 * 1024)
    assert row["mediaUrl"] == result["videoUrl"]
    assert result["outside"]["statusCode"] == 403 and result["outside"]["code"] == "AccessDenied", result
    # Only the SDK's usage reports fail (vodreport.qcloud.com does not resolve offline; it does not catch that).
    assert set(sdk_page.errors) <= {"Network Error"}


def test_vod_js_upload_with_an_expired_temporary_key_is_refused(sdk_page, stack, monkeypatch):
    monkeypatch.setattr(vod_ugc, "TEMP_CERT_SECONDS", -1)
    result = _vod_js(sdk_page, stack, 100 * 1024)
    assert not result["ok"] and result["statusCode"] == 400 and result["code"] == "ExpiredToken", result

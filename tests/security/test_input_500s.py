"""Finding 8: input that used to end in a 500 (cursor years, lone surrogates, 2^64 integers) is a 4xx envelope."""

from __future__ import annotations

import base64
import json

import pytest

from tests.conftest import bearer
from tests.functional.media_rows import repo, unique, vod_headers

VOD_CALLBACK = "/aliyun/vod/callback"


def _cursor(created_at: str) -> str:
    raw = json.dumps([created_at, "aliyun", "v1"], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _assert_envelope(response, status: int = 400) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] and error["message"] and error["requestId"]
    return error


@pytest.mark.parametrize("created_at", [
    "0001-01-01T00:00:00.000Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59.999Z",
    "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00", "2024-05-01T08:00:00.000+08:00",
])
def test_cursor_outside_the_row_times_is_400(gateway, login, created_at):
    token = login("cursor-years")
    response = gateway.get("/media", params={"cursor": _cursor(created_at)}, headers=bearer(token))
    assert _assert_envelope(response)["code"] == "invalid_cursor"


def test_a_cursor_this_api_issued_still_works(gateway, login):
    token = login("cursor-years")
    response = gateway.get("/media", params={"cursor": _cursor("2024-05-01T08:00:00.000Z")}, headers=bearer(token))
    assert response.status_code == 200, response.text


def _signed_vod_post(gateway, stack, body: bytes):
    url = stack.settings["UPVEND_ALIYUN_VOD_CALLBACK_URL"]
    return gateway.post(VOD_CALLBACK, content=body,
                        headers={"Content-Type": "application/json", **vod_headers(url)})


@pytest.mark.parametrize("fragment", [
    '"Size": 18446744073709551616', '"Size": 9223372036854775808', '"Size": -18446744073709551617',
    '"Extend": "{\\"uid\\": \\"o-a\\ud800\\"}"', '"FileUrl": "https://x/\\udfff.mp4"', '"\\ud800": 1',
])
def test_vod_callback_bodies_no_column_can_hold_are_400(gateway, stack, fragment):
    video_id = unique("v")
    body = ('{"EventType": "FileUploadComplete", "Status": "success", "VideoId": "%s", %s}'
            % (video_id, fragment)).encode()
    _assert_envelope(_signed_vod_post(gateway, stack, body))
    assert repo().get("aliyun", video_id) is None


@pytest.mark.parametrize("fragment", ['"Size": 18446744073709551616', '"Name": "a\\ud800"'])
def test_tencent_push_bodies_no_column_can_hold_are_400(gateway, stack, fragment):
    file_id = unique("52858907")
    body = ('{"EventType": "NewFileUpload", "FileUploadEvent": {"FileId": "%s", "MediaBasicInfo": {%s}, '
            '"MetaData": {%s}}}' % (file_id, fragment if "Name" in fragment else "",
                                    fragment if "Size" in fragment else "")).encode()
    token = stack.settings["UPVEND_TENCENT_VOD_CALLBACK_TOKEN"]
    response = gateway.post(f"/tencent/vod/callback/{token}", content=body,
                            headers={"Content-Type": "application/json"})
    _assert_envelope(response)
    assert repo().get("tencent", file_id) is None


def test_login_body_with_a_lone_surrogate_is_400(gateway):
    response = gateway.post("/auth/wechat", content=b'{"code": "test-\\ud800"}',
                            headers={"Content-Type": "application/json"})
    assert _assert_envelope(response)["code"] == "invalid_json"

"""Per-user and per-IP limits through the gateway: under a limit every route works; at it, 429 with the
limit's code and Retry-After, no row reserved and no call reaching a cloud (the emulator's call logs)."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name

VIDEO = {"title": "Limits", "fileName": "limits.mp4", "fileSize": 2048}
ROUTES = {
    "/aliyun/vod/upload-video": VIDEO,
    "/aliyun/vod/upload-image": {"imageType": "default", "imageExt": "jpg", "fileSize": 1000},
    "/aliyun/vod/upload-video/refresh": None,  # needs a video of the caller's: made first
    "/aliyun/sts": {},
    "/aliyun/oss/post-policy": {"fileName": "a.jpg", "contentType": "image/jpeg", "size": 1000},
    "/tencent/vod/signature": {},
    "/tencent/cos/sts": {},
    "/tencent/cos/post-policy": {"fileName": "a.jpg", "contentType": "image/jpeg", "size": 1000},
}


@pytest.fixture(autouse=True)
def _clear_of_window_ends():
    """Counters are per UTC minute: never start a test in the last seconds of one."""
    if time.time() % 60 > 50:
        time.sleep(60 - time.time() % 60 + 0.05)


def cloud_calls(emulator: httpx.Client) -> int:
    """Every call the emulated clouds and WeChat have answered so far."""
    aliyun = emulator.get("/_emulator/aliyun/calls").json()
    tencent = emulator.get("/_emulator/tencent/stats").json()["counts"]
    wechat = emulator.get("/_emulator/wechat/calls").json()
    return sum(aliyun.values()) + sum(tencent.values()) + wechat["jscode2session"]


def rows_of(stack, owner: str) -> int:
    from upvend.storage.database import Database
    db = Database(stack.settings["UPVEND_DATABASE_URL"])
    try:
        return int(db.query("SELECT COUNT(*) AS n FROM {media} WHERE owner = ?", (owner,))[0]["n"])
    finally:
        db.pool.close_all()


def assert_refused(response: httpx.Response, code: str, longest: int) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == code
    assert 1 <= int(response.headers["retry-after"]) <= longest


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_each_credential_route_stops_at_the_per_minute_limit(route, gateway, emulator, login, stack, monkeypatch):
    name = fresh_name()
    token = login(name)
    body, made = ROUTES[route], 0
    if body is None:  # the upload that made the video was a credential request too
        body = {"videoId": gateway.post("/aliyun/vod/upload-video", json=VIDEO, headers=bearer(token)).json()["videoId"]}
        made = 1
    monkeypatch.setenv("UPVEND_LIMIT_CREDENTIALS_PER_MINUTE", str(2 + made))
    for _ in range(2):
        response = gateway.post(route, json=body, headers=bearer(token))
        assert response.status_code == 200, response.text
    calls, rows = cloud_calls(emulator), rows_of(stack, f"o-{name}")
    refused = gateway.post(route, json=body, headers=bearer(token))
    assert_refused(refused, "limit_requests_per_minute", 60)
    assert cloud_calls(emulator) == calls and rows_of(stack, f"o-{name}") == rows
    # Another user is not held back by this one (and may refresh no video of this one's).
    other = gateway.post(route, json=body, headers=bearer(login(fresh_name())))
    assert other.status_code == (404 if made else 200), other.text


def test_the_day_limit_answers_its_own_code(gateway, emulator, login, monkeypatch):
    token = login(fresh_name())
    monkeypatch.setenv("UPVEND_LIMIT_CREDENTIALS_PER_DAY", "1")
    assert gateway.post("/aliyun/sts", json={}, headers=bearer(token)).status_code == 200
    calls = cloud_calls(emulator)
    assert_refused(gateway.post("/aliyun/sts", json={}, headers=bearer(token)), "limit_requests_per_day", 86400)
    assert cloud_calls(emulator) == calls


def test_declared_video_bytes_count_against_the_day(gateway, emulator, login, stack, monkeypatch):
    name = fresh_name()
    token = login(name)
    monkeypatch.setenv("UPVEND_LIMIT_BYTES_PER_DAY", "5000")
    for _ in range(2):
        assert gateway.post("/aliyun/vod/upload-video", json=VIDEO, headers=bearer(token)).status_code == 200
    calls, rows = cloud_calls(emulator), rows_of(stack, f"o-{name}")
    refused = gateway.post("/aliyun/vod/upload-video", json=VIDEO, headers=bearer(token))
    assert_refused(refused, "limit_bytes_per_day", 86400)
    assert cloud_calls(emulator) == calls and rows_of(stack, f"o-{name}") == rows
    # A form for a smaller file still fits in what is left today.
    small = {"fileName": "a.jpg", "contentType": "image/jpeg", "size": 900}
    assert gateway.post("/aliyun/oss/post-policy", json=small, headers=bearer(token)).status_code == 200


def test_open_uploads_are_capped(gateway, emulator, login, stack, monkeypatch):
    name = fresh_name()
    token = login(name)
    monkeypatch.setenv("UPVEND_LIMIT_OPEN_UPLOADS", "2")
    assert gateway.post("/aliyun/vod/upload-video", json=VIDEO, headers=bearer(token)).status_code == 200
    image = {"imageType": "default", "imageExt": "png", "fileSize": 1000}
    assert gateway.post("/aliyun/vod/upload-image", json=image, headers=bearer(token)).status_code == 200
    calls = cloud_calls(emulator)
    form = {"fileName": "a.jpg", "contentType": "image/jpeg", "size": 900}  # forms reserve their row too
    for route, body in (("/aliyun/vod/upload-video", VIDEO), ("/aliyun/vod/upload-image", image),
                        ("/aliyun/oss/post-policy", form), ("/tencent/cos/post-policy", form)):
        assert_refused(gateway.post(route, json=body, headers=bearer(token)), "limit_open_uploads", 60)
    assert cloud_calls(emulator) == calls and rows_of(stack, f"o-{name}") == 2


def _client_from(stack, address: str) -> httpx.Client:
    """A client whose requests come from another loopback address (the whole of 127/8 is this machine)."""
    return httpx.Client(base_url=stack.gateway_url, timeout=15,
                        transport=httpx.HTTPTransport(local_address=address))


def _fresh_loopback() -> str:
    n = uuid.uuid4().int
    return f"127.{n % 250 + 1}.{n // 250 % 250 + 1}.{n // 62500 % 250 + 2}"


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_logins_per_source_ip(provider, stack, emulator, monkeypatch):
    monkeypatch.setenv("UPVEND_LIMIT_LOGINS_PER_IP_PER_MINUTE", "3")
    headers = {"X-Upvend-Provider": provider}
    with _client_from(stack, _fresh_loopback()) as one, _client_from(stack, _fresh_loopback()) as other:
        for n in range(3):
            assert one.post("/auth/wechat", json={"code": f"test-ip{n}"}, headers=headers).status_code == 200
        calls = cloud_calls(emulator)
        assert_refused(one.post("/auth/wechat", json={"code": "test-ip3"}, headers=headers),
                       "limit_logins_per_ip", 60)
        assert cloud_calls(emulator) == calls
        assert other.post("/auth/wechat", json={"code": "test-ip3"}, headers=headers).status_code == 200


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_a_replayed_login_code_never_reaches_wechat(provider, gateway, emulator, monkeypatch):
    monkeypatch.setenv("UPVEND_LOGIN_CODE_REPLAY_SECONDS", "300")
    headers = {"X-Upvend-Provider": provider}
    code = f"test-{fresh_name()}"
    assert gateway.post("/auth/wechat", json={"code": code}, headers=headers).status_code == 200
    calls = cloud_calls(emulator)
    replayed = gateway.post("/auth/wechat", json={"code": code}, headers=headers)
    assert replayed.status_code == 401 and replayed.json()["error"]["code"] == "login_code_replayed"
    assert cloud_calls(emulator) == calls


def test_a_code_wechat_could_not_judge_may_be_tried_again(gateway, emulator, monkeypatch):
    monkeypatch.setenv("UPVEND_LOGIN_CODE_REPLAY_SECONDS", "300")
    for _ in range(2):  # 45011: WeChat throttled the app, so the code was never spent
        calls = cloud_calls(emulator)
        response = gateway.post("/auth/wechat", json={"code": "busy"})
        assert response.status_code == 429 and response.json()["error"]["code"] == "wechat_rate_limited"
        assert cloud_calls(emulator) == calls + 1
    # A code WeChat rejected stays spent.
    assert gateway.post("/auth/wechat", json={"code": "bad"}).status_code == 401
    again = gateway.post("/auth/wechat", json={"code": "bad"})
    assert again.json()["error"]["code"] == "login_code_replayed"


@pytest.mark.parametrize("route, body", [
    ("/aliyun/oss/post-policy", {"fileName": "a.jpg", "contentType": "image/jpeg"}),
    ("/tencent/cos/post-policy", {"fileName": "a.jpg", "contentType": "image/jpeg"}),
    ("/aliyun/vod/upload-video", {"title": "t", "fileName": "a.mp4"}),
    ("/aliyun/vod/upload-image", {"imageType": "default", "imageExt": "jpg"}),
])
def test_a_credential_request_without_its_size_is_refused_and_counts_nothing(route, body, gateway, emulator, login,
                                                                              monkeypatch):
    token = login(fresh_name())
    monkeypatch.setenv("UPVEND_LIMIT_CREDENTIALS_PER_MINUTE", "1")
    calls = cloud_calls(emulator)
    refused = gateway.post(route, json=body, headers=bearer(token))
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "validation_error", refused.text
    assert cloud_calls(emulator) == calls
    size = "size" if "post-policy" in route else "fileSize"
    assert gateway.post(route, json={**body, size: 1000}, headers=bearer(token)).status_code == 200


def test_declared_image_bytes_count_too(gateway, login, monkeypatch):
    token = login(fresh_name())
    monkeypatch.setenv("UPVEND_LIMIT_BYTES_PER_DAY", "1500")
    image = {"imageType": "default", "imageExt": "jpg", "fileSize": 1000}
    assert gateway.post("/aliyun/vod/upload-image", json=image, headers=bearer(token)).status_code == 200
    assert_refused(gateway.post("/aliyun/vod/upload-image", json=image, headers=bearer(token)),
                   "limit_bytes_per_day", 86400)

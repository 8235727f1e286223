"""WeChat login through the local gateway and the emulator, on both providers."""

from __future__ import annotations

import jwt
import pytest

from devtools.local_env import DEV_JWT_SECRET

PROVIDERS = ["aliyun", "tencent"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_login_returns_a_token_for_the_openid(gateway, provider):
    response = gateway.post("/auth/wechat", json={"code": "test-alice"}, headers={"X-Upvend-Provider": provider})
    assert response.status_code == 200
    assert response.headers["x-upvend-function"] == ("auth-wechat" if provider == "aliyun" else "auth-wechat-scf")
    body = response.json()
    assert set(body) == {"token", "expiresIn"}
    claims = jwt.decode(body["token"], DEV_JWT_SECRET, algorithms=["HS256"], issuer="upvend")
    assert claims["sub"] == "o-alice"
    assert claims["exp"] - claims["iat"] == body["expiresIn"] == 7200
    assert "session_key" not in response.text
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    "payload, status, code",
    [
        ({"code": "bad"}, 401, "wechat_code_rejected"),
        ({"code": "busy"}, 429, "wechat_rate_limited"),
        ({}, 400, "validation_error"),
        ({"code": ""}, 400, "validation_error"),
        ({"code": "   "}, 400, "validation_error"),
        ({"code": 42}, 400, "validation_error"),
        ({"code": None}, 400, "validation_error"),
        (["test-alice"], 400, "validation_error"),
        ({"code": "test alice"}, 400, "wechat_code_malformed"),
        ({"code": "x" * 65}, 400, "wechat_code_malformed"),
    ],
)
def test_login_failures_are_json_errors(gateway, provider, payload, status, code):
    response = gateway.post("/auth/wechat", json=payload, headers={"X-Upvend-Provider": provider})
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["requestId"]
    if status == 401:
        assert "40029" in error["message"]
    if status == 429:
        assert "45011" in error["message"]
        assert response.headers["retry-after"] == "60"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_body_that_is_not_json_is_400(gateway, provider):
    response = gateway.post("/auth/wechat", content=b"code=test-alice",
                            headers={"X-Upvend-Provider": provider, "Content-Type": "text/plain"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_unknown_route_and_wrong_method(gateway):
    assert gateway.post("/nope", json={}).status_code == 404
    wrong = gateway.get("/auth/wechat")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"


def test_wechat_unreachable_is_502_within_the_timeout(gateway, monkeypatch):
    import time

    monkeypatch.setenv("UPVEND_WECHAT_TIMEOUT_SECONDS", "0.5")
    started = time.monotonic()
    response = gateway.post("/auth/wechat", json={"code": "slow"})
    assert time.monotonic() - started < 3
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "upstream_unreachable"


def test_wechat_down_is_502(gateway, monkeypatch):
    from devtools.serving import bind

    closed = bind()
    port = closed.getsockname()[1]
    closed.close()
    monkeypatch.setenv("UPVEND_WECHAT_API_BASE", f"http://127.0.0.1:{port}")
    response = gateway.post("/auth/wechat", json={"code": "test-alice"})
    assert response.status_code == 502
    assert "unreachable" in response.json()["error"]["message"]


def test_wrong_app_secret_is_reported_as_our_problem(gateway, monkeypatch):
    monkeypatch.setenv("UPVEND_WECHAT_SECRET", "not-the-registered-secret")
    response = gateway.post("/auth/wechat", json={"code": "test-alice"})
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "wechat_config_rejected"
    assert "not-the-registered-secret" not in response.text


def test_missing_setting_names_the_variable(gateway, monkeypatch):
    monkeypatch.delenv("UPVEND_WECHAT_APPID")
    response = gateway.post("/auth/wechat", json={"code": "test-alice"})
    assert response.status_code == 500
    assert response.json()["error"] == {"code": "setting_missing", "message": "Setting UPVEND_WECHAT_APPID is not set.",
                                        "requestId": response.json()["error"]["requestId"]}


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("body", [b"[" * 5000 + b"]" * 5000, b'{"code": ' + b"9" * 5000 + b"}"],
                         ids=["nested-too-deep", "integer-over-digit-limit"])
def test_json_python_cannot_decode_is_400_not_500(gateway, provider, body):
    response = gateway.post("/auth/wechat", content=body,
                            headers={"X-Upvend-Provider": provider, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"

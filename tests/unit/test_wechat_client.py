"""jscode2session answers, as WeChat might send them, become the right typed errors."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from upvend.errors import BadRequest, RateLimited, Unauthorized, UpstreamError, UpstreamUnavailable
from upvend.wechat import code_to_session


class FakeWechat(BaseHTTPRequestHandler):
    answer: bytes = b"{}"
    seen: list[dict] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        FakeWechat.seen.append({k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(FakeWechat.answer)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def wechat(monkeypatch) -> Iterator[type[FakeWechat]]:
    server = HTTPServer(("127.0.0.1", 0), FakeWechat)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    monkeypatch.setenv("UPVEND_WECHAT_API_BASE", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("UPVEND_WECHAT_APPID", "wx-app")
    monkeypatch.setenv("UPVEND_WECHAT_SECRET", "app-secret-value")
    FakeWechat.seen = []
    yield FakeWechat
    server.shutdown()
    server.server_close()


def answer(wechat, body) -> None:
    wechat.answer = body if isinstance(body, bytes) else json.dumps(body).encode()


def test_openid_is_returned_and_the_request_carries_the_app_credentials(wechat):
    answer(wechat, {"openid": "o-1", "session_key": "sk", "unionid": "u-1"})
    session = code_to_session("the-code")
    assert (session.openid, session.unionid) == ("o-1", "u-1")
    assert wechat.seen == [{"appid": "wx-app", "secret": "app-secret-value", "js_code": "the-code",
                            "grant_type": "authorization_code"}]


@pytest.mark.parametrize("body, error, code", [
    ({"errcode": 40029, "errmsg": "invalid code"}, Unauthorized, "wechat_code_rejected"),
    ({"errcode": 40163, "errmsg": "code been used"}, Unauthorized, "wechat_code_rejected"),
    ({"errcode": 45011, "errmsg": "rate limit"}, RateLimited, "wechat_rate_limited"),
    ({"errcode": -1, "errmsg": "system busy"}, UpstreamUnavailable, "wechat_busy"),
    ({"errcode": 40125, "errmsg": "invalid appsecret"}, UpstreamError, "wechat_config_rejected"),
    ({"errcode": "oops"}, UpstreamError, "upstream_error"),
    ({"errcode": True}, UpstreamError, "upstream_error"),
    ({"session_key": "sk"}, UpstreamError, "upstream_error"),
    ({"openid": ""}, UpstreamError, "upstream_error"),
    ([1, 2], UpstreamError, "upstream_error"),
    (b"<html>busy</html>", UpstreamError, "upstream_error"),
])
def test_wechat_answers_map_to_typed_errors(wechat, body, error, code):
    answer(wechat, body)
    with pytest.raises(error) as caught:
        code_to_session("c")
    assert caught.value.code == code
    assert "app-secret-value" not in caught.value.message



def test_45011_is_reported_as_wechat_rate_limiting_with_retry_after(wechat):
    answer(wechat, {"errcode": 45011, "errmsg": "api minute-quota reach limit mustslower retry next minute"})
    with pytest.raises(RateLimited) as caught:
        code_to_session("0716AVll20uHk94SLDml27etM946AVlq")
    assert (caught.value.status, caught.value.code) == (429, "wechat_rate_limited")
    assert caught.value.headers == {"Retry-After": "60"}
    assert "45011" in caught.value.message


@pytest.mark.parametrize("code", [
    "0716AVll20uHk94SLDml27etM946AVlq",  # the shape WeChat hands out: 32 letters and digits
    "test-alice", "a", "A_b-9" * 12 + "abcd",
])
def test_codes_in_the_wx_login_format_are_sent(wechat, code):
    answer(wechat, {"openid": "o-1"})
    assert code_to_session(code).openid == "o-1"
    assert [seen["js_code"] for seen in wechat.seen] == [code]


JUNK_CODES = ["test-b%6Fb", "a b", "code\n", "x" * 65, "碼", "abc/def", "a+b=", "' OR 1=1 --", "\x00", "${jndi:x}",
              "0716AVll20uHk94SLDml27etM946AVlq&appid=other"]


def test_junk_codes_are_refused_before_any_call_to_wechat(wechat):
    """Every junk code used to cost one jscode2session call (and WeChat's per-minute quota)."""
    answer(wechat, {"openid": "o-1"})
    for _ in range(200):
        for code in JUNK_CODES:
            with pytest.raises(BadRequest) as caught:
                code_to_session(code)
            assert (caught.value.status, caught.value.code) == (400, "wechat_code_malformed")
    assert wechat.seen == []


def test_an_openid_holding_percent_gets_no_session(wechat):
    """A session subject is also a folder name: `o-b%6Fb` could be decoded into `o-bob` further on."""
    answer(wechat, {"openid": "o-b%6Fb", "session_key": "sk"})
    with pytest.raises(UpstreamError) as caught:
        code_to_session("0716AVll20uHk94SLDml27etM946AVlq")
    assert caught.value.code == "wechat_openid_invalid"

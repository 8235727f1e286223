"""Structured logs: one JSON line per event, secrets masked."""

from __future__ import annotations

import io
import json
import logging

import pytest

from upvend import logs


@pytest.fixture
def captured():
    stream = io.StringIO()
    logs.configure(stream)
    yield stream
    logs.configure(__import__("sys").stdout)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_one_json_line_with_request_id_and_function(captured):
    with __import__("upvend.invocation", fromlist=["bound"]).bound("req-1", "auth-wechat"):
        logging.getLogger("t").info("hello %s", "world", extra={"status": 200})
    entry = lines(captured)[-1]
    assert entry["message"] == "hello world" and entry["requestId"] == "req-1"
    assert entry["function"] == "auth-wechat" and entry["status"] == 200
    assert entry["time"].endswith("Z") and entry["level"] == "INFO"


def test_sensitive_keys_are_masked(captured):
    logging.getLogger("t").info("creds", extra={
        "accessKeySecret": "abcdef123456", "securityToken": "tok-123456", "signature": "sig-123456",
        "uploadAuth": "eyJBY2Nlc3NLZXlJZCI6", "authorization": "Bearer x", "policy": "cG9saWN5",
        "session_key": "sk-1", "videoId": "v-keep-me", "fields": {"x-oss-signature": "abc", "key": "uploads/x"}})
    entry = lines(captured)[-1]
    for key in ("accessKeySecret", "securityToken", "signature", "uploadAuth", "authorization", "policy",
                "session_key"):
        assert entry[key] == logs.REDACTED, key
    assert entry["videoId"] == "v-keep-me"
    assert entry["fields"]["x-oss-signature"] == logs.REDACTED


def test_secrets_inside_text_are_masked(captured, monkeypatch):
    monkeypatch.setenv("UPVEND_WECHAT_SECRET", "wechat-app-secret-value")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "role-secret-value-xyz")
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvLWEifQ.c2lnbmF0dXJl"
    logging.getLogger("t").warning(
        "calling https://api/sns?appid=wx&secret=wechat-app-secret-value&js_code=abc123 with Bearer %s; "
        "key role-secret-value-xyz; raw jwt %s", token, token)
    text = captured.getvalue()
    for leaked in ("wechat-app-secret-value", "abc123", "role-secret-value-xyz", token):
        assert leaked not in text
    assert "Bearer ***" in text


def test_exceptions_are_redacted_too(captured, monkeypatch):
    monkeypatch.setenv("UPVEND_JWT_SECRET", "jwt-secret-in-a-traceback")
    try:
        raise ValueError("bad key jwt-secret-in-a-traceback")
    except ValueError:
        logging.getLogger("t").exception("failed")
    assert "jwt-secret-in-a-traceback" not in captured.getvalue()
    assert "ValueError" in lines(captured)[-1]["exception"]

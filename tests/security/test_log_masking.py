"""Finding 9: logs keep error codes readable and mask the login code (a one-time secret) wherever it appears."""

from __future__ import annotations

import json
import logging
from typing import Iterator

import pytest

from tests.log_audit import LineRecorder


@pytest.fixture
def lines() -> Iterator[list[str]]:
    recorder = LineRecorder()
    logging.getLogger().addHandler(recorder)
    try:
        yield recorder.lines
    finally:
        logging.getLogger().removeHandler(recorder)


def _entries(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines if line.startswith("{")]


def test_error_codes_are_logged_as_they_are(gateway, lines):
    # A malformed storage event is rejected with a logged error code (an operator's only clue).
    response = gateway.post("/_upvend/invoke/aliyun-oss-trigger", json={"events": "not a list"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert any(e.get("code") == "validation_error" for e in _entries(lines)), lines


def test_the_login_code_is_masked_wherever_it_appears(gateway, lines):
    from upvend.logs import get_logger, mask_in_this_request

    # A rejected login code, and one a handler would echo into a log line of the same request.
    code = "bad-login-code-7f3a9c"
    response = gateway.post("/auth/wechat", json={"code": code})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "wechat_code_rejected"
    assert not [line for line in lines if code in line]

    from upvend.invocation import bound
    with bound("r-1", "auth-wechat"):
        mask_in_this_request("test-secret-login-code")
        get_logger("upvend.test").warning("echo", extra={"js_code": "x1", "note": "got test-secret-login-code"})
    entry = _entries(lines)[-1]
    assert entry["note"] == "got ***" and entry["js_code"] == "***"

"""Issue 17, finding 7: request bodies are refused on their declared length, before they are decoded.

A 32 MiB body took auth-wechat from about 80 to 196 MiB RSS: the event was parsed,
the body base64-decoded and copied into the app before its 64 KiB check. The peak
of memory allocated while handling such an event is measured with tracemalloc.
"""

from __future__ import annotations

import base64
import json
import tracemalloc
from pathlib import Path

import pytest

from devtools.gateway.events import FcContext, IncomingRequest, fc_http_event, scf_context, scf_url_event
from devtools.gateway.registry import Registry
from devtools.template import DEFAULT_MAX_BODY_BYTES, load_template
from upvend.http.body_limit import DEFAULT_MAX_BODY_BYTES as LAYER_DEFAULT

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(REPO / "template.yaml")
REGISTRY = Registry(TEMPLATE, REPO)
BIG = 32 * 1024 * 1024


def login_request(body: bytes, content_type: str = "application/json", **headers: str) -> IncomingRequest:
    return IncomingRequest("POST", "/auth/wechat", [], [("content-type", content_type), *headers.items()], body,
                           "203.0.113.7", "localhost")


def invoke(name: str, event, context=None) -> tuple[dict, int]:
    """The function's answer to `event` and the peak bytes allocated while it was handled."""
    fn = REGISTRY.functions[name]
    handler = fn.handler
    context = context or (FcContext(fn.spec, "req-1") if fn.spec.provider == "aliyun" else scf_context(fn.spec, "req-1"))
    tracemalloc.start()
    try:
        result = handler(event, context)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


def error_of(result: dict) -> tuple[int, str]:
    return result["statusCode"], json.loads(result["body"])["error"]["code"]


@pytest.fixture(autouse=True)
def default_limit(monkeypatch):
    monkeypatch.delenv("UPVEND_MAX_BODY_BYTES", raising=False)


@pytest.mark.parametrize("body, content_type", [
    (b'{"code":"' + b"a" * BIG + b'"}', "application/json"),  # a text body: the event carries it as JSON text
    (b"\xff" * BIG, "application/octet-stream"),                # binary: the event carries it base64-encoded
])
def test_a_32_mib_fc_body_is_refused_without_being_decoded(body, content_type):
    event = fc_http_event(login_request(body, content_type, **{"content-length": str(len(body))}), "req-1")
    del body
    result, peak = invoke("auth-wechat", event)
    assert error_of(result) == (413, "payload_too_large")
    assert json.loads(result["body"])["error"]["requestId"] == "req-1"
    assert peak < 2 * 1024 * 1024  # not a copy of the body, let alone several


def test_a_32_mib_scf_body_is_refused_without_being_decoded():
    """SCF parses the event itself; the body string is still never decoded or handed to the app."""
    event = scf_url_event(login_request(b'{"code":"' + b"a" * BIG + b'"}'))
    result, peak = invoke("auth-wechat-scf", event)
    assert error_of(result) == (413, "payload_too_large")
    assert peak < 2 * 1024 * 1024


@pytest.mark.parametrize("name", ["auth-wechat", "auth-wechat-scf"])
@pytest.mark.parametrize("binary", [False, True])
def test_the_limit_is_exact(monkeypatch, name, binary):
    monkeypatch.setenv("UPVEND_MAX_BODY_BYTES", "1000")
    for size, refused in ((1000, False), (1001, True)):
        body = (b'{"code":"' + b"a" * (size - 11) + b'"}') if not binary else b"\xff" * size
        request = login_request(body, "application/octet-stream" if binary else "application/json")
        event = fc_http_event(request, "req-1") if name == "auth-wechat" else scf_url_event(request)
        if binary and name == "auth-wechat-scf":  # an API gateway in front of SCF base64-encodes binary bodies
            event = {**event, "body": base64.b64encode(body).decode(), "isBase64Encoded": True}
        status, code = error_of(invoke(name, event)[0])
        assert (status == 413) is refused, (size, status, code)
        if refused:
            assert code == "payload_too_large"


def test_a_declared_content_length_over_the_limit_is_refused(monkeypatch):
    monkeypatch.setenv("UPVEND_MAX_BODY_BYTES", "1000")
    event = json.loads(fc_http_event(login_request(b'{"code":"test-a"}', **{"content-length": "1001"}), "req-1"))
    assert error_of(invoke("auth-wechat", json.dumps(event).encode())[0]) == (413, "payload_too_large")
    event["headers"]["Content-Length"] = "9" * 5000  # more digits than int() takes
    assert error_of(invoke("auth-wechat", json.dumps(event).encode())[0]) == (413, "payload_too_large")


def test_a_malformed_limit_is_a_configuration_error_not_a_crash(monkeypatch):
    monkeypatch.setenv("UPVEND_MAX_BODY_BYTES", "lots")
    event = fc_http_event(login_request(b'{"code":"test-a"}'), "req-1")
    status, code = error_of(invoke("auth-wechat", event)[0])
    assert status == 500 and code != "internal_error"


def test_template_and_layer_agree_on_the_default():
    assert DEFAULT_MAX_BODY_BYTES == LAYER_DEFAULT == 64 * 1024


def test_each_http_function_gets_its_limit_in_its_environment():
    for fn in TEMPLATE.functions:
        values = [e.value for e in fn.env if e.name == "UPVEND_MAX_BODY_BYTES"]
        assert values == ([str(fn.max_body_bytes)] if fn.http else []), fn.name
    assert TEMPLATE.function("auth-wechat").max_body_bytes == 4096
    assert TEMPLATE.function("aliyun-sts").max_body_bytes == DEFAULT_MAX_BODY_BYTES

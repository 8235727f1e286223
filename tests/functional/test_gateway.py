"""The local gateway serves exactly template.yaml, with the providers' real event shapes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from devtools.gateway.events import IncomingRequest, fc_http_event, read_result, scf_url_event
from devtools.template import load_template

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(REPO / "template.yaml")
DECLARED = [(fn.name, fn.provider, r.method, r.path) for fn in TEMPLATE.functions for r in fn.http]
PROVIDERS_OF = {(method, path): {p for _, p, m, q in DECLARED if (m, q) == (method, path)}
                for _, _, method, path in DECLARED}


def _gateway_error(response) -> dict | None:
    """The gateway's own error envelope (requestId null, no function named), or None."""
    if "x-upvend-function" in response.headers:
        return None
    body = response.json()
    assert set(body) == {"error"} and body["error"]["requestId"] is None, body
    return body["error"]


def test_routes_listing_is_the_template(gateway):
    served = sorted((r["function"], r["provider"], r["method"], r["path"]) for r in gateway.get("/_upvend/routes").json())
    assert served == sorted(DECLARED)


@pytest.mark.parametrize("function, provider, method, path", DECLARED,
                         ids=[f"{f}:{m} {p}" for f, _, m, p in DECLARED])
def test_each_template_route_is_served_by_its_function(gateway, function, provider, method, path):
    url = re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", r"dummy-\1", path)
    headers = {"X-Upvend-Provider": provider} if len(PROVIDERS_OF[(method, path)]) > 1 else {}
    response = gateway.request(method, url, headers=headers, content=b"{}" if method != "GET" else None)
    assert response.headers.get("x-upvend-function") == function, (response.status_code, response.text)
    assert response.status_code < 500, response.text  # the function's own 4xx is fine; a crash is not
    if response.status_code >= 400:
        assert response.json()["error"]["requestId"], response.text  # the function's envelope, not the gateway's


@pytest.mark.parametrize("method, path", [("GET", "/no/such/route"), ("POST", "/auth/wechat/extra"),
                                          ("GET", "/media/a/b"), ("POST", "/")])
def test_a_path_outside_the_template_is_the_gateways_404(gateway, method, path):
    response = gateway.request(method, path)
    assert response.status_code == 404 and response.headers["content-type"] == "application/json"
    error = _gateway_error(response)
    assert error is not None and error["code"] == "not_found" and path in error["message"]


def test_the_root_points_to_the_console_and_the_api_document(gateway):
    response = gateway.get("/")
    assert response.status_code == 404
    message = _gateway_error(response)["message"]
    assert "/console" in message and "/openapi.json" in message


def test_a_template_path_with_an_undeclared_method_is_the_gateways_405(gateway):
    response = gateway.request("DELETE", "/auth/wechat")
    assert response.status_code == 405
    error = _gateway_error(response)
    assert error is not None and error["code"] == "method_not_allowed"


def test_invoke_endpoint_calls_a_function_with_a_raw_event(gateway):
    event = {"body": '{"code":"test-carol"}', "httpMethod": "POST", "path": "/auth/wechat", "queryString": {},
             "headers": {"content-type": "application/json"}}
    response = gateway.post("/_upvend/invoke/auth-wechat-scf", json=event)
    assert response.status_code == 200
    result = response.json()
    assert result["statusCode"] == 200 and "token" in json.loads(result["body"])
    assert gateway.post("/_upvend/invoke/nope", json={}).status_code == 404


def test_fc_event_built_by_the_gateway_matches_the_documented_shape():
    req = IncomingRequest("POST", "/a b", [("p", "1"), ("p", "2")], [("x-multi", "v1"), ("x-multi", "v2")],
                          b"\x00\x01", "10.0.0.1", "127.0.0.1:8000")
    event = json.loads(fc_http_event(req, "rid"))
    assert event["version"] == "v1" and event["rawPath"] == "/a%20b"
    assert event["queryParameters"] == {"p": "1,2"} and event["headers"]["X-Multi"] == "v1,v2"
    assert event["isBase64Encoded"] is True
    assert event["requestContext"]["http"] == {"method": "POST", "path": "/a b", "protocol": "HTTP/1.1",
                                               "sourceIp": "10.0.0.1", "userAgent": ""}


def test_scf_url_event_has_lowercase_headers_and_client_ip():
    req = IncomingRequest("GET", "/x", [("a", "1")], [("X-Thing", "t")], b"", "10.0.0.2", "h")
    event = scf_url_event(req)
    assert event["headers"] == {"x-thing": "t", "x-scf-remote-addr": "10.0.0.2"}
    assert event["queryString"] == {"a": "1"} and "requestContext" not in event


def test_scf_answer_without_status_code_is_200_json():
    assert read_result({"ok": True}) == (200, {"content-type": "application/json"}, b'{"ok": true}')

"""The local gateway serves exactly template.yaml, with the providers' real event shapes."""

from __future__ import annotations

import json
from pathlib import Path

from devtools.gateway.events import IncomingRequest, fc_http_event, read_result, scf_url_event
from devtools.template import load_template

REPO = Path(__file__).resolve().parents[2]


def test_routes_are_exactly_the_template(gateway):
    template = load_template(REPO / "template.yaml")
    declared = sorted((fn.name, fn.provider, r.method, r.path) for fn in template.functions for r in fn.http)
    served = sorted((r["function"], r["provider"], r["method"], r["path"]) for r in gateway.get("/_upvend/routes").json())
    assert served == declared


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

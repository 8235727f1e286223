"""Each platform event shape reaches the app intact, and answers in the platform's response shape."""

from __future__ import annotations

import base64
import json
from urllib.parse import unquote

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from upvend.errors import Conflict
from upvend.http import create_app, http_handler


async def echo(request: Request) -> Response:
    return JSONResponse({
        "method": request.method,
        "path": request.url.path,
        "params": dict(request.path_params),
        "query": list(request.query_params.multi_items()),
        "headers": {k: v for k, v in request.headers.items() if k.startswith("x-")},
        "body": base64.b64encode(await request.body()).decode(),
        "client": request.client.host if request.client else None,
        "provider": request.scope.get("upvend.provider"),
    }, status_code=201, headers={"X-Echo": "yes"})


async def binary(request: Request) -> Response:
    return Response(bytes(range(256)), media_type="application/octet-stream")


async def conflict(request: Request) -> Response:
    raise Conflict("Already there.", code="already_there")


async def boom(request: Request) -> Response:
    raise RuntimeError("secret internals")


BOTH = ["GET", "POST"]
APP = create_app([Route("/items/{item}", echo, methods=BOTH), Route("/bin", binary, methods=BOTH),
                  Route("/conflict", conflict, methods=BOTH), Route("/boom", boom, methods=BOTH)])
HANDLER = http_handler(APP, function="echo")
BODY = b'{"hello": "\xe4\xb8\x96\xe7\x95\x8c"}'


def fc_event(method="POST", path="/items/a%20b", query=None, headers=None, body=BODY, b64=False) -> bytes:
    return json.dumps({
        "version": "v1", "rawPath": path,
        "body": base64.b64encode(body).decode() if b64 else body.decode(),
        "isBase64Encoded": b64,
        "headers": {"Content-Type": "application/json", "X-Multi": "value1,value2", **(headers or {})},
        "queryParameters": query if query is not None else {"p": "v1", "q": "x y"},
        "requestContext": {"accountId": "1", "domainName": "abc.cn-hangzhou.fcapp.run", "domainPrefix": "abc",
                           "requestId": "1-fc-request", "time": "2023-09-05T06:41:11Z", "timeEpoch": "1",
                           "http": {"method": method, "path": unquote(path), "protocol": "HTTP/1.1",
                                    "sourceIp": "11.11.11.11", "userAgent": "ua"}},
    }).encode()


def apigw_event(body=BODY, b64=True) -> bytes:
    return json.dumps({
        "path": "/items/a%20b", "httpMethod": "POST",
        "headers": {"X-Ca-Key": "k", "Content-Type": "application/json"},
        "queryParameters": {"p": "v1"}, "pathParameters": {"item": "a b"},
        "body": base64.b64encode(body).decode() if b64 else body.decode(), "isBase64Encoded": b64,
    }).encode()


def scf_url_event(body=BODY) -> dict:
    return {"body": body.decode(), "httpMethod": "POST", "path": "/items/a b",
            "queryString": {"p": "v1", "r": ["1", "2"]},
            "headers": {"x-scf-remote-addr": "111.206.96.145", "content-type": "application/json", "x-multi": "m"}}


def scf_apigw_event(body=BODY, b64=False) -> dict:
    return {"requestContext": {"serviceId": "service-f94sy04v", "path": "/items/{item}", "httpMethod": "POST",
                               "requestId": "c6af9ac6-apigw", "sourceIp": "10.0.2.14", "stage": "release",
                               "identity": {}},
            "headers": {"Host": "service.apigateway.myqcloud.com", "X-Thing": "t"},
            "body": base64.b64encode(body).decode() if b64 else body.decode(), "isBase64Encoded": b64,
            "pathParameters": {"item": "a b"}, "queryStringParameters": {}, "headerParameters": {},
            "stageVariables": {"stage": "release"}, "path": "/items/a b",
            "queryString": {"foo": "bar"}, "httpMethod": "POST"}


def decoded(result: dict) -> dict:
    assert result["isBase64Encoded"] is False
    return json.loads(result["body"])


def test_fc_http_trigger_event():
    result = HANDLER(fc_event(), None)
    assert result["statusCode"] == 201
    assert result["headers"]["x-echo"] == "yes"
    seen = decoded(result)
    assert seen["method"] == "POST" and seen["path"] == "/items/a b" and seen["params"] == {"item": "a b"}
    assert seen["query"] == [["p", "v1"], ["q", "x y"]]
    assert seen["headers"]["x-multi"] == "value1,value2"  # FC joins repeats; kept whole
    assert base64.b64decode(seen["body"]) == BODY
    assert seen["client"] == "11.11.11.11" and seen["provider"] == "aliyun"


def test_fc_base64_body_and_binary_response():
    seen = decoded(HANDLER(fc_event(body=b"\x00\xffbinary", b64=True), None))
    assert base64.b64decode(seen["body"]) == b"\x00\xffbinary"
    result = HANDLER(fc_event(method="GET", path="/bin", query={}), None)
    assert result["isBase64Encoded"] is True
    assert base64.b64decode(result["body"]) == bytes(range(256))


def test_aliyun_api_gateway_event():
    result = HANDLER(apigw_event(), None)
    assert set(result) == {"statusCode", "headers", "body", "isBase64Encoded"}
    seen = decoded(result)
    assert seen["path"] == "/items/a b" and seen["query"] == [["p", "v1"]]
    assert base64.b64decode(seen["body"]) == BODY and seen["headers"]["x-ca-key"] == "k"


def test_aliyun_api_gateway_plain_body():
    seen = decoded(HANDLER(apigw_event(b64=False), None))
    assert base64.b64decode(seen["body"]) == BODY


def test_scf_function_url_event():
    result = HANDLER(scf_url_event(), {"request_id": "scf-req"})
    assert result["statusCode"] == 201
    seen = decoded(result)
    assert seen["query"] == [["p", "v1"], ["r", "1"], ["r", "2"]]
    assert seen["client"] == "111.206.96.145" and seen["provider"] == "tencent"
    assert base64.b64decode(seen["body"]) == BODY


def test_scf_api_gateway_event():
    seen = decoded(HANDLER(scf_apigw_event(), None))
    assert seen["query"] == [["foo", "bar"]] and seen["client"] == "10.0.2.14"
    assert seen["headers"]["x-thing"] == "t" and seen["provider"] == "tencent"
    seen = decoded(HANDLER(scf_apigw_event(body=b"\x01\x02", b64=True), None))
    assert base64.b64decode(seen["body"]) == b"\x01\x02"


@pytest.mark.parametrize("event, request_id", [(fc_event(), "1-fc-request"), (scf_apigw_event(), "c6af9ac6-apigw")])
def test_request_id_comes_from_the_platform(event, request_id):
    if isinstance(event, bytes):
        event = fc_event(path="/conflict")
    else:
        event = {**event, "path": "/conflict"}
    result = HANDLER(event, None)
    assert result["statusCode"] == 409
    assert json.loads(result["body"]) == {"error": {"code": "already_there", "message": "Already there.",
                                                    "requestId": request_id}}


def test_fc_context_request_id_wins():
    context = type("Ctx", (), {"request_id": "ctx-id"})()
    event = fc_event(method="GET", path="/nope", query={})
    body = json.loads(HANDLER(event, context)["body"])
    assert body["error"]["code"] == "not_found" and body["error"]["requestId"] == "ctx-id"


def test_unexpected_exception_is_a_json_500_without_internals(capsys):
    result = HANDLER({**scf_url_event(), "path": "/boom"}, {"request_id": "r"})
    assert result["statusCode"] == 500
    assert json.loads(result["body"])["error"]["code"] == "internal_error"
    assert "secret internals" not in result["body"]


@pytest.mark.parametrize("event", [b"not json", b"[1,2]", {"records": []}, b""])
def test_unknown_events_are_rejected_as_400(event):
    result = HANDLER(event, None)
    assert result["statusCode"] == 400
    assert json.loads(result["body"])["error"]["code"] in {"invalid_event"}


def test_method_not_allowed_is_json():
    result = HANDLER({**scf_url_event(), "httpMethod": "DELETE"}, None)
    assert result["statusCode"] == 405
    assert json.loads(result["body"])["error"]["code"] == "method_not_allowed"


def test_cors_allow_list(monkeypatch):
    preflight = {"body": "", "httpMethod": "OPTIONS", "path": "/items/x", "queryString": {},
                 "headers": {"origin": "https://h5.example.com", "access-control-request-method": "POST"}}
    assert HANDLER(preflight, None)["statusCode"] == 403  # default: no origin allowed
    monkeypatch.setenv("UPVEND_CORS_ORIGINS", "https://h5.example.com, https://other.example.com")
    result = HANDLER(preflight, None)
    assert result["statusCode"] == 204
    assert result["headers"]["access-control-allow-origin"] == "https://h5.example.com"
    assert "Authorization" in result["headers"]["access-control-allow-headers"]
    simple = {**scf_url_event(), "headers": {"origin": "https://h5.example.com"}}
    assert HANDLER(simple, None)["headers"]["access-control-allow-origin"] == "https://h5.example.com"
    foreign = {**scf_url_event(), "headers": {"origin": "https://evil.example.com"}}
    assert "access-control-allow-origin" not in HANDLER(foreign, None)["headers"]

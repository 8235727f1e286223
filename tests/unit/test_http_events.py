"""Each platform event shape reaches the app intact, and answers in the platform's response shape."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, unquote

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


BOTH = ["GET", "POST", "PUT", "DELETE"]
APP = create_app([Route("/items/{item}", echo, methods=BOTH), Route("/bin", binary, methods=BOTH),
                  Route("/conflict", conflict, methods=BOTH), Route("/boom", boom, methods=BOTH)])
HANDLER = http_handler(APP, function="echo")
BODY = b'{"hello": "\xe4\xb8\x96\xe7\x95\x8c"}'
BINARY = b"\x00\xff\xfe binary \x80"
ITEM = "a b~\u4e16"  # a space and a non-ASCII character, decoded
QUERY = {"p": "v1", "q": "x y", "u": "\u4e16\u754c"}


def _body(body: bytes, b64: bool) -> str:
    return base64.b64encode(body).decode() if b64 else body.decode()


def fc_event(method="POST", path="/items/" + quote(ITEM), query=None, headers=None, body=BODY, b64=False) -> bytes:
    return json.dumps({
        "version": "v1", "rawPath": path, "body": _body(body, b64), "isBase64Encoded": b64,
        "headers": {"Content-Type": "application/json", "X-Multi": "value1,value2", **(headers or {})},
        "queryParameters": query if query is not None else QUERY,
        "requestContext": {"accountId": "1", "domainName": "abc.cn-hangzhou.fcapp.run", "domainPrefix": "abc",
                           "requestId": "1-fc-request", "time": "2023-09-05T06:41:11Z", "timeEpoch": "1",
                           "http": {"method": method, "path": unquote(path), "protocol": "HTTP/1.1",
                                    "sourceIp": "11.11.11.11", "userAgent": "ua"}},
    }).encode()


def apigw_event(method="POST", path="/items/" + quote(ITEM), query=None, headers=None, body=BODY, b64=True) -> bytes:
    return json.dumps({
        "path": path, "httpMethod": method,
        "headers": {"X-Ca-Key": "k", "Content-Type": "application/json", **(headers or {})},
        "queryParameters": query if query is not None else QUERY, "pathParameters": {"item": ITEM},
        "body": _body(body, b64), "isBase64Encoded": b64,
    }).encode()


def scf_url_event(method="POST", path="/items/" + ITEM, query=None, headers=None, body=BODY, b64=False) -> dict:
    assert not b64, "a function URL request has no isBase64Encoded flag"
    return {"body": body.decode(), "httpMethod": method, "path": path,
            "queryString": query if query is not None else {**QUERY, "r": ["1", "2"]},
            "headers": {"x-scf-remote-addr": "111.206.96.145", "content-type": "application/json", "x-multi": "m",
                        **{k.lower(): v for k, v in (headers or {}).items()}}}


def scf_url_context_event(method="POST", path="/items/" + ITEM, query=None, headers=None, body=BODY, b64=False) -> dict:
    """A function URL event that carries a `requestContext` (no `serviceId`: not the API gateway)."""
    event = scf_url_event(method, path, query, headers, body, b64)
    event["headers"].pop("x-scf-remote-addr")
    return {**event, "requestContext": {"appId": "1250000000", "requestId": "req-url-1", "sourceIp": "111.206.96.146",
                                        "stage": "$DEFAULT"}}


def scf_apigw_event(method="POST", path="/items/" + ITEM, query=None, headers=None, body=BODY, b64=False) -> dict:
    return {"requestContext": {"serviceId": "service-f94sy04v", "path": "/items/{item}", "httpMethod": method,
                               "requestId": "c6af9ac6-apigw", "sourceIp": "10.0.2.14", "stage": "release",
                               "identity": {}},
            "headers": {"Host": "service.apigateway.myqcloud.com", "X-Thing": "t", **(headers or {})},
            "body": _body(body, b64), "isBase64Encoded": b64,
            "pathParameters": {"item": ITEM}, "queryStringParameters": {}, "headerParameters": {},
            "stageVariables": {"stage": "release"}, "path": path,
            "queryString": query if query is not None else {"foo": "bar", **QUERY}, "httpMethod": method}


# (builder, provider, client address, query pairs the app sees by default)
FC = pytest.param(fc_event, "aliyun", "11.11.11.11", list(QUERY.items()), id="fc-http-trigger")
APIGW = pytest.param(apigw_event, "aliyun", "", list(QUERY.items()), id="aliyun-api-gateway")
SCF_URL = pytest.param(scf_url_event, "tencent", "111.206.96.145", [*QUERY.items(), ("r", "1"), ("r", "2")],
                       id="scf-function-url")
SCF_URL_CONTEXT = pytest.param(scf_url_context_event, "tencent", "111.206.96.146",
                               [*QUERY.items(), ("r", "1"), ("r", "2")], id="scf-function-url-with-request-context")
SCF_APIGW = pytest.param(scf_apigw_event, "tencent", "10.0.2.14", [("foo", "bar"), *QUERY.items()],
                         id="scf-api-gateway")
SHAPES = [FC, APIGW, SCF_URL, SCF_URL_CONTEXT, SCF_APIGW]
BASE64_FLAGGED = [FC, APIGW, SCF_APIGW]  # SCF function URLs have no request isBase64Encoded flag


def decoded(result: dict) -> dict:
    assert result["isBase64Encoded"] is False
    return json.loads(result["body"])


@pytest.mark.parametrize("build, provider, client, query", SHAPES)
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "GET"])
def test_each_event_shape_reaches_the_app_intact(build, provider, client, query, method):
    seen = decoded(HANDLER(build(method=method, headers={"X-Custom-Thing": "c1 c2"}), None))
    assert seen["method"] == method
    assert seen["path"] == f"/items/{ITEM}" and seen["params"] == {"item": ITEM}
    assert [tuple(pair) for pair in seen["query"]] == query
    assert seen["headers"]["x-custom-thing"] == "c1 c2"
    assert base64.b64decode(seen["body"]) == BODY
    assert seen["provider"] == provider and seen["client"] == (client or "0.0.0.0")


@pytest.mark.parametrize("build, provider, client, query", SHAPES)
def test_each_event_shape_passes_a_plain_body_unchanged(build, provider, client, query):
    seen = decoded(HANDLER(build(body=BODY, b64=False), None))
    assert base64.b64decode(seen["body"]) == BODY


@pytest.mark.parametrize("build, provider, client, query", BASE64_FLAGGED)
def test_each_base64_flagged_shape_decodes_the_body(build, provider, client, query):
    seen = decoded(HANDLER(build(body=BINARY, b64=True), None))
    assert base64.b64decode(seen["body"]) == BINARY


@pytest.mark.parametrize("build, provider, client, query", BASE64_FLAGGED)
def test_each_base64_flagged_shape_rejects_a_body_that_is_not_base64(build, provider, client, query):
    event = build(b64=True)
    event = json.loads(event) if isinstance(event, bytes) else event
    result = HANDLER({**event, "body": "not base64!"}, None)
    assert result["statusCode"] == 400 and json.loads(result["body"])["error"]["code"] == "invalid_event"


@pytest.mark.parametrize("build, provider, client, query", SHAPES)
def test_each_event_shape_gets_the_platform_response(build, provider, client, query):
    result = HANDLER(build(), None)
    assert set(result) == {"statusCode", "headers", "body", "isBase64Encoded"}
    assert result["statusCode"] == 201
    assert result["headers"]["x-echo"] == "yes" and result["headers"]["content-type"] == "application/json"
    assert result["isBase64Encoded"] is False and json.loads(result["body"])["method"] == "POST"


@pytest.mark.parametrize("build, provider, client, query", SHAPES)
def test_each_event_shape_gets_a_binary_response_as_base64(build, provider, client, query):
    result = HANDLER(build(method="GET", path="/bin", query={}, body=b""), None)
    assert result["statusCode"] == 200 and result["headers"]["content-type"] == "application/octet-stream"
    assert result["isBase64Encoded"] is True
    assert base64.b64decode(result["body"], validate=True) == bytes(range(256))


def test_fc_keeps_comma_joined_repeats_whole():
    seen = decoded(HANDLER(fc_event(query={"p": "v1,v2"}), None))
    assert seen["headers"]["x-multi"] == "value1,value2"  # FC joins repeats; a comma may be part of a value
    assert seen["query"] == [["p", "v1,v2"]]


def test_scf_api_gateway_falls_back_to_query_string_parameters():
    event = {**scf_apigw_event(), "queryString": {}, "queryStringParameters": {"a": "1"}}
    assert decoded(HANDLER(event, None))["query"] == [["a", "1"]]


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
    result = HANDLER({**scf_url_event(), "httpMethod": "PATCH"}, None)
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


def test_aliyun_api_gateway_takes_the_address_the_gateway_appended_not_the_clients_claim():
    from upvend.http.events import AliyunApiGateway

    event = {"httpMethod": "POST", "path": "/auth/wechat", "queryParameters": {}, "body": "",
             "headers": {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}}  # the client wrote the first entry
    assert AliyunApiGateway(event, None, None).source_ip() == "203.0.113.7"

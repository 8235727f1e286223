"""schemathesis against /openapi.json on the running local stack.

Every documented operation is called with generated requests (valid and
invalid per its schema), once without credentials and once with valid ones:
a session token for bearer routes, and for the callbacks the credential each
platform uses (X-VOD-SIGNATURE, OSS's RSA signature, the secret path token).
Nothing may answer 5xx, every answer must match the document, and every
error must be the JSON envelope.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from devtools.gateway.openapi import openapi_document
from devtools.gateway.registry import REPO, Registry, ensure_layer_on_path
from devtools.template import load_template
from devtools.local_env import DEV_TENCENT_VOD_CALLBACK_TOKEN, DEV_VOD_CALLBACK_KEY
from upvend.notices.aliyun_vod import vod_signature

EXAMPLES = 12  # per operation; each example is sent twice (with and without credentials)

def _document() -> dict:
    """The same generator the gateway serves /openapi.json from (the served copy is compared below)."""
    ensure_layer_on_path()
    return openapi_document(Registry(load_template(REPO / "template.yaml")))


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_the_fuzzed_document_is_the_one_the_gateway_serves(stack):
    served = requests.get(f"{stack.gateway_url}/openapi.json", timeout=60).json()
    served.pop("servers", None)
    assert served == DOCUMENT


@pytest.fixture(scope="module")
def fuzz_token(stack) -> str:
    answer = requests.post(f"{stack.gateway_url}/auth/wechat", json={"code": "test-fuzzer"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


@schemathesis.check
def error_envelope(ctx, response, case):
    """Every 4xx/5xx body is {"error": {"code", "message", "requestId"}} with a JSON content type."""
    if response.status_code < 400:
        return None
    assert response.headers.get("content-type", [""])[0].startswith("application/json"), response.headers
    body = json.loads(response.content)
    error = body["error"]
    assert set(body) == {"error"} and isinstance(error["code"], str) and isinstance(error["message"], str)
    assert "requestId" in error
    assert "Traceback" not in response.text
    return None


CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance, error_envelope]


def _send_signed_oss_callback(case, base_url: str, signer) -> requests.Response:
    """OSS signs path + query + body: serialize the generated request, sign those bytes, send them."""
    kw = case.as_transport_kwargs(base_url=base_url)
    prepared = requests.Request(method=kw["method"], url=kw["url"], headers=kw.get("headers"),
                                params=kw.get("params"), data=kw.get("data"), json=kw.get("json")).prepare()
    body = prepared.body or b""
    body = body.encode() if isinstance(body, str) else body
    prepared.headers.update(signer.sign(prepared.url, body))
    with requests.Session() as session:
        return session.send(prepared, timeout=30)


def _with_credentials(case, stack, token: str):
    """Send `case` as an authorized caller of its route, whatever that route's credential is."""
    path = case.operation.path
    if case.operation.definition.raw.get("security"):
        return case.call(base_url=stack.gateway_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    if path == "/aliyun/vod/callback":
        stamp = str(int(time.time()))
        url = f"{stack.gateway_url}/aliyun/vod/callback"
        headers = {"X-VOD-TIMESTAMP": stamp, "X-VOD-SIGNATURE": vod_signature(url, stamp, DEV_VOD_CALLBACK_KEY)}
        return case.call(base_url=stack.gateway_url, headers=headers, timeout=30)
    if path == "/aliyun/oss/callback":
        return _send_signed_oss_callback(case, stack.gateway_url, stack.emulator.service("oss-callback-key"))
    if path == "/tencent/vod/callback/{token}":
        case.path_parameters = {**(case.path_parameters or {}), "token": DEV_TENCENT_VOD_CALLBACK_TOKEN}
        return case.call(base_url=stack.gateway_url, timeout=30)
    if path.startswith("/console"):  # public pages and their files: no credential exists
        return case.call(base_url=stack.gateway_url, timeout=30)
    if path == "/auth/wechat":  # the credential is the body's code, which the generator supplies
        return case.call(base_url=stack.gateway_url, timeout=30)
    pytest.fail(f"{case.operation.label}: no credential known for this unauthenticated route; add one here")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_api_answers_match_the_document(case, stack, fuzz_token):
    # The callback token and the VOD signature are headers/path parts the document cannot know;
    # generated values for them must simply be refused (404 / 403), which the anonymous call checks.
    anonymous = case.call(base_url=stack.gateway_url, timeout=30)
    case.validate_response(anonymous, checks=CHECKS)
    case.validate_response(_with_credentials(case, stack, fuzz_token), checks=CHECKS)

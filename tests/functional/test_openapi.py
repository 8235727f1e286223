"""The local gateway's OpenAPI document covers every HTTP route of template.yaml."""

from __future__ import annotations

import httpx
import pytest

from devtools.gateway.registry import REPO
from devtools.template import load_template

TEMPLATE_ROUTES = sorted({(r.method, r.path) for fn in load_template(REPO / "template.yaml").functions
                          for r in fn.http})


@pytest.fixture(scope="module")
def document(stack) -> dict:
    response = httpx.get(f"{stack.gateway_url}/openapi.json", timeout=60)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def _resolve(doc: dict, node: dict) -> dict:
    while "$ref" in node:
        section, kind, name = node["$ref"].lstrip("#/").split("/")
        node = doc[section][kind][name]
    return node


def test_is_openapi_3_1_with_the_error_envelope(document):
    assert document["openapi"].startswith("3.1")
    error = _resolve(document, document["components"]["responses"]["Error"]["content"]["application/json"]["schema"])
    assert error["required"] == ["error"]
    body = _resolve(document, error["properties"]["error"])
    assert {"code", "message"} <= set(body["required"])
    assert {"code", "message", "requestId", "details"} <= set(body["properties"])


@pytest.mark.parametrize(("method", "path"), TEMPLATE_ROUTES, ids=[f"{m} {p}" for m, p in TEMPLATE_ROUTES])
def test_every_template_route_is_documented_with_its_schemas(document, method, path):
    operation = document["paths"].get(path, {}).get(method.lower())
    assert operation is not None, f"{method} {path} is missing from /openapi.json"
    assert not operation.get("x-upvend-undeclared"), f"{method} {path}: the function declares no ApiRoute for it"
    ok = operation["responses"]["200"]["content"]
    assert ok, f"{method} {path} documents no 200 content type"
    assert len(ok) == 1 or not any("json" in t for t in ok), "a JSON route answers one content type"
    for media_type, content in ok.items():
        if "json" in media_type:
            schema = _resolve(document, content["schema"])
            assert schema["type"] == "object" and schema["properties"], "a JSON answer needs its response model"
        else:
            assert content["schema"] == {"type": "string"}
    if method in ("POST", "PUT", "PATCH") and any("json" in t for t in ok):
        request = operation["requestBody"]["content"]
        assert "application/json" in request
        assert _resolve(document, request["application/json"]["schema"])["type"] == "object"
    for status, response in operation["responses"].items():
        if status.startswith(("4", "5")):
            assert response == {"$ref": "#/components/responses/Error"}
    for name in [p.strip("{}") for p in path.split("/") if p.startswith("{")]:
        assert any(p["in"] == "path" and p["name"] == name for p in operation["parameters"])


def test_authenticated_routes_declare_bearer_and_401(document):
    secured = [(path, m, op) for path, item in document["paths"].items() for m, op in item.items()
               if op.get("security")]
    assert secured, "no route declares the bearer scheme"
    for path, method, op in secured:
        assert op["security"] == [{"bearerAuth": []}]
        assert "401" in op["responses"], f"{method} {path}"
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_query_models_become_query_parameters(document):
    params = {p["name"]: p for p in document["paths"]["/media"]["get"]["parameters"] if p["in"] == "query"}
    assert {"limit", "cursor", "status", "provider"} <= set(params)
    assert params["limit"]["schema"]["maximum"] == 100
    assert "null" not in str(params["cursor"]["schema"])


def test_only_template_routes_are_documented(document):
    documented = sorted((m.upper(), p) for p, item in document["paths"].items() for m in item)
    assert documented == TEMPLATE_ROUTES

"""The local stack's OpenAPI 3.1 document, generated from each function's declared routes.

Every HTTP route of template.yaml is documented. A route whose function declares
it as an `ApiRoute` gets its request, query and response schemas from the
pydantic models; a route declared only in the template is still listed, marked
`x-upvend-undeclared`, so a missing declaration is visible rather than silent.
Functions are imported (as a cold start does) but never called.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from devtools.gateway.api_examples import EXAMPLES, RouteExample
from devtools.gateway.registry import LoadedFunction, Registry

BEARER = "bearerAuth"
ERROR_STATUSES = {400: "Bad request (invalid JSON, validation failed)", 401: "Missing or invalid credentials",
                  403: "Not allowed", 404: "Not found", 405: "Method not allowed", 409: "Conflict",
                  413: "Body too large", 429: "Rate limited", 500: "Internal or configuration error",
                  502: "An upstream service failed", 503: "An upstream service or the database is unavailable"}
_PATH_PARAM = re.compile(r"\{([^}/]+)\}")


def _declared(fn: LoadedFunction) -> dict[tuple[str, str], Any]:
    return {(r.method.upper(), r.path): r for r in getattr(fn.handler, "api_routes", ())}


def _routes(registry: Registry) -> Iterable[tuple[str, str, list[str], Any]]:
    """(method, path, providers, ApiRoute or None) once per template route, in template order."""
    seen: dict[tuple[str, str], tuple[list[str], Any]] = {}
    for fn in registry.functions.values():
        if not fn.spec.http:
            continue
        declared = _declared(fn)
        for route in fn.spec.http:
            key = (route.method, route.path)
            providers, api = seen.setdefault(key, ([], None))
            providers.append(fn.spec.provider)
            seen[key] = (providers, api or declared.get(key))
    for (method, path), (providers, api) in seen.items():
        yield method, path, providers, api


def _schemas(apis: list[Any], error_model: type[BaseModel]) -> tuple[dict[Any, dict], dict[str, Any]]:
    wanted: list[tuple[type[BaseModel], str]] = [(error_model, "serialization")]
    for api in apis:
        wanted += [(m, "validation") for m in (api.request, api.query) if m is not None]
        if api.response is not None:
            wanted.append((api.response, "serialization"))
    refs, top = models_json_schema(list(dict.fromkeys(wanted)), ref_template="#/components/schemas/{model}")
    return refs, top.get("$defs", {})


def _query_parameters(model_ref: dict, defs: dict[str, Any]) -> list[dict[str, Any]]:
    schema = defs[model_ref["$ref"].rsplit("/", 1)[1]]
    required = set(schema.get("required", []))
    return [{"name": name, "in": "query", "required": name in required, "schema": _absent_not_null(prop)}
            for name, prop in schema.get("properties", {}).items()]


def _absent_not_null(prop: dict[str, Any]) -> dict[str, Any]:
    """An optional query parameter is left out, never sent as null: drop the null branch."""
    options = [o for o in prop.get("anyOf", []) if o != {"type": "null"}]
    if len(options) != 1:
        return prop
    rest = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
    return {**rest, **options[0]}


def _operation(method: str, path: str, providers: list[str], api: Any, refs: dict[Any, dict],
               defs: dict[str, Any], error_model: type[BaseModel]) -> dict[str, Any]:
    params: list[dict[str, Any]] = [{"name": name, "in": "path", "required": True,
                                     "schema": {"type": "string", "minLength": 1}}
                                    for name in _PATH_PARAM.findall(path)]
    if len(set(providers)) > 1:
        params.append({"name": "X-Upvend-Provider", "in": "header", "required": False,
                       "description": "Local gateway only: which provider's function answers.",
                       "schema": {"type": "string", "enum": sorted(set(providers))}})
    op: dict[str, Any] = {"operationId": f"{method.lower()}_{re.sub(r'[^A-Za-z0-9]+', '_', path).strip('_')}",
                          "x-upvend-providers": sorted(set(providers))}
    statuses = {400, 405, 500}
    if api is None:
        op.update({"summary": "Declared in template.yaml only", "x-upvend-undeclared": True,
                   "responses": {"default": {"description": "Not declared by the function"}}})
        return op
    op["summary"] = api.summary
    example = EXAMPLES.get((method, path))
    if api.query is not None:
        params += _query_parameters(refs[(api.query, "validation")], defs)
    if api.request is not None:
        schema = refs[(api.request, "validation")]
        op["requestBody"] = {"required": False, "content": {t: {"schema": schema} for t in api.request_types}}
        if example is not None and example.request is not None:
            op["requestBody"]["content"][example.request_type]["example"] = example.request
    if api.auth:
        op["security"] = [{BEARER: []}]
        statuses.add(401)
    statuses.update(api.errors)
    if api.response is not None:
        schema = refs[(api.response, "serialization")]
    else:
        schema = {"type": "string"}
    ok = {"description": "OK", "content": {media: {"schema": schema} for media in api.media_types}}
    if example is not None:
        _attach(example, params, ok["content"][example.response_type or api.media_types[0]])
        if example.headers:
            op["x-upvend-example-headers"] = dict(example.headers)
    error = {"$ref": "#/components/responses/Error"}
    op["responses"] = {"200": ok, **{str(s): error for s in sorted(statuses)}}
    if params:
        op["parameters"] = params
    return op


def _attach(example: RouteExample, params: list[dict[str, Any]], ok: dict[str, Any]) -> None:
    """Put a route's example values on its parameters and its 200 answer."""
    for param in params:
        if param["name"] in example.params:
            param["example"] = example.params[param["name"]]
    ok["example"] = example.response


def openapi_document(registry: Registry, server_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document for every HTTP route the gateway serves."""
    from upvend.http.api import ErrorEnvelope  # the layer is on the path once the stack runs

    routes = list(_routes(registry))
    refs, defs = _schemas([api for *_, api in routes if api is not None], ErrorEnvelope)
    paths: dict[str, dict[str, Any]] = {}
    for method, path, providers, api in routes:
        paths.setdefault(path, {})[method.lower()] = _operation(method, path, providers, api, refs, defs,
                                                                 ErrorEnvelope)
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": f"{registry.template.app} (local stack)", "version": "0.1.0",
                 "description": "Generated from the declared routes of each function. Errors share one envelope."},
        "paths": paths,
        "components": {
            "schemas": defs,
            "securitySchemes": {BEARER: {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "responses": {"Error": {"description": "The error envelope (every 4xx and 5xx)",
                                    "content": {"application/json": {
                                        "schema": refs[(ErrorEnvelope, "serialization")]}}}},
        },
    }
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc

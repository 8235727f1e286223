"""The local gateway's ASGI app.

Every HTTP route in template.yaml is served by building the provider's real
event (FC 3.0 HTTP trigger for aliyun, SCF function URL for tencent), calling
the function's real handler in a worker thread, and mapping its answer back.
Where a route is declared for both providers, the header `X-Upvend-Provider`
picks one; otherwise the preferred provider answers.

`GET /openapi.json` is the OpenAPI document of those routes (devtools/gateway/openapi.py).
Dev endpoints under `/_upvend/`: `GET /_upvend/routes`, and
`POST /_upvend/invoke/{function}` to call any function (e.g. a trigger) with a
raw event body, as the platform's invoke API would.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from devtools.gateway.openapi import openapi_document
from devtools.gateway.events import IncomingRequest, context_for, event_for, read_result
from devtools.gateway.registry import Registry

PROVIDER_HEADER = "x-upvend-provider"


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "requestId": None}}, status_code=status)


def create_gateway(registry: Registry) -> Starlette:
    """Build the gateway app for a loaded template."""

    async def routes(request: Request) -> Response:
        return JSONResponse([
            {"function": fn.spec.name, "provider": fn.spec.provider, "method": r.method, "path": r.path}
            for fn in registry.functions.values() for r in fn.spec.http
        ])

    document: dict[str, Any] = {}

    async def openapi(request: Request) -> Response:
        if not document:  # imports every function once, as their cold starts would
            document.update(await run_in_threadpool(openapi_document, registry, str(request.base_url).rstrip("/")))
        return JSONResponse(document)

    async def invoke(request: Request) -> Response:
        fn = registry.functions.get(request.path_params["name"])
        if fn is None:
            return _error(404, "not_found", f"No function named {request.path_params['name']}.")
        raw = await request.body()
        try:
            event: Any = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            return _error(400, "invalid_json", "The event is not valid JSON.")
        context, _ = context_for(fn.spec)
        payload = raw if fn.spec.provider == "aliyun" else event  # FC passes bytes, SCF a dict
        try:
            result = await run_in_threadpool(fn.handler, payload, context)
        except Exception as exc:  # the platform reports a failed invocation; so do we
            return _error(502, "function_error", f"{fn.spec.name} raised {type(exc).__name__}.")
        return JSONResponse(result)

    async def serve(request: Request) -> Response:
        provider = request.headers.get(PROVIDER_HEADER)
        match = registry.match(request.method, request.url.path, provider)
        if match is None:
            if registry.path_exists(request.url.path):
                return _error(405, "method_not_allowed", f"{request.method} is not allowed here.")
            if request.url.path == "/" and request.method in ("GET", "HEAD"):
                return _error(404, "not_found", "No function serves /. Open the console at /console (upload demo: "
                                                "/console/upload); the API document is /openapi.json and the "
                                                "routes are listed at /_upvend/routes.")
            return _error(404, "not_found", f"No function serves {request.method} {request.url.path}.")
        fn = match.function
        incoming = IncomingRequest(
            method=request.method,
            path=request.url.path,
            query=list(request.query_params.multi_items()),
            headers=[(k, v) for k, v in request.headers.items() if k != PROVIDER_HEADER],
            body=await request.body(),
            client_ip=request.client.host if request.client else "127.0.0.1",
            host=request.headers.get("host", "127.0.0.1"),
        )
        context, request_id = context_for(fn.spec)
        try:
            result = await run_in_threadpool(fn.handler, event_for(fn.spec, incoming, request_id), context)
        except Exception as exc:
            return _error(502, "function_error", f"{fn.spec.name} raised {type(exc).__name__}.")
        status, headers, body = read_result(result)
        headers["x-upvend-function"] = fn.spec.name
        return Response(body, status_code=status, headers=headers)

    async def http_error(request: Request, exc: Exception) -> Response:
        # e.g. TRACE or CONNECT, which no function route accepts: still the JSON envelope
        assert isinstance(exc, HTTPException)
        code = "method_not_allowed" if exc.status_code == 405 else f"http_{exc.status_code}"
        return _error(exc.status_code, code, str(exc.detail))

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(exception_handlers={HTTPException: http_error}, routes=[
        Route("/_upvend/routes", routes, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/_upvend/invoke/{name}", invoke, methods=["POST"]),
        Route("/{path:path}", serve, methods=methods),
    ])

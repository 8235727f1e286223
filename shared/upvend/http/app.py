"""The small Starlette app every HTTP function is: JSON errors, CORS, request ids."""

from __future__ import annotations

import json
from typing import Any, Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from upvend import settings
from upvend.errors import MethodNotAllowed, NotFound, UpvendError
from upvend.http.api import ApiRoute
from upvend.logs import get_logger, request_id_var

log = get_logger("upvend.http")
NO_STORE = {"Cache-Control": "no-store"}
# Starlette's JSONResponse settings, with the encoder built once instead of on every answer.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))


class _JsonResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return _ENCODER.encode(content).encode("utf-8")


def error_response(error: UpvendError) -> JSONResponse:
    """Render an UpvendError as the JSON envelope with its status and headers."""
    headers = {**NO_STORE, **error.headers}
    return _JsonResponse(error.to_body(request_id_var.get()), status_code=error.status, headers=headers)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    """A JSON answer that caches nowhere (answers carry credentials)."""
    return _JsonResponse(data, status_code=status, headers={**NO_STORE, **(headers or {})})


async def _upvend_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, UpvendError)
    if exc.status >= 500:
        log.warning("request failed", extra={"code": exc.code, "status": exc.status, "reason": exc.message})
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(NotFound(f"No route for {request.method} {request.url.path}."))
    if exc.status_code == 405:
        return error_response(MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}."))
    return error_response(_plain_http_error(exc))


def _plain_http_error(exc: HTTPException) -> UpvendError:
    err = UpvendError(str(exc.detail), code=f"http_{exc.status_code}")
    err.status = exc.status_code
    return err


async def _unexpected(request: Request, exc: Exception) -> Response:
    return error_response(UpvendError())


class EdgeMiddleware:
    """CORS for the origins in UPVEND_CORS_ORIGINS (read per request; default: none), and the last line:
    log an unexpected exception once and never let it escape as a trace.

    One middleware rather than two: each layer costs every request an await and a wrapped `send`.
    """

    allow_headers = "Authorization, Content-Type"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.api_routes: tuple[ApiRoute, ...] = ()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin: str | None = None
        preflight = False
        if scope["type"] == "http":
            for name, value in scope["headers"]:  # only two headers matter here: no dict of them all
                if name == b"origin":
                    origin = value.decode("latin-1")  # the last one wins, as in a dict of the headers
                elif name == b"access-control-request-method":
                    preflight = True
        allowed = origin is not None and (origin in settings.get("CORS_ORIGINS"))
        if preflight and scope["method"] == "OPTIONS":
            status = 204 if allowed else 403
            extra = {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
                     "Access-Control-Allow-Headers": self.allow_headers, "Access-Control-Max-Age": "600",
                     "Vary": "Origin"} if allowed else {"Vary": "Origin"}
            await Response(status_code=status, headers=extra)(scope, receive, send)
            return
        started = False

        async def edge_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if allowed:
                    message["headers"] = [*message.get("headers", []),
                                          (b"access-control-allow-origin", origin.encode("latin-1")),  # type: ignore[union-attr]
                                          (b"vary", b"Origin")]
            await send(message)

        try:
            await self.app(scope, receive, edge_send)
        except Exception as exc:  # Starlette re-raises after its handler has answered
            log.error("unhandled error", exc_info=exc)
            if not started:
                await error_response(UpvendError())(scope, receive, edge_send)


def create_app(routes: Sequence[BaseRoute | ApiRoute]) -> ASGIApp:
    """Build a function's ASGI app from its routes; declared `ApiRoute`s stay readable as `.api_routes`."""
    app = Starlette(
        routes=[r.route() if isinstance(r, ApiRoute) else r for r in routes],
        exception_handlers={UpvendError: _upvend_error, HTTPException: _http_error, Exception: _unexpected},
    )
    wrapped = EdgeMiddleware(app)
    wrapped.api_routes = tuple(r for r in routes if isinstance(r, ApiRoute))
    return wrapped

"""The CORS rule a bucket owner sets so browsers may upload: applied to the emulated storage endpoints.

Real OSS and COS buckets answer browser preflights only when a bucket CORS rule
allows the page's origin, and a page can read response headers such as ETag only
when the rule exposes them. The emulator applies one such rule to the services
browsers upload to (OSS, COS, the VOD UGC host); the allowed origins come from
the emulator config (the local stack allows the gateway, which serves the pages).
Other emulated APIs (RPC, STS, WeChat) are server-to-server and get no CORS.
"""

from __future__ import annotations

from typing import Iterable
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from devtools.emulator.service import Service

BROWSER_SERVICES = frozenset({"aliyun-oss", "tencent-cos", "tencent-vod-ugc"})
ALLOWED_METHODS = ("GET", "PUT", "POST", "HEAD", "DELETE")
EXPOSED_HEADERS = ("ETag", "Location", "x-oss-request-id", "x-oss-hash-crc64ecma", "x-cos-request-id",
                   "x-cos-hash-crc64ecma", "Content-Length")
MAX_AGE_SECONDS = 600


def same_host_variants(url: str) -> list[str]:
    """An origin and its 127.0.0.1 / localhost twin (the local stack answers on both names)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return []
    origins = [f"{parts.scheme}://{parts.netloc}"]
    host, port = parts.hostname or "", f":{parts.port}" if parts.port else ""
    twin = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}.get(host)
    if twin:
        origins.append(f"{parts.scheme}://{twin}{port}")
    return origins


def _denied(request_method: str) -> Response:
    message = ("This CORS request is not allowed. This is usually because the evaluation of Origin, request "
               f"method / Access-Control-Request-Method ({escape(request_method)}) or "
               "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessForbidden</Code>'
            f"<Message>{message}</Message></Error>")
    return Response(body, status_code=403, media_type="application/xml")


class BucketCors:
    """ASGI layer in front of the emulator's dispatcher applying the browser upload CORS rule."""

    def __init__(self, app: ASGIApp, services: list[Service], origins: Iterable[str]) -> None:
        self.app = app
        self.services = services
        self.origins = frozenset(origins)

    def _browser_service(self, scope: Scope) -> bool:
        request = Request(scope)  # only path, query and headers are read; the body stays unread
        claimed = next((s for s in self.services if s.matches(request)), None)
        return claimed is not None and claimed.name in BROWSER_SERVICES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        if origin is None or not self._browser_service(scope):
            await self.app(scope, receive, send)
            return
        allowed = origin in self.origins
        requested = headers.get("access-control-request-method")
        if scope["method"] == "OPTIONS" and requested is not None:
            if not allowed or requested.upper() not in ALLOWED_METHODS:
                await _denied(requested)(scope, receive, send)
                return
            answer = Response(status_code=200, headers={
                "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": ", ".join(ALLOWED_METHODS),
                # The rule allows any request header (AllowedHeader *), answered as the ones asked for.
                "Access-Control-Allow-Headers": headers.get("access-control-request-headers", ""),
                "Access-Control-Expose-Headers": ", ".join(EXPOSED_HEADERS),
                "Access-Control-Max-Age": str(MAX_AGE_SECONDS), "Vary": "Origin"})
            await answer(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start" and allowed:
                message["headers"] = [*message.get("headers", []),
                                      (b"access-control-allow-origin", origin.encode("latin-1")),
                                      (b"access-control-expose-headers", ", ".join(EXPOSED_HEADERS).encode()),
                                      (b"vary", b"Origin")]
            await send(message)

        await self.app(scope, receive, send_with_cors)

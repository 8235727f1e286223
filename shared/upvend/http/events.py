"""Mangum handlers for the four HTTP event shapes upvend functions receive.

Each class answers the four questions Mangum asks of a handler: does this event
belong to me (`infer`), what is the request body (`body`), what is the ASGI
scope (`scope`), and how does the platform want the response (`__call__`).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Iterable
from urllib.parse import quote, unquote, urlencode

from mangum.handlers.utils import handle_base64_response_body

from upvend.errors import BadRequest


class MalformedEvent(BadRequest):
    """An HTTP event whose body or fields cannot be what the platform sends."""

    code = "invalid_event"


def _server(headers: dict[str, str]) -> tuple[str, int]:
    """(host, port) from Host / X-Forwarded-Port; anything unreadable falls back to the defaults."""
    name, _, port = headers.get("host", "").rpartition(":") if ":" in headers.get("host", "") else (
        headers.get("host", ""), "", headers.get("x-forwarded-port", ""))
    return (name or "localhost", int(port) if port.isascii() and port.isdigit() and int(port) < 65536 else 443)


def _header_dict(raw: Any) -> dict[str, str]:
    """Platform headers as a lowercase-keyed dict (lists are comma-joined)."""
    if not isinstance(raw, dict):
        return {}
    out: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        out[str(key).lower()] = "" if value is None else str(value)
    return out


def _query_pairs(raw: Any) -> list[tuple[str, str]]:
    """Query parameters as ordered pairs; list values become repeated keys.

    FC joins repeated keys into one comma-joined string; a comma can also be
    part of a single value, so such strings are kept whole.
    """
    if not isinstance(raw, dict):
        return []
    pairs: list[tuple[str, str]] = []
    for key, value in raw.items():
        values = value if isinstance(value, list) else [value]
        pairs.extend((str(key), "" if v is None else str(v)) for v in values)
    return pairs


class PlatformHttpEvent:
    """Shared mechanics; subclasses read the fields where their platform puts them."""

    provider = ""
    platform = ""
    text_mime_types = ["text/", "application/json", "application/javascript", "application/xml",
                       "application/problem+json", "application/vnd.oai.openapi"]

    def __init__(self, event: dict[str, Any], context: Any, config: Any) -> None:
        self.event = event
        self.context = context
        self.config = config
        self.headers = _header_dict(event.get("headers"))

    # -- fields each platform places differently --------------------------
    def method(self) -> str:
        return str(self.event.get("httpMethod") or "GET").upper()

    def path(self) -> str:
        return unquote(str(self.event.get("path") or "/"))

    def raw_path(self) -> str:
        return quote(self.path(), safe="/%:@!$&'()*+,;=-._~")

    def query(self) -> list[tuple[str, str]]:
        return _query_pairs(self.event.get("queryParameters"))

    def is_base64(self) -> bool:
        return bool(self.event.get("isBase64Encoded"))

    def source_ip(self) -> str:
        # The gateway appends the address it saw; entries before it are whatever the client sent.
        return self.headers.get("x-forwarded-for", "").split(",")[-1].strip()

    # -- Mangum protocol ----------------------------------------------------
    @property
    def body(self) -> bytes:
        raw = self.event.get("body")
        if raw is None or raw == "" or raw == b"":
            return b""
        if not isinstance(raw, (str, bytes)):
            raise MalformedEvent("The event body is not a string.")
        if self.is_base64():
            try:
                return base64.b64decode(raw, validate=True)
            except (binascii.Error, ValueError):
                raise MalformedEvent("The event body is marked Base64 but is not.") from None
        return raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw

    @property
    def scope(self) -> dict[str, Any]:
        headers = self.headers
        return {
            "type": "http",
            "http_version": "1.1",
            "method": self.method(),
            "headers": [[k.encode("latin-1", "replace"), v.encode("latin-1", "replace")] for k, v in headers.items()],
            "path": self.path() or "/",
            "raw_path": self.raw_path().encode(),
            "root_path": "",
            "scheme": headers.get("x-forwarded-proto", "https"),
            "query_string": urlencode(self.query()).encode(),
            "server": _server(headers),
            "client": (self.source_ip() or "0.0.0.0", 0),
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "aws.event": self.event,
            "aws.context": self.context,
            "upvend.provider": self.provider,
            "upvend.platform": self.platform,
        }

    def __call__(self, response: dict[str, Any]) -> dict[str, Any]:
        headers = _response_headers(response["headers"])
        body, is_b64 = handle_base64_response_body(response["body"], headers, self.text_mime_types)
        return {"statusCode": response["status"], "headers": headers, "body": body, "isBase64Encoded": is_b64}


def _response_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in raw:
        name, text = key.decode("latin-1").lower(), value.decode("latin-1")
        headers[name] = f"{headers[name]}, {text}" if name in headers else text
    return headers


class FcHttpTrigger(PlatformHttpEvent):
    """Aliyun FC 3.0 HTTP trigger: `version`, `rawPath`, `queryParameters`, `requestContext.http`."""

    provider, platform = "aliyun", "fc-http"

    @classmethod
    def infer(cls, event: Any, context: Any, config: Any) -> bool:
        http = (event.get("requestContext") or {}).get("http") if isinstance(event, dict) else None
        return isinstance(http, dict) and "rawPath" in event and "rawQueryString" not in event

    def method(self) -> str:
        return str(self.event["requestContext"]["http"].get("method") or "GET").upper()

    def path(self) -> str:
        decoded = self.event["requestContext"]["http"].get("path")
        return str(decoded) if decoded else unquote(str(self.event.get("rawPath") or "/"))

    def raw_path(self) -> str:
        return str(self.event.get("rawPath") or "/")

    def source_ip(self) -> str:
        return str(self.event["requestContext"]["http"].get("sourceIp") or "")


class AliyunApiGateway(PlatformHttpEvent):
    """Aliyun API Gateway in front of an FC event function."""

    provider, platform = "aliyun", "aliyun-apigw"

    @classmethod
    def infer(cls, event: Any, context: Any, config: Any) -> bool:
        return (isinstance(event, dict) and "httpMethod" in event and "path" in event
                and "rawPath" not in event and "requestContext" not in event
                and ("queryParameters" in event or "pathParameters" in event))


class ScfApiGateway(PlatformHttpEvent):
    """Tencent SCF legacy API Gateway trigger (`requestContext.serviceId`)."""

    provider, platform = "tencent", "scf-apigw"

    @classmethod
    def infer(cls, event: Any, context: Any, config: Any) -> bool:
        ctx = event.get("requestContext") if isinstance(event, dict) else None
        return isinstance(ctx, dict) and "serviceId" in ctx and "httpMethod" in event

    def query(self) -> list[tuple[str, str]]:
        return _query_pairs(self.event.get("queryString") or self.event.get("queryStringParameters"))

    def source_ip(self) -> str:
        return str(self.event["requestContext"].get("sourceIp") or "")


class ScfFunctionUrl(PlatformHttpEvent):
    """Tencent SCF function URL: `httpMethod`, `path`, `queryString`, lowercase `headers`; it may also carry a
    `requestContext` (without the API gateway's `serviceId`)."""

    provider, platform = "tencent", "scf-url"

    @classmethod
    def infer(cls, event: Any, context: Any, config: Any) -> bool:
        if not isinstance(event, dict):
            return False
        ctx = event.get("requestContext")
        return ("httpMethod" in event and "path" in event and (ctx is None or isinstance(ctx, dict))
                and "serviceId" not in (ctx or {}) and "http" not in (ctx or {})
                and "queryParameters" not in event and "pathParameters" not in event)

    def query(self) -> list[tuple[str, str]]:
        return _query_pairs(self.event.get("queryString"))

    def source_ip(self) -> str:
        ctx = self.event.get("requestContext")
        return self.headers.get("x-scf-remote-addr", "") or str((ctx or {}).get("sourceIp") or "")


HTTP_EVENT_HANDLERS = [FcHttpTrigger, ScfApiGateway, AliyunApiGateway, ScfFunctionUrl]


def infer_http_event(event: Any) -> type[PlatformHttpEvent] | None:
    """The handler class for an HTTP event, or None when the event is not one we know."""
    return next((cls for cls in HTTP_EVENT_HANDLERS if cls.infer(event, None, None)), None)

"""Build the platform events a deployed function would receive, and read its answer back."""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from devtools.template import Function

_TEXT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded", "application/xml",
               "application/javascript")


@dataclass
class IncomingRequest:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: bytes
    client_ip: str
    host: str


def _joined(pairs: list[tuple[str, str]], lower: bool = False) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in pairs:
        key = key.lower() if lower else key
        out[key] = f"{out[key]},{value}" if key in out else value
    return out


def _is_text(headers: dict[str, str]) -> bool:
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return any(t in ctype for t in _TEXT_TYPES)


def _body_field(body: bytes, headers: dict[str, str]) -> tuple[str, bool]:
    if not body:
        return "", False
    if _is_text(headers):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode(), True


def fc_http_event(req: IncomingRequest, request_id: str) -> bytes:
    """The FC 3.0 HTTP trigger event, as bytes JSON (repeated keys comma-joined, as FC does)."""
    headers = _joined([(k.title(), v) for k, v in req.headers])
    body, is_b64 = _body_field(req.body, headers)
    now = datetime.now(timezone.utc)
    event = {
        "version": "v1",
        "rawPath": quote(req.path, safe="/%:@!$&'()*+,;=-._~"),
        "body": body,
        "isBase64Encoded": is_b64,
        "headers": headers,
        "queryParameters": _joined(req.query),
        "requestContext": {
            "accountId": "000000000000",
            "domainName": req.host,
            "domainPrefix": req.host.split(".")[0],
            "requestId": request_id,
            "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "timeEpoch": str(int(now.timestamp() * 1000)),
            "http": {"method": req.method, "path": req.path, "protocol": "HTTP/1.1",
                     "sourceIp": req.client_ip, "userAgent": headers.get("User-Agent", "")},
        },
    }
    return json.dumps(event).encode()


def scf_url_event(req: IncomingRequest) -> dict[str, Any]:
    """The SCF function URL event: lowercase headers, `queryString`, client IP header.

    The platform documents no base64 flag for function URLs, so binary bodies are
    passed as latin-1 text, which is what a text-only event can carry.
    """
    headers = _joined(req.headers, lower=True)
    headers["x-scf-remote-addr"] = req.client_ip
    try:
        body = req.body.decode("utf-8")
    except UnicodeDecodeError:
        body = req.body.decode("latin-1")
    return {"body": body, "httpMethod": req.method, "path": req.path,
            "queryString": _joined(req.query), "headers": headers}


class FcContext:
    """The attributes an FC 3.0 Python handler reads from its context (no `credentials`)."""

    def __init__(self, fn: Function, request_id: str) -> None:
        self.request_id = request_id
        self.function = type("FunctionMeta", (), {"name": fn.name, "handler": fn.handler,
                                                  "memory": fn.memory, "timeout": fn.timeout})()
        self.region = "cn-local"
        self.account_id = "000000000000"


def scf_context(fn: Function, request_id: str) -> dict[str, Any]:
    """The dict an SCF Python handler receives as context."""
    return {"request_id": request_id, "function_name": fn.name, "function_version": "$LATEST",
            "namespace": "default", "memory_limit_in_mb": fn.memory, "time_limit_in_ms": fn.timeout * 1000,
            "tencentcloud_region": "ap-local", "tencentcloud_appid": "1250000000"}


def context_for(fn: Function) -> tuple[Any, str]:
    request_id = f"local-{int(time.time())}-{uuid.uuid4().hex[:12]}"
    return (FcContext(fn, request_id) if fn.provider == "aliyun" else scf_context(fn, request_id)), request_id


def event_for(fn: Function, req: IncomingRequest, request_id: str) -> Any:
    return fc_http_event(req, request_id) if fn.provider == "aliyun" else scf_url_event(req)


def read_result(result: Any) -> tuple[int, dict[str, str], bytes]:
    """Turn a handler's return value into (status, headers, body) as each platform would.

    A dict without `statusCode` is sent as 200 JSON (SCF's documented behaviour).
    """
    if isinstance(result, (bytes, str)):
        result = json.loads(result)
    if not isinstance(result, dict) or "statusCode" not in result:
        return 200, {"content-type": "application/json"}, json.dumps(result).encode()
    headers = {str(k): (", ".join(v) if isinstance(v, list) else str(v))
               for k, v in (result.get("headers") or {}).items()}
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else (
        body.encode() if isinstance(body, str) else json.dumps(body).encode())
    headers.pop("content-length", None)
    headers.pop("Content-Length", None)
    return int(result["statusCode"]), headers, raw

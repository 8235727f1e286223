"""Turns a function's ASGI app into the handler FC and SCF call."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Callable

from mangum import Mangum

from upvend.errors import BadRequest, UpvendError
from upvend.http.body_limit import body_limit, declared_body_oversize, raw_event_oversize
from upvend.http.events import HTTP_EVENT_HANDLERS, MalformedEvent, infer_http_event
from upvend.invocation import invocation
from upvend.logs import get_logger

log = get_logger("upvend.http")
Handler = Callable[[Any, Any], dict]


def _ensure_event_loop() -> None:
    # Mangum drives the app on the current thread's loop; worker threads have none.
    try:
        asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        asyncio.set_event_loop(asyncio.new_event_loop())


def _error_result(error: UpvendError, request_id: str) -> dict[str, Any]:
    return {"statusCode": error.status, "headers": {"content-type": "application/json", **error.headers},
            "body": json.dumps(error.to_body(request_id)), "isBase64Encoded": False}


def _refused_unread(event: Any) -> tuple[UpvendError | None, int]:
    """(the error for an event refused before it is parsed: too long for the body limit, or no usable limit;
    the limit)."""
    try:
        limit = body_limit()
    except UpvendError as exc:
        return exc, 0
    return raw_event_oversize(event, limit), limit


def http_handler(app: Any, *, function: str) -> Handler:
    """Wrap `app` as `handler(event, context)` for FC HTTP triggers, API gateways and SCF URLs."""
    adapter = Mangum(app, lifespan="off", custom_handlers=HTTP_EVENT_HANDLERS)

    def handler(event: Any, context: Any) -> dict[str, Any]:
        started = time.perf_counter()
        refused, limit = _refused_unread(event)
        # A refused event is not parsed at all; the request id then comes from the context.
        with invocation(b"{}" if refused else event, context, function) as call:
            parsed, error, request_id = call.event, refused or call.error, call.request_id
            if error is None and infer_http_event(parsed) is None:
                error = BadRequest("Not an HTTP event this function understands.", code="invalid_event")
            error = error or declared_body_oversize(parsed, limit)
            if error is not None:
                log.warning("rejected event", extra={"code": error.code})
                return _error_result(error, request_id)
            _ensure_event_loop()
            try:
                result = adapter(parsed, context)
            except MalformedEvent as exc:  # raised while the event is read, before the app runs
                log.warning("rejected event", extra={"code": exc.code, "reason": exc.message})
                return _error_result(exc, request_id)
            log.info("request", extra={"status": result.get("statusCode"),
                                       "durationMs": round((time.perf_counter() - started) * 1000, 2)})
            return result

    handler.api_routes = getattr(app, "api_routes", ())  # type: ignore[attr-defined]
    return handler

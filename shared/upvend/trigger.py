"""Turns an event processor into the handler FC and SCF call for storage and timer triggers.

The event (FC: bytes JSON, SCF: a dict) is parsed into a pydantic model at the
edge. A malformed event is logged and answered with a rejection instead of an
exception: retrying it could never succeed. Storage and other server-side
failures raise, so the platform retries the invocation.
"""

from __future__ import annotations

import time
from typing import Any, Callable, TypeVar

from pydantic import BaseModel

from upvend.errors import BadRequest, UpvendError
from upvend.http.body import parse_model
from upvend.invocation import bound, decode_event, function_name_of, request_id_of
from upvend.logs import get_logger

log = get_logger("upvend.trigger")
Model = TypeVar("Model", bound=BaseModel)
Handler = Callable[[Any, Any], dict]


def trigger_handler(model: type[Model], process: Callable[[Model], dict[str, Any]], *, function: str) -> Handler:
    """Wrap `process(parsed_event) -> summary` as `handler(event, context)`."""

    def handler(event: Any, context: Any) -> dict[str, Any]:
        started = time.perf_counter()
        parsed: Any = None
        error: UpvendError | None = None
        try:
            parsed = decode_event(event)
        except UpvendError as exc:
            error = exc
        request_id = request_id_of(parsed, context)
        with bound(request_id, function_name_of(context, function)):
            try:
                if error is not None:
                    raise error
                if not isinstance(parsed, dict):
                    raise BadRequest("The event is not a JSON object.", code="invalid_event")
                payload = parse_model(model, parsed)
            except UpvendError as exc:
                if exc.status >= 500:
                    raise
                log.warning("rejected event", extra={"code": exc.code, "reason": exc.message})
                return {"status": "rejected", **exc.to_body(request_id)}
            try:
                summary = process(payload)
            except Exception as exc:
                log.error("event failed; the platform will retry",
                          extra={"code": getattr(exc, "code", type(exc).__name__)})
                raise
            log.info("event", extra={**summary, "durationMs": round((time.perf_counter() - started) * 1000, 2)})
            return {"status": "ok", "requestId": request_id, **summary}

    return handler

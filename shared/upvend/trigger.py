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
from upvend.invocation import invocation
from upvend.logs import get_logger

log = get_logger("upvend.trigger")
Model = TypeVar("Model", bound=BaseModel)
Handler = Callable[[Any, Any], dict]


def trigger_handler(model: type[Model], process: Callable[[Model], dict[str, Any]], *, function: str) -> Handler:
    """Wrap `process(parsed_event) -> summary` as `handler(event, context)`."""

    def handler(event: Any, context: Any) -> dict[str, Any]:
        started = time.perf_counter()
        with invocation(event, context, function, kind="event") as call:
            request_id = call.request_id
            try:
                if call.error is not None:
                    raise call.error
                if not isinstance(call.event, dict):
                    raise BadRequest("The event is not a JSON object.", code="invalid_event")
                summary = process(parse_model(model, call.event))
            except UpvendError as exc:
                if exc.status >= 500:
                    log.error("event failed; the platform will retry", extra={"code": exc.code})
                    raise
                log.warning("rejected event", extra={"code": exc.code, "reason": exc.message})
                return {"status": "rejected", **exc.to_body(request_id)}
            except Exception as exc:
                log.error("event failed; the platform will retry", exc_info=exc)
                raise
            log.info("event", extra={**summary, "durationMs": round((time.perf_counter() - started) * 1000, 2)})
            return {"status": "ok", "requestId": request_id, **summary}

    return handler

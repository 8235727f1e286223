"""What every handler does first: decode the platform event and bind request context."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from upvend import deadline
from upvend.errors import BadRequest, UpvendError
from upvend.logs import function_name_var, request_id_var, request_secrets, reset_request_secrets
from upvend.json_input import loads_untrusted


def decode_event(event: Any) -> Any:
    """FC passes bytes JSON, SCF a dict; return the parsed object either way."""
    if isinstance(event, (bytes, bytearray)):
        event = event.decode("utf-8", "replace")
    if isinstance(event, str):
        try:
            return loads_untrusted(event) if event.strip() else {}
        except ValueError:
            raise BadRequest("The event is not valid JSON.", code="invalid_event") from None
    return event


def request_id_of(event: Any, context: Any) -> str:
    """The platform's request id (FC context attribute, SCF context key), else a fresh one."""
    rid = getattr(context, "request_id", None)
    if rid is None and isinstance(context, dict):
        rid = context.get("request_id")
    if rid is None and isinstance(event, dict):
        rid = (event.get("requestContext") or {}).get("requestId")
    return str(rid) if rid else uuid.uuid4().hex


def function_name_of(context: Any, default: str) -> str:
    fn = getattr(context, "function", None)
    name = getattr(fn, "name", None) if fn is not None else None
    if name is None and isinstance(context, dict):
        name = context.get("function_name")
    return str(name or default)


class bound:
    """Bind request id and function name for the log lines of one invocation (a context manager)."""

    # A plain class rather than a generator-based context manager: it runs on every request.
    __slots__ = ("request_id", "function", "tokens")

    def __init__(self, request_id: str, function: str) -> None:
        self.request_id, self.function = request_id, function

    def __enter__(self) -> None:
        self.tokens = (request_id_var.set(self.request_id), function_name_var.set(self.function), request_secrets())

    def __exit__(self, *exc: object) -> None:
        rid_token, fn_token, secrets_token = self.tokens
        reset_request_secrets(secrets_token)
        request_id_var.reset(rid_token)
        function_name_var.reset(fn_token)


@dataclass
class Invocation:
    """One handler call: the decoded event (None if it did not decode), the decoding error, the request id."""

    event: Any
    error: UpvendError | None
    request_id: str


class invocation:
    """Decode the event, bind request id and function name for the block's log lines, start the deadline."""

    __slots__ = ("call", "binding", "context", "kind", "deadline_token")

    def __init__(self, event: Any, context: Any, function: str, kind: str = "http") -> None:
        parsed: Any = None
        error: UpvendError | None = None
        try:
            parsed = decode_event(event)
        except UpvendError as exc:
            error = exc
        request_id = request_id_of(parsed, context)
        self.call = Invocation(parsed, error, request_id)
        self.binding = bound(request_id, function_name_of(context, function))
        self.context, self.kind = context, kind

    def __enter__(self) -> Invocation:
        self.binding.__enter__()
        self.deadline_token = deadline.start(self.context, self.kind)
        return self.call

    def __exit__(self, *exc: object) -> None:
        deadline.finish(self.deadline_token)
        self.binding.__exit__()

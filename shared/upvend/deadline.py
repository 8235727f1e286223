"""One deadline per invocation: the time left for database work, from the platform or a setting.

Callbacks must answer before their sender gives up (OSS and VOD wait 5 s), so every
connect, statement and retry of one invocation draws on one budget: the smaller of
UPVEND_DATABASE_DEADLINE_SECONDS and the time the platform context says is left
(minus a margin to write the answer). Unset, the setting means 4 s for HTTP functions
and the platform's time for triggers and timers (a pull run may long-poll for most
of its timeout). Outside an invocation each operation gets a fresh budget.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from typing import Any

from upvend import settings

settings.declare("DATABASE_DEADLINE_SECONDS", settings.seconds_between(0, 900), None,
                 doc="Time one invocation may spend on the database: connects, statements and retries "
                     "(default 4 s for HTTP functions, whose callback senders wait 5 s; the platform's "
                     "time for triggers). Keep it at 4 or less for callbacks.")

HTTP_SECONDS = 4.0
# A trigger whose context tells no time left (an emulator, a test) gets this.
EVENT_FALLBACK_SECONDS = 30.0
# Left for writing the answer and the log line after the database work gave up.
ANSWER_MARGIN_SECONDS = 0.5


class Deadline:
    """A point on the monotonic clock after which database work stops."""

    def __init__(self, seconds: float) -> None:
        self.seconds = max(0.0, seconds)
        self.expires = time.monotonic() + self.seconds

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.expires - time.monotonic())

    def expired(self) -> bool:
        return self.remaining() <= 0.0


def platform_remaining(context: Any) -> float | None:
    """Seconds the platform lets this invocation run, when its context says so.

    Lambda-style contexts offer get_remaining_time_in_millis(); SCF's Python context is a dict
    with time_limit_in_ms; FC's context carries function.timeout in seconds.
    """
    method = getattr(context, "get_remaining_time_in_millis", None)
    if callable(method):
        with contextlib.suppress(Exception):
            return float(method()) / 1000
    if isinstance(context, dict):
        for key in ("time_limit_in_ms", "timeLimitInMs"):
            value = context.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                return float(value) / 1000
        return None
    function = getattr(context, "function", None)
    timeout = getattr(function, "timeout", None) if function is not None else None
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0:
        return float(timeout)
    return None


def _configured(kind: str) -> float | None:
    value = settings.get("DATABASE_DEADLINE_SECONDS")
    if value is not None:
        return float(value)
    return HTTP_SECONDS if kind == "http" else None


def for_invocation(context: Any, started: float | None = None, kind: str = "http") -> Deadline:
    """The deadline of an `http` or `event` invocation that started at `started` (monotonic; default now)."""
    platform = platform_remaining(context)
    limits = [t for t in (_configured(kind), None if platform is None else platform - ANSWER_MARGIN_SECONDS)
              if t is not None]
    deadline = Deadline(min(limits) if limits else EVENT_FALLBACK_SECONDS)
    if started is not None:
        deadline.expires = started + deadline.seconds
    return deadline


class _Invocation:
    """An invocation's deadline, worked out on first use (functions without a database never read it)."""

    def __init__(self, context: Any, kind: str) -> None:
        self.context = context
        self.kind = kind
        self.started = time.monotonic()
        self.deadline: Deadline | None = None
        self.lock = threading.Lock()

    def resolve(self) -> Deadline:
        with self.lock:
            if self.deadline is None:
                self.deadline = for_invocation(self.context, self.started, self.kind)
            return self.deadline


_current: contextvars.ContextVar[_Invocation | None] = contextvars.ContextVar("upvend_deadline", default=None)


def start(context: Any, kind: str = "http") -> contextvars.Token:
    """Start the invocation's clock; its database work (in any thread it hands work to) shares one deadline.
    Pass the token to `finish` when the invocation ends."""
    return _current.set(_Invocation(context, kind))


def finish(token: contextvars.Token) -> None:
    _current.reset(token)


def current() -> Deadline:
    """The invocation's deadline, or a fresh one from the setting outside an invocation."""
    pending = _current.get()
    return pending.resolve() if pending is not None else Deadline(_configured("http") or HTTP_SECONDS)

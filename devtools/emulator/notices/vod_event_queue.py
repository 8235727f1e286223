"""Tencent VOD reliable callbacks: the event queue behind PullEvents / ConfirmEvents.

Each pulled event gets a fresh EventHandle; unless that handle is confirmed
within the redelivery time (30 s at Tencent, a switch here) the event is handed
out again under a new handle, and the old handle stops working. Events belong
to one VOD application: a pull without SubAppId sees the default application's.
"""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

MAX_EVENTS_PER_PULL = 16


class EventHandleInvalid(ValueError):
    """A handle that was never issued, was already confirmed, or outlived its window."""


@dataclass
class QueuedEvent:
    number: int
    app: int  # SubAppId; 0 = the default application
    content: dict[str, Any]
    available_at: float = 0.0
    handle: str | None = None
    handle_expires_at: float = 0.0
    pulls: int = 0


@dataclass
class VodEventQueue:
    events: dict[int, QueuedEvent] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _numbers: Any = field(default_factory=itertools.count)

    def put(self, app: int, content: dict[str, Any]) -> None:
        """Queue one EventContent (as pushed, without EventHandle) for `app`."""
        with self._lock:
            number = next(self._numbers)
            self.events[number] = QueuedEvent(number, app, copy.deepcopy(content), time.monotonic())

    def take(self, app: int, redelivery_seconds: float, limit: int = MAX_EVENTS_PER_PULL) -> list[dict[str, Any]]:
        """Up to `limit` due events of `app`, oldest first, each with a new EventHandle."""
        now = time.monotonic()
        taken = []
        with self._lock:
            for event in sorted(self.events.values(), key=lambda e: e.number):
                if len(taken) == limit:
                    break
                if event.app != app or event.available_at > now:
                    continue
                event.handle = secrets.token_hex(16)
                event.handle_expires_at = now + redelivery_seconds
                event.available_at = now + redelivery_seconds
                event.pulls += 1
                taken.append({**copy.deepcopy(event.content), "EventHandle": event.handle})
        return taken

    def confirm(self, app: int, handles: list[str]) -> None:
        """Remove the events of `handles`; EventHandleInvalid (and nothing removed) if one is not current."""
        now = time.monotonic()
        with self._lock:
            by_handle = {e.handle: e for e in self.events.values() if e.handle and e.app == app}
            found = []
            for handle in handles:
                event = by_handle.get(handle)
                if event is None or event.handle_expires_at <= now:
                    raise EventHandleInvalid(f"EventHandle {handle[:12]}... is invalid or expired")
                found.append(event)
            for event in found:
                self.events.pop(event.number, None)

    def waiting(self, app: int) -> int:
        """Events of `app` not yet confirmed (handed-out ones come back, so they still wait)."""
        with self._lock:
            return sum(1 for e in self.events.values() if e.app == app)

    def snapshot(self) -> list[dict[str, Any]]:
        """What is queued (for the admin endpoint): type, file, application, times pulled."""
        with self._lock:
            return [{"eventType": e.content.get("EventType"), "fileId": _file_id(e.content), "subAppId": e.app,
                     "pulls": e.pulls} for e in sorted(self.events.values(), key=lambda e: e.number)]


def _file_id(content: dict[str, Any]) -> str | None:
    for name in ("FileUploadEvent", "ProcedureStateChangeEvent"):
        if isinstance(content.get(name), dict):
            return content[name].get("FileId")
    return None

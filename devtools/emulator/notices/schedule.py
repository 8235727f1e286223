"""When and how the emulator sends completion notices: the switch, and one background sender.

Clouds notify asynchronously: the uploader gets its answer first, events follow
"a moment later" and are retried when the receiver fails. One worker thread
sends every scheduled notice in due order, so tests can rely on the order the
switch asks for (natural, reversed, duplicated) and wait until all are sent.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, fields
from typing import Any, Callable

SendResult = tuple[bool, str]  # (delivered, what happened: e.g. "200", "unreachable")


@dataclass
class NoticeSwitch:
    """How notices are delivered; tests change it through /_emulator/notices/switch."""

    duplicates: int = 0  # extra copies of every notice, sent right after the first
    reverse: bool = False  # send each upload's notices last-first (e.g. TranscodeComplete before the upload)
    tencent_vod_push: bool = True  # push Tencent VOD events to the callback URL (they are queued for pull anyway)
    aliyun_vod_events: bool = True  # send Aliyun VOD's callbacks (off: tests post their own for real media)
    tencent_vod_transcode_fails: bool = False  # task flows end FINISH with a failed transcode task
    event_gap_seconds: float = 0.2  # between an upload's successive notices ("a moment later")
    retry_delay_seconds: float = 1.0  # VOD retries twice, 1 s apart; triggers and pushes likewise here
    pull_redelivery_seconds: float = 30.0  # a pulled event not confirmed in time is handed out again
    pull_wait_seconds: float = 5.0  # PullEvents long-polls this long when nothing is waiting

    _LIMITS = {"duplicates": (0, 10), "event_gap_seconds": (0.0, 60.0), "retry_delay_seconds": (0.0, 60.0),
               "pull_redelivery_seconds": (0.05, 3600.0), "pull_wait_seconds": (0.0, 10.0)}

    def to_json(self) -> dict[str, Any]:
        return {_camel(k): v for k, v in asdict(self).items()}

    def update(self, changes: dict[str, Any]) -> None:
        """Apply `{"camelCaseName": value}` changes; ValueError names a bad one (nothing changes then)."""
        known = {_camel(f.name): f for f in fields(self)}
        staged: dict[str, Any] = {}
        for name, value in changes.items():
            spec = known.get(name)
            if spec is None:
                raise ValueError(f"unknown switch {name!r}; known: {', '.join(known)}")
            if spec.type == "bool":
                if not isinstance(value, bool):
                    raise ValueError(f"{name} must be true or false")
            else:
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise ValueError(f"{name} must be a number")
                low, high = self._LIMITS[spec.name]
                if not low <= value <= high:
                    raise ValueError(f"{name} must be between {low} and {high}")
                value = int(value) if spec.type == "int" else float(value)
            staged[spec.name] = value
        for attr, value in staged.items():
            setattr(self, attr, value)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


@dataclass
class Notice:
    """One thing to send: `send(attempt)` says whether the receiver took it; failures retry `attempts` times."""

    label: str
    send: Callable[[int], SendResult]
    attempts: int = 3
    attempt: int = 1


class NoticeScheduler:
    """A heap of due notices and the one daemon thread that sends them."""

    def __init__(self, switch: NoticeSwitch, log_size: int = 500) -> None:
        self.switch = switch
        self._heap: list[tuple[float, int, Notice]] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._pending = 0
        self._log: deque[dict[str, Any]] = deque(maxlen=log_size)
        self._thread: threading.Thread | None = None

    def plan(self, notices: list[Notice]) -> None:
        """Schedule an upload's notices: the first now, each next one a gap later (as the switch says)."""
        ordered = list(reversed(notices)) if self.switch.reverse else list(notices)
        now, gap = time.monotonic(), self.switch.event_gap_seconds
        with self._cond:
            for index, notice in enumerate(ordered):
                for copy in range(1 + self.switch.duplicates):
                    label = notice.label + (f" (duplicate {copy})" if copy else "")
                    self._push(now + index * gap, Notice(label, notice.send, notice.attempts))
            self._ensure_worker()
            self._cond.notify_all()

    def _push(self, due: float, notice: Notice) -> None:
        heapq.heappush(self._heap, (due, next(self._order), notice))
        self._pending += 1

    def _ensure_worker(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="emulator-notices", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(timeout)
                _, _, notice = heapq.heappop(self._heap)
            try:
                delivered, outcome = notice.send(notice.attempt)
            except Exception as exc:  # a broken notice must not stop the sender
                delivered, outcome = False, f"error: {type(exc).__name__}: {exc}"
            self._record(notice, delivered, outcome)
            with self._cond:
                if not delivered and notice.attempt < notice.attempts:
                    retry = Notice(notice.label, notice.send, notice.attempts, notice.attempt + 1)
                    self._push(time.monotonic() + self.switch.retry_delay_seconds, retry)
                self._pending -= 1
                self._cond.notify_all()

    def _record(self, notice: Notice, delivered: bool, outcome: str) -> None:
        with self._cond:
            self._log.append({"notice": notice.label, "attempt": notice.attempt, "delivered": delivered,
                              "outcome": outcome, "at": time.time()})

    def log(self) -> list[dict[str, Any]]:
        with self._cond:
            return list(self._log)

    @property
    def pending(self) -> int:
        with self._cond:
            return self._pending

    def wait_idle(self, timeout: float) -> bool:
        """Block until every scheduled notice (and its retries) is sent; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

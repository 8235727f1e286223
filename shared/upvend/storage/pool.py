"""The connections one instance holds: at most UPVEND_DATABASE_CONNECTIONS, kept while warm.

Connections follow the pool's size, not the threads a runtime happens to use, so an
instance's share of the database's connection limit is known when the template is
rendered. A connection idle longer than UPVEND_DATABASE_IDLE_PING_SECONDS is pinged
before use (a failover, `wait_timeout` or a proxy's idle kill leaves dead ones behind).
A refused connect (too many connections, nothing listening) is retried after a jittered
pause while the invocation's deadline allows.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from upvend import settings
from upvend.deadline import Deadline
from upvend.errors import StorageUnavailable
from upvend.storage.failures import classify

settings.declare("DATABASE_CONNECTIONS", settings.int_between(1, 64), 1,
                 doc="Connections one instance may open: its instance concurrency, which make render "
                     "writes here from the template (part of the connection budget).")
settings.declare("DATABASE_IDLE_PING_SECONDS", settings.seconds_between(0, 86400), 30.0,
                 doc="A kept connection idle longer than this is pinged before use.")

_FIRST_PAUSE, _LONGEST_PAUSE = 0.05, 0.8
_SHORTEST_CONNECT = 0.05


@dataclass
class Lease:
    """A connection handed out for one operation; `fresh` when it was opened for it."""

    conn: Any
    fresh: bool
    last_used: float = 0.0


class ConnectionPool:
    """Bounded per-process pool; waiting for a free connection counts against the deadline."""

    def __init__(self, url: Any, dialect: Any, size: int | None = None) -> None:
        self.url = url
        self.dialect = dialect
        self.size = size or int(settings.get("DATABASE_CONNECTIONS"))
        self._idle: list[Lease] = []
        self._open = 0
        self._cond = threading.Condition()

    @property
    def open_connections(self) -> int:
        with self._cond:
            return self._open

    def acquire(self, deadline: Deadline) -> Lease:
        """A live connection: a kept one (pinged when idle long), else a new one."""
        with self._cond:
            while not self._idle and self._open >= self.size:
                if deadline.expired() or not self._cond.wait(deadline.remaining()):
                    if not self._idle and self._open >= self.size:
                        raise StorageUnavailable("No free database connection in time.")
            if self._idle:
                lease = self._idle.pop()
            else:
                self._open += 1
                lease = None
        if lease is None:
            return self._open_new(deadline)
        if time.monotonic() - lease.last_used > settings.get("DATABASE_IDLE_PING_SECONDS"):
            try:
                self.dialect.set_io_timeout(lease.conn, max(_SHORTEST_CONNECT, min(1.0, deadline.remaining())))
                self.dialect.ping(lease.conn)
            except Exception as exc:
                failure = classify(self.dialect.name, exc, lease.conn)
                if failure is not None:
                    failure.log("ping")
                self._close(lease.conn)
                return self._open_new(deadline)  # the slot stays counted for the new connection
        lease.fresh = False
        return lease

    def release(self, lease: Lease) -> None:
        """Keep a healthy connection for the next operation."""
        lease.last_used = time.monotonic()
        with self._cond:
            self._idle.append(lease)
            self._cond.notify()

    def discard(self, lease: Lease) -> None:
        """Close a connection that failed; its slot becomes free."""
        self._close(lease.conn)
        self._free_slot()

    def close_all(self) -> None:
        """Close every kept connection (tests and maintenance)."""
        with self._cond:
            idle, self._idle = self._idle, []
            self._open -= len(idle)
            self._cond.notify_all()
        for lease in idle:
            self._close(lease.conn)

    def _free_slot(self) -> None:
        with self._cond:
            self._open -= 1
            self._cond.notify()

    @staticmethod
    def _close(conn: Any) -> None:
        with contextlib.suppress(Exception):
            conn.close()

    def _open_new(self, deadline: Deadline) -> Lease:
        try:
            return Lease(self._connect(deadline), fresh=True)
        except BaseException:
            self._free_slot()
            raise

    def _connect(self, deadline: Deadline) -> Any:
        """Connect within the deadline, retrying refusals after jittered, growing pauses.

        Refusals are retried for at most UPVEND_DATABASE_TIMEOUT_SECONDS: a database that stays
        down is the platform's to retry later (triggers have long deadlines), not this instance's.
        """
        pause, attempt = _FIRST_PAUSE, 0
        per_connect = settings.get("DATABASE_TIMEOUT_SECONDS")
        deadline = Deadline(min(per_connect, deadline.remaining()))
        while True:
            attempt += 1
            timeout = min(per_connect, deadline.remaining())
            if timeout < _SHORTEST_CONNECT:
                raise StorageUnavailable("No database connection in time.")
            try:
                return self.dialect.connect(self.url, timeout)
            except StorageUnavailable:
                raise
            except Exception as exc:
                failure = classify(self.dialect.name, exc)
                if failure is None:
                    raise
                failure.log("connect", attempt=attempt)
                wait = pause / 2 + random.uniform(0, pause / 2)
                if failure.kind != "refused" or deadline.remaining() < wait + _SHORTEST_CONNECT:
                    raise failure.unavailable("Cannot connect to the database") from None
                time.sleep(wait)
                pause = min(pause * 2, _LONGEST_PAUSE)

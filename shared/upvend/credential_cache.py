"""Per-(user, scope) cache of temporary credentials in the warm instance.

A cached credential is reused while more than half of its validity remains,
so N calls by one user in one warm process cost one STS round trip.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Hashable


@dataclass(frozen=True)
class Issued:
    """A credential and the UTC epoch seconds of its issue and expiry."""

    value: Any
    issued_at: float
    expires_at: float

    def fresh(self, now: float) -> bool:
        return now < self.issued_at + (self.expires_at - self.issued_at) / 2


class CredentialCache:
    """Thread-safe; one in-flight issue per key, so concurrent callers share one round trip."""

    def __init__(self, clock: Callable[[], float] = time.time, max_entries: int = 10_000) -> None:
        self._clock = clock
        self._entries: dict[Hashable, Issued] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()
        self._max = max_entries

    def get_or_issue(self, key: Hashable, issue: Callable[[], Issued]) -> Issued:
        """The cached credential for `key` if still fresh, else a newly issued one."""
        entry = self._entries.get(key)
        if entry and entry.fresh(self._clock()):
            return entry
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            entry = self._entries.get(key)
            if entry and entry.fresh(self._clock()):
                return entry
            entry = issue()
            with self._guard:
                if len(self._entries) >= self._max:
                    self._evict()
                self._entries[key] = entry
            return entry

    def _evict(self) -> None:
        now = self._clock()
        for key in [k for k, v in self._entries.items() if not v.fresh(now)]:
            del self._entries[key]
            self._locks.pop(key, None)
        while len(self._entries) >= self._max:
            key = next(iter(self._entries))
            del self._entries[key]
            self._locks.pop(key, None)

    def clear(self) -> None:
        with self._guard:
            self._entries.clear()
            self._locks.clear()

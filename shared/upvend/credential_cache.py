"""Per-(user, scope) cache of temporary credentials in the warm instance.

A cached credential is reused while more than half of its validity remains,
so N calls by one user in one warm process cost one STS round trip.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable


@dataclass(frozen=True)
class Issued:
    """A credential and the UTC epoch seconds of its issue and expiry."""

    value: Any
    issued_at: float
    expires_at: float

    def fresh(self, now: float) -> bool:
        return now < self.issued_at + (self.expires_at - self.issued_at) / 2


@dataclass
class _InFlight:
    """The lock callers of one key share while an issue may be under way, and how many hold or wait on it."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    users: int = 0


class CredentialCache:
    """Thread-safe; one in-flight issue per key, so concurrent callers share one round trip.

    A key's lock lives only while callers for it are in flight: a stream of failing
    issues (each for a different key) leaves nothing behind.
    """

    def __init__(self, clock: Callable[[], float] = time.time, max_entries: int = 10_000) -> None:
        self._clock = clock
        self._entries: dict[Hashable, Issued] = {}
        self._locks: dict[Hashable, _InFlight] = {}
        self._guard = threading.Lock()
        self._max = max_entries

    def get_or_issue(self, key: Hashable, issue: Callable[[], Issued]) -> Issued:
        """The cached credential for `key` if still fresh, else a newly issued one."""
        entry = self._entries.get(key)
        if entry and entry.fresh(self._clock()):
            return entry
        with self._guard:
            flight = self._locks.setdefault(key, _InFlight())
            flight.users += 1
        try:
            with flight.lock:
                entry = self._entries.get(key)
                if entry and entry.fresh(self._clock()):
                    return entry
                entry = issue()
                with self._guard:
                    if len(self._entries) >= self._max:
                        self._evict()
                    self._entries[key] = entry
                return entry
        finally:
            with self._guard:
                flight.users -= 1
                if flight.users == 0 and self._locks.get(key) is flight:
                    del self._locks[key]

    def in_flight(self) -> int:
        """How many keys have a caller issuing or waiting (the size of the lock table)."""
        with self._guard:
            return len(self._locks)

    def _evict(self) -> None:
        now = self._clock()
        for key in [k for k, v in self._entries.items() if not v.fresh(now)]:
            del self._entries[key]
        while len(self._entries) >= self._max:
            del self._entries[next(iter(self._entries))]

    def clear(self) -> None:
        with self._guard:
            self._entries.clear()

"""Cloud SDK clients kept for the life of a warm instance, one per key, never shared with a forked child.

A client owns an HTTP session, so a kept one keeps its connection to the cloud API alive between
invocations (no new TCP and TLS handshake per call). Role keys rotate, so only the newest few are kept.
A forked child starts with none: two processes reading one socket would take each other's answers.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from typing import Any, Callable, Hashable

_ALL: "weakref.WeakSet[KeptClients]" = weakref.WeakSet()


class KeptClients:
    """At most `kept` clients by key, the least recently used dropped first (`on_drop` closes it)."""

    def __init__(self, kept: int, on_drop: Callable[[Any], None] = lambda client: None) -> None:
        self.kept = kept
        self.on_drop = on_drop
        self._clients: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        _ALL.add(self)

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The client kept under `key`, or a new one from `build()`."""
        with self._lock:
            client = self._clients.get(key)
            if client is not None:
                self._clients.move_to_end(key)
                return client
        client = build()
        with self._lock:
            self._clients[key] = client
            while len(self._clients) > self.kept:
                self.on_drop(self._clients.popitem(last=False)[1])
        return client

    def __len__(self) -> int:
        return len(self._clients)

    def clear(self) -> None:
        """Forget every client (without closing: a forked child must not touch its parent's sockets)."""
        self._clients.clear()


def _forget_in_child() -> None:
    for clients in list(_ALL):
        clients.clear()


os.register_at_fork(after_in_child=_forget_in_child)

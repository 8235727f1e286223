"""The server gives up before the client: limits for one transaction, from the time left.

The client waits at most `client_seconds` for an answer (never past the deadline); the
server's statement limit is below that and its lock wait below the statement limit, so
a stuck statement ends on the server, with its locks released, before the client walks
away from it. A session the client has abandoned can then not hold a lock or a slot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_FLOOR_SECONDS = 0.05


@dataclass(frozen=True)
class ServerLimits:
    """Client wait, server statement limit and server lock wait, in seconds."""

    client_seconds: float
    statement_seconds: float
    lock_seconds: float

    @classmethod
    def within(cls, remaining: float, per_statement: float) -> "ServerLimits":
        """Limits for a statement that may take at most `per_statement` of the `remaining` seconds."""
        client = max(_FLOOR_SECONDS, min(per_statement, remaining))
        statement = max(_FLOOR_SECONDS, client * 0.8)
        return cls(client, statement, max(_FLOOR_SECONDS, statement * 0.5))

    @property
    def statement_ms(self) -> int:
        return max(1, int(self.statement_seconds * 1000))

    @property
    def lock_ms(self) -> int:
        return max(1, int(self.lock_seconds * 1000))

    @property
    def idle_ms(self) -> int:
        """A transaction left idle this long by a vanished client is ended by the server."""
        return max(1000, int(self.client_seconds * 2000))

    @property
    def lock_whole_seconds(self) -> int:
        """innodb_lock_wait_timeout takes whole seconds: the largest below the statement limit (at least 1,
        where the statement limit still cuts the wait shorter)."""
        return max(1, math.ceil(self.statement_seconds) - 1)

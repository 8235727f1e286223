"""The local servers answer kept-alive connections without waiting on Nagle's algorithm.

Before, the emulator's sockets had no TCP_NODELAY: every call an SDK made over a kept-alive
connection waited ~40 ms for the client's delayed ACK, which made the emulated clouds look slow.
"""

from __future__ import annotations

import socket

from devtools.serving import bind


def test_accepted_connections_have_nagle_off() -> None:
    listener = bind()
    try:
        with socket.create_connection(listener.getsockname()[:2], timeout=5):
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        listener.close()

"""Resolve `*.localhost` to loopback in this Python process, as browsers and curl already do (RFC 6761).

glibc's resolver knows `localhost` but not its subdomains unless nss-myhostname is configured, so test
clients (httpx, oss2) could not reach the host-style names the local stack hands out. This is a hostname
mapping, like an /etc/hosts entry: it changes where a name points, never what a client sends.
"""

from __future__ import annotations

import socket
from typing import Any

_LOOPBACK = "127.0.0.1"  # the local stack listens on IPv4 loopback


def is_localhost_name(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    return isinstance(host, str) and host.lower().rstrip(".").endswith(".localhost")


def resolve_localhost_names() -> None:
    """Install the mapping once for this process (idempotent)."""
    original = socket.getaddrinfo
    if getattr(original, "maps_localhost_names", False):
        return

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        return original(_LOOPBACK if is_localhost_name(host) else host, *args, **kwargs)

    getaddrinfo.maps_localhost_names = True  # type: ignore[attr-defined]
    socket.getaddrinfo = getaddrinfo

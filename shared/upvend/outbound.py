"""Outbound HTTP with the standard library: every call has a timeout, errors are typed.

URLs are never put into errors or logs, because query strings may carry secrets.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any

from upvend.errors import UpstreamError, UpstreamUnavailable

USER_AGENT = "upvend/0.1"


def get_bytes(url: str, *, service: str, timeout: float, max_bytes: int = 1024 * 1024,
              accept: str = "*/*") -> bytes:
    """GET `url` and return at most `max_bytes` of its body; 502/503 on timeouts and errors."""
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http/https only)
            return response.read(max_bytes)
    except urllib.error.HTTPError as exc:
        if exc.code in (429, 503):
            raise UpstreamUnavailable(f"{service} is busy (HTTP {exc.code}).") from None
        raise UpstreamError(f"{service} answered HTTP {exc.code}.") from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError):
        raise UpstreamError(f"{service} is unreachable or did not answer within {timeout:g} s.",
                            code="upstream_unreachable") from None


def get_json(url: str, *, service: str, timeout: float) -> Any:
    """GET `url` and decode its JSON answer; 502/503 on timeouts, errors and non-JSON."""
    raw = get_bytes(url, service=service, timeout=timeout, accept="application/json")
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UpstreamError(f"{service} returned an answer that is not JSON.") from None

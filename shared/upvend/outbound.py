"""Outbound HTTP with the standard library: every call has a timeout, errors are typed.

URLs are never put into errors or logs, because query strings may carry secrets.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from typing import Any

from upvend.errors import UpstreamError, UpstreamUnavailable, UpvendError
from upvend.json_input import loads_untrusted

USER_AGENT = "upvend/0.1"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx then surfaces as an HTTPError


_NO_REDIRECTS = urllib.request.build_opener(_NoRedirects)


def get_bytes(url: str, *, service: str, timeout: float, max_bytes: int = 1024 * 1024,
              accept: str = "*/*", follow_redirects: bool = True) -> bytes:
    """GET `url` and return at most `max_bytes` of its body; 502/503 on timeouts and errors.

    With `follow_redirects=False` a redirect is an error: an allow-listed URL must not
    lead somewhere that is not.
    """
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": USER_AGENT})
    opener = urllib.request.urlopen if follow_redirects else _NO_REDIRECTS.open
    try:
        with opener(request, timeout=timeout) as response:  # noqa: S310 (http/https only)
            return response.read(max_bytes)
    except urllib.error.HTTPError as exc:
        raise _http_error(service, exc.code) from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError):
        raise _unreachable(service, timeout) from None


def head(url: str, *, headers: dict[str, str], service: str, timeout: float) -> dict[str, str] | None:
    """HEAD `url` (no redirects): the answer's headers, lowercase; None on 404; 502/503 on other failures."""
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": USER_AGENT, **headers})
    try:
        with _NO_REDIRECTS.open(request, timeout=timeout) as response:
            return {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise _http_error(service, exc.code) from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError):
        raise _unreachable(service, timeout) from None


def delete(url: str, *, headers: dict[str, str], service: str, timeout: float) -> None:
    """DELETE `url` (no redirects); a 404 counts as done (the object is gone); 502/503 on other failures."""
    request = urllib.request.Request(url, method="DELETE", headers={"User-Agent": USER_AGENT, **headers})
    try:
        with _NO_REDIRECTS.open(request, timeout=timeout):
            return
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return
        raise _http_error(service, exc.code) from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError):
        raise _unreachable(service, timeout) from None


def _http_error(service: str, status: int) -> UpvendError:
    if status in (429, 503):
        return UpstreamUnavailable(f"{service} is busy (HTTP {status}).")
    return UpstreamError(f"{service} answered HTTP {status}.")


def _unreachable(service: str, timeout: float) -> UpstreamError:
    return UpstreamError(f"{service} is unreachable or did not answer within {timeout:g} s.",
                         code="upstream_unreachable")


def get_json(url: str, *, service: str, timeout: float) -> Any:
    """GET `url` and decode its JSON answer; 502/503 on timeouts, errors and non-JSON."""
    raw = get_bytes(url, service=service, timeout=timeout, accept="application/json")
    try:
        return loads_untrusted(raw)
    except ValueError:
        raise UpstreamError(f"{service} returned an answer that is not JSON.") from None

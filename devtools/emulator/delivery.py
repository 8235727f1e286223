"""How the emulator reaches functions: callbacks POSTed over HTTP, triggers invoked via the gateway."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass
class Delivery:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class Deliverer:
    """Sends what a cloud would send, with the timeouts the cloud applies."""

    def __init__(self, gateway_url: str) -> None:
        self.gateway_url = gateway_url.rstrip("/")

    def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float = 5.0) -> Delivery:
        """POST a callback (OSS waits 5 s, VOD 5 s); network errors come back as status 0."""
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return Delivery(response.status, response.read(), dict(response.headers.items()))
        except urllib.error.HTTPError as exc:
            return Delivery(exc.code, exc.read(), dict(exc.headers.items()))
        except (urllib.error.URLError, OSError):
            return Delivery(0, b"", {})

    def invoke(self, function: str, event: Any, timeout: float = 30.0) -> Delivery:
        """Invoke a trigger function through the gateway's invoke endpoint."""
        return self.post(f"{self.gateway_url}/_upvend/invoke/{function}", json.dumps(event).encode(),
                         {"Content-Type": "application/json"}, timeout=timeout)

"""Shared pieces of the end-to-end notice tests: the delivery switch, and waiting for rows in GET /media."""

from __future__ import annotations

import time
from typing import Any, Callable, Iterator

import httpx
import pytest

from tests.conftest import bearer

SWITCH = "/_emulator/notices/switch"
# Short gaps, retries and pull windows so a test never waits for cloud-sized delays.
FAST = {"eventGapSeconds": 0.05, "retryDelaySeconds": 0.2, "pullRedeliverySeconds": 5.0, "pullWaitSeconds": 0.2}


@pytest.fixture
def switch(emulator: httpx.Client) -> Iterator[Callable[..., dict[str, Any]]]:
    """Set the emulator's delivery switch (fast timings by default); restored after the test."""

    def _set(**changes: Any) -> dict[str, Any]:
        response = emulator.put(SWITCH, json={**FAST, **changes})
        assert response.status_code == 200, response.text
        return response.json()

    _set()
    yield _set
    wait_idle(emulator)
    emulator.delete(SWITCH)


def wait_idle(emulator: httpx.Client, timeout: float = 20) -> None:
    """Block until the emulator has sent every scheduled notice (retries included)."""
    response = emulator.post("/_emulator/notices/wait", params={"timeout": timeout}, timeout=timeout + 5)
    assert response.status_code == 200, response.text


def my_media(gateway: httpx.Client, token: str, **params: Any) -> list[dict[str, Any]]:
    response = gateway.get("/media", params={"limit": 100, **params}, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def wait_for_media(gateway: httpx.Client, token: str, media_id: str, *, status: str,
                   timeout: float = 15.0) -> dict[str, Any]:
    """Poll GET /media until the caller's row `media_id` has `status`; fail with what was seen."""
    deadline = time.monotonic() + timeout
    seen: list[dict[str, Any]] = []
    while True:
        seen = [item for item in my_media(gateway, token) if item["mediaId"] == media_id]
        if seen and seen[0]["status"] == status:
            return seen[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"{media_id} did not reach {status!r} in {timeout} s; seen: {seen}")
        time.sleep(0.05)


SIGNED_URL_FIELDS = ("playUrl", "thumbnailUrl", "urlsExpireAt")


def stored(item: dict[str, Any]) -> dict[str, Any]:
    """A media item without its per-request signed URLs: what two answers about one row agree on."""
    return {k: v for k, v in item.items() if k not in SIGNED_URL_FIELDS}


def deliveries(emulator: httpx.Client) -> dict[str, Any]:
    return emulator.get("/_emulator/notices/deliveries").json()

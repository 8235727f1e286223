"""Issue 17, finding 6: forged OSS callbacks naming key URLs, replayed through the local stack.

Each distinct trusted key URL used to cost one outbound fetch, and concurrent
callbacks for one URL each fetched it. Only exact key URLs are trusted now, and
one fetch per URL is under way at a time. Fetches are counted at the emulator.
"""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from upvend.notices import oss_callback

FORGED = 1000
GENUINE = 40


def key_fetches(emulator: httpx.Client) -> int:
    return emulator.get("/_emulator/oss/key-fetches").json()["fetches"]


def post_all(url: str, requests: list[tuple[bytes, dict[str, str]]]) -> list[int]:
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(16) as pool:
        return list(pool.map(lambda r: client.post(url, content=r[0], headers=r[1]).status_code, requests))


@pytest.fixture
def cold_key_cache(monkeypatch):
    """A fresh instance: no key fetched yet."""
    monkeypatch.setattr(oss_callback, "_default_keys", oss_callback.PublicKeyCache())


def test_forged_callbacks_naming_other_key_urls_cause_no_fetch(stack, emulator, cold_key_cache):
    url = f"{stack.gateway_url}/aliyun/oss/callback"
    key_dir = f"{stack.emulator_url}/_emulator/oss/"
    body = b"bucket=upvend-dev&object=uploads%2Fo-bob%2Fx.jpg"
    before = key_fetches(emulator)
    forged = [(body, {"content-type": "application/x-www-form-urlencoded",
                      "authorization": base64.b64encode(b"\x00" * 128).decode(),
                      "x-oss-pub-key-url": base64.b64encode(f"{key_dir}k{i}.pem".encode()).decode()})
              for i in range(FORGED)]
    statuses = post_all(url, forged)
    assert key_fetches(emulator) - before == 0
    assert set(statuses) == {403}


def test_concurrent_genuine_callbacks_share_one_key_fetch(stack, emulator, cold_key_cache):
    url = f"{stack.gateway_url}/aliyun/oss/callback"
    signer = stack.emulator.service("oss-callback-key")
    before = key_fetches(emulator)
    # Signed by the emulator as OSS signs them; the bodies name nothing this server pinned, so each is refused
    # after its signature verified, which needs the key.
    requests = []
    for i in range(GENUINE):
        body = f"bucket=upvend-dev&object=elsewhere%2F{i}.jpg".encode()
        requests.append((body, {"content-type": "application/x-www-form-urlencoded", **signer.sign(url, body)}))
    statuses = post_all(url, requests)
    assert key_fetches(emulator) - before == 1
    assert set(statuses) == {403}

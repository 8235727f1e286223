"""Shared pieces of the Tencent functional tests: fresh users, emulator counters, COS clients."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import httpx


def fresh_user(prefix: str = "t") -> str:
    """A login name no other test uses, so per-user credential caches start empty."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def counts(emulator: httpx.Client) -> dict[str, int]:
    return emulator.get("/_emulator/tencent/stats").json()["counts"]


def arm_fault(emulator: httpx.Client, action: str, code: str, times: int = 1) -> None:
    response = emulator.post("/_emulator/tencent/faults", json={"action": action, "code": code, "times": times})
    assert response.status_code == 200


def cos_client(emulator_url: str, region: str, secret_id: str, secret_key: str, token: str):
    """cos-python-sdk-v5 pointed at the emulator: it connects to IP:Port and sends the real COS Host."""
    from qcloud_cos import CosConfig, CosS3Client

    parts = urlsplit(emulator_url)
    config = CosConfig(Region=region, SecretId=secret_id, SecretKey=secret_key, Token=token, Scheme="http",
                       IP=parts.hostname, Port=parts.port)
    return CosS3Client(config, retry=1)


def sts_put(gateway: httpx.Client, emulator_url: str, token: str, name: str, data: bytes,
            content_type: str) -> tuple[str, str]:
    """What a client with /tencent/cos/sts keys does: PutObject under its prefix. Returns (bucket, key)."""
    body = gateway.post("/tencent/cos/sts", json={}, headers={"Authorization": f"Bearer {token}"}).json()
    creds = body["credentials"]
    client = cos_client(emulator_url, body["region"], creds["tmpSecretId"], creds["tmpSecretKey"],
                        creds["sessionToken"])
    key = body["prefix"] + name
    client.put_object(Bucket=body["bucket"], Body=data, Key=key, ContentType=content_type)
    return body["bucket"], key

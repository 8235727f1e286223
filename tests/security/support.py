"""Shared pieces of the attack replays: users with uploads, oss2 buckets on STS keys, snapshots of the tables."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict
from typing import Any

import httpx
import oss2

from tests.conftest import bearer
from tests.functional.media_rows import repo

JPEG = b"\xff\xd8\xff\xe0 emulated jpeg"


def sts_bucket(gateway: httpx.Client, token: str) -> tuple[oss2.Bucket, dict[str, Any]]:
    """An oss2 bucket on the caller's /aliyun/sts keys, and the answer (prefix, bucket...)."""
    creds = gateway.post("/aliyun/sts", json={}, headers=bearer(token)).json()
    auth = oss2.StsAuth(creds["accessKeyId"], creds["accessKeySecret"], creds["securityToken"])
    return oss2.Bucket(auth, creds["endpoint"], creds["bucket"]), creds


def form_upload(gateway: httpx.Client, token: str, route: str, file_name: str, data: bytes,
                url_field: str, **request: Any) -> tuple[dict[str, Any], httpx.Response]:
    """Ask `route` for a PostObject form and post `data` with it, as a client does."""
    answer = gateway.post(route, json={"fileName": file_name, "size": len(data), **request}, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    policy = answer.json()
    fields = policy["formData"]
    posted = httpx.post(policy[url_field], data=fields,
                        files={"file": (file_name, data, fields.get("Content-Type", "application/octet-stream"))},
                        timeout=15)
    return policy, posted


def callback_header(url: str, body: str) -> dict[str, str]:
    """`x-oss-callback` for a PutObject whose callback body the uploader writes."""
    spec = {"callbackUrl": url, "callbackBody": body, "callbackBodyType": "application/x-www-form-urlencoded"}
    return {"x-oss-callback": base64.b64encode(json.dumps(spec).encode()).decode()}


def rows_of(owner: str) -> list[dict[str, Any]]:
    """Everything the media table holds for `owner`, with its events, for before/after comparisons."""
    rows = repo().db.query("SELECT provider, media_id FROM {media} WHERE owner = ? ORDER BY media_id", (owner,))
    snapshot = []
    for row in rows:
        record = repo().get(row["provider"], row["media_id"])
        events = repo().db.query("SELECT dedupe_key FROM {events} WHERE media_id = ? ORDER BY dedupe_key",
                                 (row["media_id"],))
        snapshot.append({**asdict(record), "events": [e["dedupe_key"] for e in events]})
    return snapshot


def stored_under(store: Any, bucket: str, prefix: str) -> list[str]:
    """Keys the emulated bucket holds under `prefix` (read from its files)."""
    root = store.root / bucket / "objects"
    folder = root / prefix
    return sorted(str(p.relative_to(root)) for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []

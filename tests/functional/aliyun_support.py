"""Shared pieces of the Aliyun functional tests: fresh users, faults, decoded VOD blobs."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import httpx
import oss2


def fresh_name(prefix: str = "u") -> str:
    """A user nobody else in the run uses, so per-user caches start empty."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def decode_blob(blob: str) -> dict[str, Any]:
    return json.loads(base64.b64decode(blob))


def inject_fault(emulator: httpx.Client, action: str, **fault: Any) -> None:
    response = emulator.post("/_emulator/aliyun/faults", json={"action": action, **fault})
    assert response.status_code == 200, response.text


def vod_bucket(upload_address: str, upload_auth: str) -> tuple[oss2.Bucket, str]:
    """An oss2 bucket signed with a VOD UploadAuth, and the object key VOD chose."""
    address, auth = decode_blob(upload_address), decode_blob(upload_auth)
    creds = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    return oss2.Bucket(creds, address["Endpoint"], address["Bucket"]), address["FileName"]

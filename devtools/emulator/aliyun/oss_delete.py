"""Emulated OSS DeleteObject: `DELETE /<key>`, header signature V1, checked against the key's policy.

OSS answers 204 No Content whether or not the object existed, so deleting is idempotent.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response


def claims(request: Request, key: str) -> bool:
    """A DeleteObject request (multipart aborts carry `uploadId` and are claimed before this)."""
    return request.method == "DELETE" and bool(key) and not request.query_params


def delete_object(oss: Any, request: Request, bucket: str, key: str) -> Response:
    """Authenticate, authorize `oss:DeleteObject` on the object, remove it; 204 either way."""
    access, _ = oss.authenticate(request, bucket, key)
    oss.permit(access, bucket, key, "oss:DeleteObject")
    oss.state.count("oss:DeleteObject")
    oss.emulator.store.delete(bucket, key)
    return Response(status_code=204, headers={"x-oss-request-id": uuid.uuid4().hex[:24].upper()})

"""Emulated COS DeleteObject: `DELETE /<key>`, XML request signature, checked against the key's CAM policy.

COS answers 204 No Content whether or not the object existed, so deleting is idempotent.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response


def claims(request: Request, key: str) -> bool:
    """A DeleteObject request (multipart aborts carry `uploadId` and are claimed before this)."""
    return request.method == "DELETE" and bool(key) and "uploadId" not in request.query_params


def delete_object(cos: Any, request: Request, address: Any) -> Response:
    """Authenticate, authorize `cos:DeleteObject` on the object, remove it; 204 either way."""
    key = cos.authenticate(request, address)
    cos.authorize(key, "name/cos:DeleteObject", address)
    cos.state.counters.add("cos:DeleteObject")
    cos.emulator.store.delete(address.bucket, address.key)
    return Response(status_code=204, headers={"x-cos-request-id": uuid.uuid4().hex})

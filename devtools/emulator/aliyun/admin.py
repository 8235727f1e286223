"""`/_emulator/aliyun/...`: call counts, injected faults, and what the emulator recorded.

- `GET /_emulator/aliyun/calls` → `{"AssumeRole": 3, ...}` (authenticated RPC calls per action)
- `POST /_emulator/aliyun/faults` `{"action", "code"?, "status"?, "message"?, "times"?, "delaySeconds"?}`
- `DELETE /_emulator/aliyun/faults` clears them
- `GET /_emulator/aliyun/keys/{accessKeyId}` → the key's session policy, session name, expiry
- `POST /_emulator/aliyun/keys/{accessKeyId}/expire` → the issued key expires now (clients then see the
  cloud's expiry errors without waiting out the 15-minute minimum lifetime)
- `GET /_emulator/aliyun/vod/{mediaId}` → the parameters VOD received for that media
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devtools.emulator.aliyun.state import AliyunState, Fault
from devtools.emulator.service import Service

PREFIX = "/_emulator/aliyun/"


def _not_found() -> JSONResponse:
    return JSONResponse({"error": {"code": "not_found", "message": "No such Aliyun admin resource."}},
                        status_code=404)


class AliyunAdminService(Service):
    name = "aliyun-admin"

    def __init__(self, state: AliyunState) -> None:
        self.state = state

    def matches(self, request: Request) -> bool:
        return request.url.path.startswith(PREFIX)

    async def handle(self, request: Request) -> Response:
        path = request.url.path[len(PREFIX):]
        if path == "calls" and request.method == "GET":
            with self.state.lock:
                return JSONResponse(dict(self.state.calls))
        if path == "faults" and request.method == "POST":
            try:
                fault = Fault.from_json(await request.json())
            except (KeyError, TypeError, ValueError):
                return JSONResponse({"error": {"code": "bad_fault", "message": "Need at least an action."}},
                                    status_code=400)
            with self.state.lock:
                self.state.faults.append(fault)
            return JSONResponse({"queued": fault.__dict__})
        if path == "faults" and request.method == "DELETE":
            with self.state.lock:
                self.state.faults.clear()
            return JSONResponse({"cleared": True})
        if path.startswith("keys/") and path.endswith("/expire") and request.method == "POST":
            key = self.state.keys.get(path[len("keys/"):-len("/expire")])
            if key is None or key.expires_at is None:  # the function role's key does not expire
                return _not_found()
            key.expires_at = time.time() - 1
            return JSONResponse({"accessKeyId": key.key_id, "expired": True})
        if path.startswith("keys/") and request.method == "GET":
            key = self.state.keys.get(path[len("keys/"):])
            if key is None:
                return _not_found()
            expires = (datetime.fromtimestamp(key.expires_at, tz=timezone.utc).isoformat()
                       if key.expires_at else None)
            return JSONResponse({"accessKeyId": key.key_id, "purpose": key.purpose, "policy": key.policy,
                                 "policyText": key.policy_text, "roleSessionName": key.session_name,
                                 "expiresAt": expires})
        if path.startswith("vod/") and request.method == "GET":
            media = self.state.media.get(path[len("vod/"):])
            if media is None:
                return _not_found()
            return JSONResponse({"mediaId": media.media_id, "kind": media.kind, "bucket": media.bucket,
                                 "key": media.key, "params": media.params, "refreshed": media.refreshed})
        return _not_found()

"""`/_emulator/tencent/*`: counters, recorded AssumeRole calls, and fault injection for tests.

- `GET  /_emulator/tencent/stats` → `{"counts": {action: n}, "assumedRoles": [...]}`
- `POST /_emulator/tencent/faults` `{"action", "code", "message"?, "times"?}` → the next calls of that
  action answer the Tencent error `code` (e.g. RequestLimitExceeded)
- `DELETE /_emulator/tencent/faults` clears them.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devtools.emulator.service import Service
from devtools.emulator.tencent.state import Fault, TencentState

PREFIX = "/_emulator/tencent/"


class TencentAdminService(Service):
    name = "tencent-admin"

    def __init__(self, state: TencentState) -> None:
        self.state = state

    def matches(self, request: Request) -> bool:
        return request.url.path.startswith(PREFIX)

    async def handle(self, request: Request) -> Response:
        path = request.url.path[len(PREFIX):]
        if path == "stats" and request.method == "GET":
            return JSONResponse({"counts": self.state.counters.snapshot(),
                                 "assumedRoles": list(self.state.assumed_roles)})
        if path == "faults" and request.method == "DELETE":
            self.state.faults.clear()
            return JSONResponse({"faults": "cleared"})
        if path == "faults" and request.method == "POST":
            try:
                spec = json.loads(await request.body())
                fault = Fault(str(spec["action"]), str(spec["code"]),
                              str(spec.get("message") or f"{spec['code']} (injected)"), int(spec.get("times", 1)))
            except (ValueError, KeyError, TypeError):
                return JSONResponse({"error": {"code": "bad_fault", "message": "Give action and code."}},
                                    status_code=400)
            self.state.faults.add(fault)
            return JSONResponse({"armed": fault.__dict__})
        return JSONResponse({"error": {"code": "not_found", "message": "No such Tencent admin endpoint."}},
                            status_code=404)

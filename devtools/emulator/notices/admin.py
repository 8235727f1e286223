"""`/_emulator/notices/...`: the delivery switch, what was sent, and the Tencent VOD pull queue.

- `GET /_emulator/notices/switch` → the switch; `PUT` (or `POST`) `{"duplicates": 1, "reverse": true,
  "tencentVodPush": false, "tencentVodTranscodeFails": true, "aliyunVodEvents": false, "eventGapSeconds",
  "retryDelaySeconds", "pullRedeliverySeconds", "pullWaitSeconds"}` changes any of it; `DELETE` restores the defaults
- `GET /_emulator/notices/deliveries` → the last notices sent (label, attempt, delivered, outcome)
- `POST /_emulator/notices/wait?timeout=10` → 200 once every scheduled notice is sent, 504 if not in time
- `GET /_emulator/notices/tencent-vod/events` → events waiting for PullEvents / ConfirmEvents
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devtools.emulator.notices.schedule import NoticeScheduler, NoticeSwitch
from devtools.emulator.notices.vod_event_queue import VodEventQueue
from devtools.emulator.service import Service

PREFIX = "/_emulator/notices/"
MAX_WAIT_SECONDS = 60.0


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


class NoticesAdminService(Service):
    name = "notices-admin"

    def __init__(self, switch: NoticeSwitch, scheduler: NoticeScheduler, queue: VodEventQueue,
                 callback_log: Callable[[], list[dict[str, Any]]]) -> None:
        self.switch = switch
        self.scheduler = scheduler
        self.queue = queue
        self.callback_log = callback_log

    def matches(self, request: Request) -> bool:
        return request.url.path.startswith(PREFIX)

    async def handle(self, request: Request) -> Response:
        path, method = request.url.path[len(PREFIX):], request.method
        if path == "switch":
            return await self._switch(request)
        if path == "deliveries" and method == "GET":
            return JSONResponse({"pending": self.scheduler.pending, "sent": self.scheduler.log(),
                                 "ossCallbacks": self.callback_log()})
        if path == "wait" and method == "POST":
            try:
                timeout = min(float(request.query_params.get("timeout", "10")), MAX_WAIT_SECONDS)
            except ValueError:
                return _error(400, "bad_timeout", "timeout must be a number of seconds.")
            idle = await run_in_threadpool(self.scheduler.wait_idle, timeout)
            if not idle:
                return _error(504, "still_sending", f"{self.scheduler.pending} notices still pending.")
            return JSONResponse({"pending": 0})
        if path == "tencent-vod/events" and method == "GET":
            return JSONResponse({"events": self.queue.snapshot()})
        return _error(404, "not_found", "No such notices admin endpoint.")

    async def _switch(self, request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse(self.switch.to_json())
        if request.method == "DELETE":
            defaults = NoticeSwitch()
            for spec in fields(defaults):
                setattr(self.switch, spec.name, getattr(defaults, spec.name))
            return JSONResponse(self.switch.to_json())
        if request.method not in ("PUT", "POST"):
            return _error(405, "method_not_allowed", "Use GET, PUT or DELETE.")
        try:
            changes = json.loads(await request.body() or b"{}")
            if not isinstance(changes, dict):
                raise ValueError("the body must be a JSON object")
            self.switch.update(changes)
        except ValueError as exc:
            return _error(400, "bad_switch", str(exc))
        return JSONResponse(self.switch.to_json())

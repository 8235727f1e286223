"""Emulated VOD API 3.0 actions PullEvents, ConfirmEvents and DescribeEventsState (service `vod`, 2018-07-17).

Claimed before the generic Tencent API service by their `X-TC-Action`; the
TC3-HMAC-SHA256 signature, token and expiry are checked by the same code as
STS calls (VOD needs no region), and the key's CAM policy must allow the action.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from devtools.emulator.notices.schedule import NoticeSwitch
from devtools.emulator.notices.vod_event_queue import MAX_EVENTS_PER_PULL, EventHandleInvalid, VodEventQueue
from devtools.emulator.service import Service
from devtools.emulator.tencent.sts import TencentApiError, _answer
from devtools.emulator.tencent.vod_media_api import authorize_vod_action, is_vod_api_call

ACTIONS = ("PullEvents", "ConfirmEvents", "DescribeEventsState")
_POLL_STEP_SECONDS = 0.05


class VodEventsApi(Service):
    name = "tencent-vod-events"

    def __init__(self, emulator: Any, queue: VodEventQueue, switch: NoticeSwitch) -> None:
        self.emulator = emulator
        self.queue = queue
        self.switch = switch

    def matches(self, request: Request) -> bool:
        return is_vod_api_call(request, ACTIONS)

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        action = request.headers["x-tc-action"]
        try:
            params = authorize_vod_action(self.emulator, request, body, action)
            app = int(params.get("SubAppId", 0))
            if action == "PullEvents":
                return _answer({"EventSet": await self._pull(app)})
            if action == "DescribeEventsState":
                # VOD's count is approximate and lags about 3 minutes; the emulator's is exact.
                return _answer({"CountOfEventsToPull": self.queue.waiting(app)})
            handles = params.get("EventHandles")
            if (not isinstance(handles, list) or not 0 < len(handles) <= MAX_EVENTS_PER_PULL
                    or not all(isinstance(h, str) and h for h in handles)):
                raise TencentApiError("InvalidParameterValue.EventHandles",
                                      f"EventHandles must list 1 to {MAX_EVENTS_PER_PULL} handles.")
            try:
                self.queue.confirm(app, handles)
            except EventHandleInvalid as exc:
                raise TencentApiError("InvalidParameterValue.EventHandles", str(exc)) from None
            return _answer({})
        except TencentApiError as exc:
            return _answer({"Error": {"Code": exc.code, "Message": exc.message}})

    async def _pull(self, app: int) -> list[dict[str, Any]]:
        """Due events at once; otherwise wait (long poll) until some arrive or the wait is over."""
        deadline = time.monotonic() + self.switch.pull_wait_seconds
        while True:
            events = self.queue.take(app, self.switch.pull_redelivery_seconds)
            if events or time.monotonic() >= deadline:
                return events
            await asyncio.sleep(min(_POLL_STEP_SECONDS, max(0.0, deadline - time.monotonic())))

"""Emulated VOD API 3.0 actions PullEvents, ConfirmEvents and DescribeEventsState (service `vod`, 2018-07-17).

Claimed before the generic Tencent API service by their `X-TC-Action`; the
TC3-HMAC-SHA256 signature, token and expiry are checked by the same code as
STS calls (VOD needs no region), and the key's CAM policy must allow the action.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from devtools.emulator.notices.schedule import NoticeSwitch
from devtools.emulator.notices.vod_event_queue import MAX_EVENTS_PER_PULL, EventHandleInvalid, VodEventQueue
from devtools.emulator.service import Service
from devtools.emulator.tencent.keys import policy_allows
from devtools.emulator.tencent.sts import TencentApiError, _answer
from devtools.emulator.tencent.tc3 import parse_authorization

VOD_VERSION = "2018-07-17"
ACTIONS = ("PullEvents", "ConfirmEvents", "DescribeEventsState")
_POLL_STEP_SECONDS = 0.05


class VodEventsApi(Service):
    name = "tencent-vod-events"

    def __init__(self, emulator: Any, queue: VodEventQueue, switch: NoticeSwitch) -> None:
        self.emulator = emulator
        self.queue = queue
        self.switch = switch

    def matches(self, request: Request) -> bool:
        return (request.method == "POST" and request.headers.get("x-tc-action") in ACTIONS
                and request.headers.get("authorization", "").startswith("TC3-HMAC-SHA256"))

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        state = self.emulator.tencent
        action = request.headers["x-tc-action"]
        try:
            service = self.emulator.service("tencent-api").authenticate(request, body, region_required=False)
            state.counters.add(action)
            if service != "vod":
                raise TencentApiError("InvalidAction", f"The action {action} is not emulated for {service}.")
            if request.headers.get("x-tc-version") != VOD_VERSION:
                raise TencentApiError("InvalidParameter", f"Version must be {VOD_VERSION}.")
            auth = parse_authorization(request.headers["authorization"])
            key = state.keys.get(auth.secret_id) if auth else None
            if key is None or not policy_allows(key.policy, f"name/vod:{action}", "*"):
                raise TencentApiError("UnauthorizedOperation", f"The key may not call vod:{action}.")
            fault = state.faults.take(action)
            if fault:
                raise TencentApiError(fault.code, fault.message)
            params = self._params(body)
            app = self._app(params)
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

    @staticmethod
    def _params(body: bytes) -> dict[str, Any]:
        try:
            params = json.loads(body or b"{}")
        except json.JSONDecodeError:
            raise TencentApiError("InvalidParameter", "The body is not JSON.") from None
        if not isinstance(params, dict):
            raise TencentApiError("InvalidParameter", "The body must be a JSON object.")
        return params

    def _app(self, params: dict[str, Any]) -> int:
        app = params.get("SubAppId", 0)
        if isinstance(app, bool) or not isinstance(app, int) or app < 0:
            raise TencentApiError("InvalidParameterValue.SubAppId", "SubAppId must be an application id.")
        if app not in (0, self.emulator.tencent.account.vod_sub_app_id):
            raise TencentApiError("InvalidParameterValue.SubAppId", f"No VOD application {app}.")
        return app

    async def _pull(self, app: int) -> list[dict[str, Any]]:
        """Due events at once; otherwise wait (long poll) until some arrive or the wait is over."""
        deadline = time.monotonic() + self.switch.pull_wait_seconds
        while True:
            events = self.queue.take(app, self.switch.pull_redelivery_seconds)
            if events or time.monotonic() >= deadline:
                return events
            await asyncio.sleep(min(_POLL_STEP_SECONDS, max(0.0, deadline - time.monotonic())))

"""WeChat `jscode2session`: code `test-<name>` logs in as openid `o-<name>`.

Other codes: `bad` → errcode 40029, `busy` → 45011, `slow` → answers after 10 s
(to exercise timeouts). A wrong appid or secret → 40013 / 40125, as WeChat does.
`GET /_emulator/wechat/calls` → `{"jscode2session": n}`: how many exchanges reached WeChat.
"""

from __future__ import annotations

import asyncio
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

CALLS_PATH = "/_emulator/wechat/calls"

from devtools.emulator.config import EmulatorConfig
from devtools.emulator.service import Service


class WechatService(Service):
    name = "wechat"

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.calls = 0

    def matches(self, request: Request) -> bool:
        return request.url.path in ("/sns/jscode2session", CALLS_PATH)

    async def handle(self, request: Request) -> Response:
        if request.url.path == CALLS_PATH:
            return JSONResponse({"jscode2session": self.calls})
        self.calls += 1
        q = request.query_params
        if q.get("appid") != self.config.wechat_appid:
            return JSONResponse({"errcode": 40013, "errmsg": "invalid appid"})
        if q.get("secret") != self.config.wechat_secret:
            return JSONResponse({"errcode": 40125, "errmsg": "invalid appsecret"})
        if q.get("grant_type") != "authorization_code":
            return JSONResponse({"errcode": 40002, "errmsg": "invalid grant_type"})
        code = q.get("js_code", "")
        if code == "slow":
            await asyncio.sleep(10)
        if code == "busy":
            return JSONResponse({"errcode": 45011, "errmsg": "api minute-quota reach limit"})
        if not code.startswith("test-") or len(code) <= 5:
            return JSONResponse({"errcode": 40029, "errmsg": "invalid code"})
        return JSONResponse({"openid": "o-" + code[5:], "session_key": secrets.token_urlsafe(16)})

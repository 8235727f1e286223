"""WeChat mini-program login: `jscode2session` turns a wx.login code into an openid."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from upvend import settings
from upvend.errors import BadRequest, RateLimited, Unauthorized, UpstreamError, UpstreamUnavailable
from upvend.outbound import get_json
from upvend.user_ids import is_user_id

_RATE_LIMITED = {45011}
_BUSY = {-1}
_OUR_CONFIG = {40013, 40125, 41002, 41004}  # invalid appid / secret: our problem, not the caller's
# wx.login codes are opaque; the ones WeChat hands out are 32 letters and digits. This allows the URL-safe
# base64 alphabet at up to twice that length, so a format change need not break logins, and refuses the rest.
LOGIN_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")
# WeChat's 45011 for jscode2session is a per-minute frequency limit.
RATE_LIMIT_RETRY_SECONDS = 60


class LoginCodeMalformed(BadRequest):
    code, default_message = "wechat_code_malformed", "The login code is not a wx.login code."


@dataclass(frozen=True)
class WechatSession:
    """What we keep of a jscode2session answer (never the session_key)."""

    openid: str
    unionid: str | None = None


def code_to_session(code: str) -> WechatSession:
    """Exchange a `wx.login` code for the user's openid; errcodes become typed errors.

    A code that cannot be a wx.login code is refused before WeChat is called.
    """
    if not LOGIN_CODE.fullmatch(code):
        raise LoginCodeMalformed("The login code must be 1 to 64 letters, digits, '-' or '_'.")
    query = urlencode({
        "appid": settings.get("WECHAT_APPID"),
        "secret": settings.get("WECHAT_SECRET"),
        "js_code": code,
        "grant_type": "authorization_code",
    })
    answer = get_json(f"{settings.get('WECHAT_API_BASE')}/sns/jscode2session?{query}",
                      service="WeChat", timeout=settings.get("WECHAT_TIMEOUT_SECONDS"))
    if not isinstance(answer, dict):
        raise UpstreamError("WeChat returned an unexpected answer.")
    errcode = answer.get("errcode") or 0
    if errcode:
        if isinstance(errcode, bool) or not isinstance(errcode, int):
            raise UpstreamError("WeChat answered with an errcode that is not a number.")
        _raise_for_errcode(errcode, str(answer.get("errmsg") or ""))
    openid = answer.get("openid")
    if not isinstance(openid, str) or not openid:
        raise UpstreamError("WeChat answered without an openid.")
    if not is_user_id(openid):
        # It becomes the session subject and a folder name: only plain ids can be neither forged nor confused.
        raise UpstreamError("WeChat answered with an openid that is not 1 to 64 letters, digits, '-' or '_'.",
                            code="wechat_openid_invalid")
    unionid = answer.get("unionid")
    return WechatSession(openid=openid, unionid=unionid if isinstance(unionid, str) else None)


def _raise_for_errcode(errcode: int, errmsg: str) -> None:
    detail = f"WeChat errcode {errcode}" + (f" ({errmsg[:80]})" if errmsg else "")
    if errcode in _RATE_LIMITED:
        raise RateLimited(f"{detail}: WeChat is limiting logins, retry in a minute.", code="wechat_rate_limited",
                          headers={"Retry-After": str(RATE_LIMIT_RETRY_SECONDS)})
    if errcode in _BUSY:
        raise UpstreamUnavailable(f"{detail}: WeChat is busy.", code="wechat_busy")
    if errcode in _OUR_CONFIG:
        raise UpstreamError(f"{detail}: the server's WeChat credentials were rejected.",
                            code="wechat_config_rejected")
    raise Unauthorized(f"{detail}: the login code was rejected.", code="wechat_code_rejected")

"""POST /auth/wechat: exchange a wx.login code for an upvend session token."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StrictStr, StringConstraints
from starlette.requests import Request

from upvend.auth import issue_token
from upvend.http import ApiRoute, create_app, http_handler, json_response, read_json
from upvend.errors import UpvendError
from upvend.logs import mask_in_this_request
from upvend.quotas import forget_login_code, login_allowed
from upvend.wechat import code_to_session


class WechatLogin(BaseModel):
    model_config = ConfigDict(extra="ignore")

    code: Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]


class SessionToken(BaseModel):
    token: str
    expiresIn: int


async def login(request: Request):
    body = await read_json(request, WechatLogin)
    mask_in_this_request(body.code)  # a login code is a one-time secret; error codes in logs are not
    login_allowed(request.client.host if request.client else "", body.code)
    try:
        session = code_to_session(body.code)
    except UpvendError as exc:
        if exc.status >= 429:  # WeChat throttled, failed or was unreachable: the code was not spent
            forget_login_code(body.code)
        raise
    token, ttl = issue_token(session.openid)
    return json_response({"token": token, "expiresIn": ttl})


app = create_app([ApiRoute("POST", "/auth/wechat", login, "Exchange a wx.login code for a session token",
                           request=WechatLogin, response=SessionToken, auth=False, errors=(401, 429, 502, 503))])
handler = main_handler = http_handler(app, function="auth-wechat")

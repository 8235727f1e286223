"""POST /tencent/vod/callback/{token}: Tencent VOD push events (v3.0 JSON) into the media table.

The URL carries a secret token (compared in constant time; a wrong one answers
404 like any unknown path). With a SignKey configured, VOD also puts `Sign` =
md5(SignKey + T) and the expiry time `T` in the message; both are checked
before anything else in the body is read. Pull mode, which is authenticated,
applies the same events through the same mapping.

The body is a hint: each file is read back with DescribeMediaInfos
(`upvend.notices.tencent_vod_media`) and VOD's answer is recorded. Events about
files VOD does not know, or another owner's, are acknowledged as `ignored` with
nothing written (VOD retries any other answer, and a retry could not change it).
"""

from typing import Literal

from pydantic import BaseModel
from starlette.requests import Request

from upvend.http import ApiRoute, create_app, http_handler, json_response, parse_model, read_json
from upvend.logs import get_logger
from upvend.notices.recording import record_notices
from upvend.notices.tencent_vod import PushSignature, VodEventContent, verify_path_token, verify_push, vod_notices
from upvend.notices.tencent_vod_media import reread_notices, rereading

log = get_logger("upvend.tencent_vod_callback")


class PushAck(BaseModel):
    code: Literal[0]
    status: Literal["recorded", "duplicate", "ignored"]


async def vod_callback(request: Request):
    verify_path_token(request.path_params["token"])
    signed = await read_json(request, PushSignature)
    verify_push(signed.Sign, signed.T)
    content = parse_model(VodEventContent, signed.model_dump())
    notices = vod_notices(content)
    if notices and rereading():
        notices = reread_notices(notices)
    if not notices:
        log.info("event acknowledged, not recorded", extra={"eventType": content.EventType})
        return json_response({"code": 0, "status": "ignored"})
    summary = record_notices(notices)
    log.info("event processed", extra={"eventType": content.EventType, **summary})
    return json_response({"code": 0, "status": "recorded" if summary["recorded"] else "duplicate"})


# Authenticated by the secret token in the path, not by a session token.
app = create_app([ApiRoute("POST", "/tencent/vod/callback/{token}", vod_callback, "Tencent VOD push event",
                           request=VodEventContent, response=PushAck, auth=False, errors=(403, 404, 502, 503))])
main_handler = http_handler(app, function="tencent-vod-callback")

"""POST /aliyun/vod/callback: Aliyun VOD event notifications (HTTP callback mode) into the media table.

VOD counts a 200 within 5 s as delivered and otherwise retries twice, 1 s apart:
the signature is checked first, the write is one short transaction, and a
storage failure answers 503 so the retry can succeed.

The body is not signed, so it is only a hint: the media is read back from VOD
(`upvend.notices.aliyun_vod_reread`) and VOD's answer is recorded. A body naming
media VOD does not know, or another owner, is acknowledged as `ignored` with
nothing written: VOD retries any other answer, and a retry could not change it.
A failed read answers 502/503, so VOD's retry reads again.
"""

from typing import Literal

from pydantic import BaseModel
from starlette.requests import Request

from upvend.http import ApiRoute, create_app, http_handler, json_response, read_json
from upvend.logs import get_logger
from upvend.notices.aliyun_vod import VodEnvelope, parse_vod_event, verify_vod_callback, vod_notice
from upvend.notices.aliyun_vod_reread import reread_notice, rereading
from upvend.notices.final_rows import release_final_row
from upvend.storage.media import MediaRepository

log = get_logger("upvend.vod_callback")


class CallbackAck(BaseModel):
    status: Literal["recorded", "duplicate", "ignored"]


async def vod_callback(request: Request):
    verify_vod_callback(request.headers)
    envelope = await read_json(request, VodEnvelope)
    event = parse_vod_event(envelope)
    notice = vod_notice(event) if event is not None else None
    if notice is None:
        log.info("event acknowledged, not recorded", extra={"eventType": envelope.EventType})
        return json_response({"status": "ignored"})
    if rereading():
        notice = reread_notice(notice)
        if notice is None:  # logged with its reason
            return json_response({"status": "ignored"})
    recorded = MediaRepository().record(notice)
    applied = recorded.new
    release_final_row(recorded)
    log.info("event recorded" if applied else "duplicate event",
             extra={"eventType": notice.event_type, "mediaId": notice.media_id})
    return json_response({"status": "recorded" if applied else "duplicate"})


# Authenticated by the X-VOD-SIGNATURE header, not by a session token.
app = create_app([ApiRoute("POST", "/aliyun/vod/callback", vod_callback, "Aliyun VOD event notification (signed)",
                           request=VodEnvelope, response=CallbackAck, auth=False, errors=(403, 502, 503))])
handler = http_handler(app, function="aliyun-vod-callback")

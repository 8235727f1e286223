"""POST /aliyun/oss/callback: OSS upload callbacks (PostObject / PutObject `callback`) into the media table.

OSS waits 5 s and does not retry; our JSON answer goes back to the uploader, so
it is a minimal acknowledgement (never the stored row), and any other answer
gives the uploader 203 CallbackFailed while the object stays stored (the OSS
trigger still records it). Only callbacks this server pinned, bound to their
bucket, key and owner, are recorded. Configure the callback URL without a query string: the
FC HTTP event keeps no raw query, so a signed query could not be rebuilt.
"""

from starlette.requests import Request

from pydantic import BaseModel

from upvend.http import ApiRoute, create_app, http_handler, json_response
from upvend.http.api import FORM, JSON
from upvend.http.body import MAX_JSON_BYTES
from upvend.errors import PayloadTooLarge
from upvend.logs import get_logger
from upvend.media_api import public_id
from upvend.notices.oss_callback import OssCallbackBody, oss_notice, parse_callback_body, verify_oss_callback
from upvend.notices.final_rows import release_final_row
from upvend.storage.media import MediaRepository

log = get_logger("upvend.oss_callback")


async def oss_callback(request: Request):
    body = await request.body()
    if len(body) > MAX_JSON_BYTES:
        raise PayloadTooLarge("The callback body is too large.")
    raw_path = (request.scope.get("raw_path") or request.scope["path"].encode()).decode("latin-1")
    verify_oss_callback(request.headers, raw_path, request.scope.get("query_string", b"").decode("latin-1"), body)
    notice = oss_notice(parse_callback_body(body, request.headers.get("content-type", "")))
    recorded = MediaRepository().record(notice)
    applied = recorded.new
    release_final_row(recorded)
    log.info("callback recorded" if applied else "duplicate callback", extra={"mediaId": notice.media_id})
    return json_response({"status": "recorded" if applied else "duplicate",
                          "id": public_id(notice.provider, notice.media_id)})


class CallbackAck(BaseModel):
    """What the uploader gets back through OSS: whether the notice was new, and the media's public id."""

    status: str
    id: str


# Authenticated by OSS's RSA signature (Authorization + x-oss-pub-key-url), not by a session token.
app = create_app([ApiRoute("POST", "/aliyun/oss/callback", oss_callback, "OSS upload callback (RSA-signed)",
                           request=OssCallbackBody, request_types=(FORM, JSON), response=CallbackAck, auth=False,
                           errors=(401, 403, 413, 503))])
handler = http_handler(app, function="aliyun-oss-callback")

"""POST /tencent/cos/post-policy: a COS PostObject form for one server-chosen key."""

import time
from datetime import datetime, timezone

from pydantic import BaseModel
from starlette.requests import Request

from upvend import settings
from upvend.auth import authenticate
from upvend.quotas import credential_allowed
from upvend.http import ApiRoute, create_app, http_handler, json_response, read_json
from upvend.tencent.cos_policy import CosPostPolicy
from upvend.tencent.sts import cos_form_keys
from upvend.notices.object_keys import kind_of
from upvend.upload_reservations import reserve_object
from upvend.uploads import UploadRequest, new_object_key, upload_rule


class CosPostForm(BaseModel):
    url: str
    key: str
    expire: int
    formData: dict[str, str]


async def post_policy(request: Request):
    user = authenticate(request.headers)
    body = await read_json(request, UploadRequest)
    rule = upload_rule(body.fileName, body.contentType, body.size)
    credential_allowed(user, size=body.size, reserves=True)  # the form reserves its row
    keys = cos_form_keys(user)
    now = int(time.time())
    expires = min(now + settings.get("TENCENT_POST_POLICY_SECONDS"), keys.expired_time)
    key = new_object_key(user, rule.extension)
    policy = CosPostPolicy(bucket=keys.target.bucket, key=key, content_type=rule.content_type,
                           max_bytes=rule.max_bytes, start=now, expires=expires,
                           meta={"uid": user})
    reserve_object(user, "tencent", keys.target.bucket, key, kind=kind_of(rule.content_type, key),
                   file_name=body.fileName, size=body.size, mime_type=rule.content_type, region=keys.target.region,
                   credential_expires=datetime.fromtimestamp(expires, timezone.utc))
    return json_response({
        "url": keys.target.base_url + "/",
        "key": key,
        "expire": policy.expires,
        "formData": policy.form_fields(keys.secret_id, keys.secret_key, keys.token),
    })


app = create_app([ApiRoute("POST", "/tencent/cos/post-policy", post_policy, "A signed COS PostObject form for one new key",
                           request=UploadRequest, response=CosPostForm, errors=(429, 502, 503))])
handler = main_handler = http_handler(app, function="tencent-cos-post-policy")

"""POST /aliyun/oss/post-policy: a V4-signed PostObject form for one server-chosen key."""


from pydantic import BaseModel
from starlette.requests import Request

from upvend import settings
from upvend.aliyun.config import oss_form_host, region
from upvend.aliyun.credentials import function_credentials
from upvend.aliyun.oss_policy import OssPostPolicy, callback_param
from upvend.auth import authenticate
from upvend.quotas import credential_allowed
from upvend.http import ApiRoute, create_app, http_handler, json_response, read_json
from upvend.notices.object_keys import kind_of
from upvend.upload_reservations import reserve_object
from upvend.uploads import UploadRequest, new_object_key, upload_rule


class OssPostForm(BaseModel):
    host: str
    key: str
    expire: int
    formData: dict[str, str]


async def post_policy(request: Request):
    user = authenticate(request.headers)
    body = await read_json(request, UploadRequest)
    rule = upload_rule(body.fileName, body.contentType, body.size)
    credential_allowed(user, size=body.size, reserves=True)  # the form reserves its row
    bucket = settings.get("ALIYUN_OSS_BUCKET")
    key = new_object_key(user, rule.extension)
    callback_url = settings.get("ALIYUN_OSS_CALLBACK_URL")
    policy = OssPostPolicy(bucket=bucket, key=key, content_type=rule.content_type,
                           max_bytes=rule.max_bytes, region=region(),
                           expires_in=settings.get("ALIYUN_POST_POLICY_SECONDS"),
                           callback=callback_param(callback_url, bucket, key, user) if callback_url else None)
    form = policy.form_fields(function_credentials(context=request.scope.get("aws.context")))
    reserve_object(user, "aliyun", bucket, key, kind=kind_of(rule.content_type, key), file_name=body.fileName,
                   size=body.size, mime_type=rule.content_type, region=region(), credential_expires=policy.expires_at)
    return json_response({"host": oss_form_host(bucket), "key": policy.key,
                          "expire": int(policy.expires_at.timestamp()), "formData": form})


app = create_app([ApiRoute("POST", "/aliyun/oss/post-policy", post_policy, "A signed OSS PostObject form for one new key",
                           request=UploadRequest, response=OssPostForm, errors=(413, 429, 503))])
handler = main_handler = http_handler(app, function="aliyun-oss-post-policy")

"""POST /tencent/cos/sts: temporary COS keys that can only upload under the caller's prefix."""

from pydantic import BaseModel, ConfigDict
from starlette.requests import Request

from upvend.auth import authenticate
from upvend.quotas import credential_allowed
from upvend.http import ApiRoute, create_app, http_handler, json_response, read_json
from upvend.tencent.sts import cos_upload_keys


class StsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CosTempKeys(BaseModel):
    tmpSecretId: str
    tmpSecretKey: str
    sessionToken: str


class CosUploadCredentials(BaseModel):
    credentials: CosTempKeys
    startTime: int
    expiredTime: int
    bucket: str
    region: str
    prefix: str


async def cos_sts(request: Request):
    user = authenticate(request.headers)
    await read_json(request, StsRequest)
    credential_allowed(user)
    keys = cos_upload_keys(user)
    # The shape cos-wx-sdk-v5's getAuthorization callers read (times in Unix seconds).
    return json_response({
        "credentials": {"tmpSecretId": keys.secret_id, "tmpSecretKey": keys.secret_key,
                        "sessionToken": keys.token},
        "startTime": keys.start_time,
        "expiredTime": keys.expired_time,
        "bucket": keys.target.bucket,
        "region": keys.target.region,
        "prefix": keys.prefix + "/",
    })


app = create_app([ApiRoute("POST", "/tencent/cos/sts", cos_sts, "Temporary COS keys for uploads under the caller's prefix",
                           request=StsRequest, response=CosUploadCredentials, errors=(429, 502, 503))])
handler = main_handler = http_handler(app, function="tencent-cos-sts")

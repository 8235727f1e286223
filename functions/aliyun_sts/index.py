"""POST /aliyun/sts: temporary credentials that can only upload into the caller's own prefix."""

from pydantic import BaseModel, ConfigDict
from starlette.requests import Request

from upvend import settings
from upvend.aliyun.config import oss_endpoint, region
from upvend.aliyun.credentials import function_credentials
from upvend.aliyun.sts import oss_upload_credentials
from upvend.aliyun.times import iso_z
from upvend.auth import authenticate
from upvend.quotas import credential_allowed
from upvend.http import ApiRoute, create_app, http_handler, json_response, read_json
from upvend.uploads import caller_prefix


class StsBody(BaseModel):
    # The prefix and bucket are the server's choice: a client naming them gets a clear 400.
    model_config = ConfigDict(extra="forbid")


class OssUploadCredentials(BaseModel):
    accessKeyId: str
    accessKeySecret: str
    securityToken: str
    expiration: str
    region: str
    bucket: str
    endpoint: str
    prefix: str


async def sts_token(request: Request):
    user = authenticate(request.headers)
    await read_json(request, StsBody)
    credential_allowed(user)
    bucket, prefix = settings.get("ALIYUN_OSS_BUCKET"), caller_prefix(user)
    creds = oss_upload_credentials(function_credentials(context=request.scope.get("aws.context")),
                                   user, bucket, prefix)
    return json_response({
        "accessKeyId": creds.access_key_id,
        "accessKeySecret": creds.access_key_secret,
        "securityToken": creds.security_token,
        "expiration": iso_z(creds.expiration),
        "region": region(),
        "bucket": bucket,
        "endpoint": oss_endpoint().url,
        "prefix": prefix + "/",
    })


app = create_app([ApiRoute("POST", "/aliyun/sts", sts_token, "STS credentials for uploads under the caller's prefix",
                           request=StsBody, response=OssUploadCredentials, errors=(429, 502, 503))])
handler = main_handler = http_handler(app, function="aliyun-sts")

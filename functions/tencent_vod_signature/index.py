"""POST /tencent/vod/signature: a VOD client upload signature for the caller (getSignature)."""

from datetime import datetime, timezone

from typing import Optional

from pydantic import BaseModel, ConfigDict
from starlette.requests import Request

from upvend import settings
from upvend.auth import authenticate
from upvend.quotas import credential_allowed
from upvend.http import ApiRoute, create_app, http_handler, json_response, read_json
from upvend.tencent.vod_signature import sign_grant, upload_grant_for


class SignatureRequest(BaseModel):
    # Every signed parameter is chosen by the server; a client that tries to set one is told so.
    model_config = ConfigDict(extra="forbid")


class VodSignature(BaseModel):
    signature: str
    expiresAt: str
    ugcHost: Optional[str] = None


async def vod_signature(request: Request):
    user = authenticate(request.headers)
    await read_json(request, SignatureRequest)
    credential_allowed(user)
    grant = upload_grant_for(user)
    body = {
        "signature": sign_grant(grant, settings.get("TENCENT_VOD_SECRET_KEY")),
        "expiresAt": datetime.fromtimestamp(grant.expire_time, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if settings.get("TENCENT_VOD_UGC_HOST"):
        body["ugcHost"] = settings.get("TENCENT_VOD_UGC_HOST")
    return json_response(body)


app = create_app([ApiRoute("POST", "/tencent/vod/signature", vod_signature, "A VOD client upload signature",
                           request=SignatureRequest, response=VodSignature, errors=(429, 503))])
handler = main_handler = http_handler(app, function="tencent-vod-signature")

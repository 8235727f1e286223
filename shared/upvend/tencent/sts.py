"""COS upload keys from STS AssumeRole, cached per (user, scope) in the warm instance."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from upvend import settings
from upvend.credential_cache import CredentialCache, Issued
from upvend.errors import UpstreamError
from upvend.tencent.api import call_tencent, sdk_client
from upvend.tencent.cam_policy import cos_form_policy, cos_upload_policy, policy_text
from upvend.tencent.config import CosTarget, cos_target, role_credentials
from upvend.uploads import caller_prefix

_cache = CredentialCache()
SCOPE = "cos-upload"
FORM_SCOPE = "cos-form"


@dataclass(frozen=True)
class CosUploadKeys:
    """Temporary keys limited to uploads under `prefix/` of the target bucket."""

    secret_id: str
    secret_key: str
    token: str
    start_time: int
    expired_time: int
    target: CosTarget
    prefix: str


def role_session_name(user_id: str) -> str:
    """A RoleSessionName (2-128 of [\\w+=,.@-]) that names the user where it can."""
    cleaned = re.sub(r"[^\w+=,.@-]", "_", user_id, flags=re.ASCII)
    return ("upvend-" + cleaned)[:128]


def cos_upload_keys(user_id: str) -> CosUploadKeys:
    """The caller's cached client upload keys (typed, size-capped PutObject and multipart), or new ones."""
    return _keys(user_id, SCOPE, cos_upload_policy)


def cos_form_keys(user_id: str) -> CosUploadKeys:
    """Server-side keys that may only PostObject under the caller's prefix, for signing forms."""
    return _keys(user_id, FORM_SCOPE, cos_form_policy)


def _keys(user_id: str, scope: str, policy: Any) -> CosUploadKeys:
    target = cos_target()
    prefix = caller_prefix(user_id)
    issued = _cache.get_or_issue((user_id, scope, target.bucket),
                                 lambda: _assume_role(user_id, target, prefix, policy(target.region, target.bucket,
                                                                                      prefix)))
    return issued.value


def _assume_role(user_id: str, target: CosTarget, prefix: str, policy: dict[str, Any]) -> Issued:
    from tencentcloud.sts.v20180813 import models

    client = sdk_client("tencentcloud.sts.v20180813.sts_client.StsClient", "TENCENT_STS_ENDPOINT",
                        role_credentials(), target.region)
    request = models.AssumeRoleRequest()
    request.RoleArn = settings.get("TENCENT_STS_ROLE_ARN")
    request.RoleSessionName = role_session_name(user_id)
    request.DurationSeconds = settings.get("TENCENT_STS_DURATION_SECONDS")
    request.Policy = quote(policy_text(policy), safe="")
    started = int(time.time())
    response = call_tencent("STS", "AssumeRole", lambda: client.AssumeRole(request))
    creds = response.Credentials
    if creds is None or not (creds.TmpSecretId and creds.TmpSecretKey and creds.Token) or not response.ExpiredTime:
        raise UpstreamError("Tencent Cloud STS answered AssumeRole without credentials.", code="tencent_error")
    expired = int(response.ExpiredTime)
    # STS reports only the expiry; counting back the duration asked for keeps both times on STS's clock.
    start = expired - request.DurationSeconds
    keys = CosUploadKeys(creds.TmpSecretId, creds.TmpSecretKey, creds.Token, start, expired, target, prefix)
    return Issued(keys, issued_at=started, expires_at=keys.expired_time)

"""Temporary OSS upload credentials for one caller, from STS AssumeRole, cached while warm."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from upvend import settings
from upvend.aliyun import rpc
from upvend.aliyun.config import sts_endpoint
from upvend.aliyun.credentials import AliyunCredentials
from upvend.aliyun.session_policy import oss_upload_policy
from upvend.aliyun.times import parse_utc
from upvend.credential_cache import CredentialCache, Issued
from upvend.errors import UpstreamError

SCOPE_OSS_UPLOAD = "oss-upload"
_cache = CredentialCache()


@dataclass(frozen=True)
class TemporaryCredentials:
    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str = field(repr=False)
    expiration: datetime


def role_session_name(user_id: str) -> str:
    """A RoleSessionName (2–64 chars of `[A-Za-z0-9.@_-]`) that names the user in audit logs."""
    safe = re.sub(r"[^A-Za-z0-9.@_-]", "_", user_id)
    name = f"upvend.{safe}"
    if safe != user_id or len(name) > 64:
        digest = hashlib.sha256(user_id.encode()).hexdigest()[:10]
        name = f"upvend.{safe[:46]}.{digest}"
    return name


def _assume_role(credentials: AliyunCredentials, user_id: str, policy: str) -> TemporaryCredentials:
    role_arn = settings.get("ALIYUN_STS_ROLE_ARN")
    duration = settings.get("ALIYUN_STS_DURATION_SECONDS")

    def build() -> Any:
        from aliyunsdksts.request.v20150401.AssumeRoleRequest import AssumeRoleRequest
        request = AssumeRoleRequest()
        request.set_RoleArn(role_arn)
        request.set_RoleSessionName(role_session_name(user_id))
        request.set_DurationSeconds(duration)
        request.set_Policy(policy)
        return request

    answer = rpc.call("STS", sts_endpoint(), credentials, build)
    creds = answer.get("Credentials") or {}
    try:
        return TemporaryCredentials(creds["AccessKeyId"], creds["AccessKeySecret"], creds["SecurityToken"],
                                    parse_utc(creds["Expiration"]))
    except (KeyError, TypeError, ValueError):
        raise UpstreamError("STS answered without usable credentials.") from None


def oss_upload_credentials(credentials: AliyunCredentials, user_id: str, bucket: str,
                           prefix: str) -> TemporaryCredentials:
    """Credentials that can only upload into `<bucket>/<prefix>/`; one AssumeRole per user while fresh."""
    policy = oss_upload_policy(bucket, prefix)
    key = (user_id, SCOPE_OSS_UPLOAD, settings.get("ALIYUN_STS_ROLE_ARN"), bucket, prefix,
           credentials.access_key_id)

    def issue() -> Issued:
        issued_at = time.time()
        temporary = _assume_role(credentials, user_id, policy)
        return Issued(temporary, issued_at, temporary.expiration.timestamp())

    return _cache.get_or_issue(key, issue).value


def clear_cache() -> None:
    """Forget every cached token (used when settings change in a warm process)."""
    _cache.clear()

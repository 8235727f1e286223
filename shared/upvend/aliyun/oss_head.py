"""The stored Content-Type of an OSS object: HeadObject signed with the function's role (header signature V1).

FC's OSS trigger event reports an object's key, size and ETag but not its
Content-Type, so the trigger asks OSS before it records an object that no
server-made form pinned.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from email.utils import formatdate
from urllib.parse import quote

from upvend import outbound, settings
from upvend.aliyun.config import is_ip_or_localhost, oss_endpoint
from upvend.aliyun.credentials import AliyunCredentials


def object_url(bucket: str, key: str) -> str:
    """The object on the OSS endpoint: `<bucket>.<endpoint host>/<key>`, path-style for an IP endpoint."""
    endpoint = oss_endpoint()
    path = quote(key, safe="/-_.~")
    if is_ip_or_localhost(endpoint.netloc):
        return f"{endpoint.url}/{bucket}/{path}"
    return f"{endpoint.scheme}://{bucket}.{endpoint.netloc}/{path}"


def v1_authorization(credentials: AliyunCredentials, method: str, bucket: str, key: str,
                     headers: dict[str, str]) -> str:
    """`OSS <AccessKeyId>:<base64 HMAC-SHA1>` over VERB, MD5, type, date, `x-oss-*` headers and `/<bucket>/<key>`."""
    lowered = {k.lower(): v for k, v in headers.items()}
    canonical = "".join(f"{k}:{v.strip()}\n" for k, v in sorted(lowered.items()) if k.startswith("x-oss-"))
    text = "\n".join([method, lowered.get("content-md5", ""), lowered.get("content-type", ""),
                      lowered.get("date", ""), f"{canonical}/{bucket}/{key}"])
    digest = hmac.new(credentials.access_key_secret.encode(), text.encode("utf-8"), hashlib.sha1).digest()
    return f"OSS {credentials.access_key_id}:{base64.b64encode(digest).decode()}"


def stored_content_type(bucket: str, key: str, credentials: AliyunCredentials) -> str | None:
    """The object's Content-Type; None when OSS has no such object (any other failure raises, so FC retries)."""
    headers = {"Date": formatdate(usegmt=True)}
    if credentials.security_token:
        headers["x-oss-security-token"] = credentials.security_token
    headers["Authorization"] = v1_authorization(credentials, "HEAD", bucket, key, headers)
    answer = outbound.head(object_url(bucket, key), headers=headers, service="OSS",
                           timeout=settings.get("ALIYUN_TIMEOUT_SECONDS"))
    return None if answer is None else answer.get("content-type")

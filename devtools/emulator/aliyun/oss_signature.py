"""OSS signatures the emulator verifies: header V1 (oss2's default), PostObject V1 and V4."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Mapping

# Query parameters that are part of the V1 canonicalized resource (the ones uploads use, and a few more).
V1_SUBRESOURCES = frozenset({
    "acl", "uploads", "uploadId", "partNumber", "security-token", "callback", "callback-var", "append",
    "position", "tagging", "versionId", "symlink", "restore", "x-oss-process", "response-content-type",
    "response-content-language", "response-expires", "response-cache-control", "response-content-disposition",
    "response-content-encoding",
})


def v1_canonical_resource(bucket: str, key: str, query: Mapping[str, str]) -> str:
    """`/<bucket>/<key>` plus the sorted sub-resources (`?uploadId=..&partNumber=..`)."""
    subs = sorted((k, v) for k, v in query.items() if k in V1_SUBRESOURCES)
    text = "&".join(f"{k}={v}" if v else k for k, v in subs)
    return f"/{bucket}/{key}" + (f"?{text}" if text else "")


def v1_header_string_to_sign(method: str, headers: Mapping[str, str], resource: str) -> str:
    """VERB, Content-MD5, Content-Type, Date, then `x-oss-*` headers (lowercased, sorted) and the resource.

    `headers` must have lowercase names.
    """
    oss_headers = sorted((k, v.strip()) for k, v in headers.items() if k.startswith("x-oss-"))
    canonical = "".join(f"{k}:{v}\n" for k, v in oss_headers)
    date = headers.get("x-oss-date") or headers.get("date", "")
    return "\n".join([method.upper(), headers.get("content-md5", ""), headers.get("content-type", ""), date,
                      canonical + resource])


def hmac_sha1_b64(secret: str, text: str) -> str:
    """Base64 HMAC-SHA1: the header V1 signature and the PostObject V1 `Signature`."""
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()).decode()


def v4_post_signature(secret: str, day: str, region: str, policy_b64: str) -> str:
    """PostObject V4: hex HMAC-SHA256 of the Base64 policy under the day/region/oss signing key."""
    signing_key = hmac.new(b"aliyun_v4" + secret.encode(), day.encode(), hashlib.sha256).digest()
    for scope in (region, "oss", "aliyun_v4_request"):
        signing_key = hmac.new(signing_key, scope.encode(), hashlib.sha256).digest()
    return hmac.new(signing_key, policy_b64.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())

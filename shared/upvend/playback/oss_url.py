"""Presigned OSS GET URLs: signature V4 in the query (default) or V1 (`OSSAccessKeyId`/`Expires`/`Signature`).

V4 follows the OSS API reference "Include a V4 signature in a URL": the canonical
request is VERB, URI-encoded `/<bucket>/<key>`, the sorted query (every
parameter but `x-oss-signature`), the canonical headers (none here), the
additional headers (none), and `UNSIGNED-PAYLOAD`; the signing key is the one
PostObject V4 uses. V1 signs `GET\\n\\n\\n<Expires>\\n/<bucket>/<key>[?subresources]`.
A temporary key's token travels as `x-oss-security-token` (V4) or
`security-token` (V1, a signed sub-resource). `x-oss-process` (image
processing) is signed like any other parameter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timezone
from urllib.parse import quote

V4_ALGORITHM = "OSS4-HMAC-SHA256"
MAX_V4_EXPIRES = 7 * 24 * 3600


def _encode(text: str, safe: str = "-_.~") -> str:
    return quote(text, safe=safe)


def v4_signing_key(secret: str, day: str, region: str) -> bytes:
    key = hmac.new(b"aliyun_v4" + secret.encode(), day.encode(), hashlib.sha256).digest()
    for scope in (region, "oss", "aliyun_v4_request"):
        key = hmac.new(key, scope.encode(), hashlib.sha256).digest()
    return key


def v4_canonical_query(params: dict[str, str]) -> str:
    """Sorted, encoded `k=v` pairs (a bare `k` for an empty value)."""
    pairs = sorted((_encode(k), _encode(v)) for k, v in params.items())
    return "&".join(f"{k}={v}" if v else k for k, v in pairs)


def v4_string_to_sign(method: str, bucket: str, key: str, params: dict[str, str], stamp: str, scope: str) -> str:
    """The string a V4 query signature signs, for `params` without `x-oss-signature`."""
    canonical = "\n".join([method.upper(), _encode(f"/{bucket}/{key}", safe="/-_.~"), v4_canonical_query(params),
                           "", "", "UNSIGNED-PAYLOAD"])
    return "\n".join([V4_ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])


def presign_v4(base_url: str, bucket: str, key: str, *, access_key_id: str, secret: str, region: str,
               now: datetime, expires_in: int, security_token: str | None = None,
               process: str | None = None) -> str:
    """A GET URL for `<base_url>/<key>` valid `expires_in` seconds from `now` (UTC)."""
    if not 1 <= expires_in <= MAX_V4_EXPIRES:
        raise ValueError("expires_in must be 1 s to 7 days")
    now = now.astimezone(timezone.utc)
    day, stamp = now.strftime("%Y%m%d"), now.strftime("%Y%m%dT%H%M%SZ")
    scope = f"{day}/{region}/oss/aliyun_v4_request"
    params = {"x-oss-signature-version": V4_ALGORITHM, "x-oss-credential": f"{access_key_id}/{scope}",
              "x-oss-date": stamp, "x-oss-expires": str(expires_in)}
    if security_token:
        params["x-oss-security-token"] = security_token
    if process:
        params["x-oss-process"] = process
    signature = hmac.new(v4_signing_key(secret, day, region),
                         v4_string_to_sign("GET", bucket, key, params, stamp, scope).encode(),
                         hashlib.sha256).hexdigest()
    query = v4_canonical_query({**params, "x-oss-signature": signature})
    return f"{base_url.rstrip('/')}/{_encode(key, safe='/-_.~')}?{query}"


def v1_string_to_sign(method: str, expires: int, bucket: str, key: str, subresources: dict[str, str]) -> str:
    resource = f"/{bucket}/{key}"
    if subresources:
        resource += "?" + "&".join(f"{k}={v}" if v else k for k, v in sorted(subresources.items()))
    return f"{method.upper()}\n\n\n{expires}\n{resource}"


def presign_v1(base_url: str, bucket: str, key: str, *, access_key_id: str, secret: str, expires: int,
               security_token: str | None = None, process: str | None = None) -> str:
    """A GET URL for `<base_url>/<key>` valid until the Unix time `expires`."""
    subresources: dict[str, str] = {}
    if security_token:
        subresources["security-token"] = security_token
    if process:
        subresources["x-oss-process"] = process
    signature = base64.b64encode(hmac.new(secret.encode(), v1_string_to_sign("GET", expires, bucket, key,
                                                                               subresources).encode(),
                                          hashlib.sha1).digest()).decode()
    params = {"OSSAccessKeyId": access_key_id, "Expires": str(expires), "Signature": signature, **subresources}
    query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in params.items())
    return f"{base_url.rstrip('/')}/{_encode(key, safe='/-_.~')}?{query}"

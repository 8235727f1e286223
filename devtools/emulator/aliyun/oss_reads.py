"""Who may read an emulated OSS object: presigned URLs (V4 or V1 in the query), header-signed GETs, or
type-A-signed URLs on the VOD storage bucket (VOD's distribution domain).

Buckets are private, as real upload buckets are: an unsigned GET answers 403
AccessDenied; an expired URL `AccessDenied` ("Request has expired"); an altered
one `SignatureDoesNotMatch`. `x-oss-process` is accepted and answers the
original image (the emulator does no image processing).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from datetime import datetime, timezone
from typing import Any, Mapping
from urllib.parse import quote

from devtools.emulator.aliyun.keys import AccessKey
from devtools.emulator.aliyun.oss_errors import OssError
from devtools.emulator.aliyun.oss_signature import hmac_sha1_b64, same, v1_canonical_resource, \
    v1_header_string_to_sign
from devtools.emulator.cdn_url_auth import UrlAuthFailed, check_type_a

_V4 = "OSS4-HMAC-SHA256"


def _expired() -> OssError:
    return OssError("AccessDenied", "Request has expired.", 403)


def _mismatch() -> OssError:
    return OssError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                                             "you provided.", 403)


def _v4_key(secret: str, day: str, region: str) -> bytes:
    key = hmac.new(("aliyun_v4" + secret).encode(), day.encode(), hashlib.sha256).digest()
    for part in (region, "oss", "aliyun_v4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _v4_query(params: Mapping[str, str]) -> str:
    encoded = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in params.items())
    return "&".join(f"{k}={v}" if v else k for k, v in encoded)


def _check_v4(keys: Any, method: str, bucket: str, key: str, query: Mapping[str, str]) -> AccessKey:
    credential = query.get("x-oss-credential", "").split("/")
    stamp, expires = query.get("x-oss-date", ""), query.get("x-oss-expires", "")
    if len(credential) != 5 or credential[3:] != ["oss", "aliyun_v4_request"] or not expires.isdigit():
        raise OssError("InvalidArgument", "x-oss-credential or x-oss-expires is malformed.", 400)
    try:
        signed_at = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        raise OssError("InvalidArgument", "x-oss-date is malformed.", 400) from None
    if time.time() > signed_at + int(expires):
        raise _expired()
    access = keys.authenticate(credential[0], query.get("x-oss-security-token"))
    if credential[1] != stamp[:8]:
        raise _mismatch()
    params = {k: v for k, v in query.items() if k != "x-oss-signature"}
    canonical = "\n".join([method, quote(f"/{bucket}/{key}", safe="/-_.~"), _v4_query(params), "", "",
                           "UNSIGNED-PAYLOAD"])
    scope = "/".join(credential[1:])
    to_sign = "\n".join([_V4, stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    expected = hmac.new(_v4_key(access.secret, credential[1], credential[2]), to_sign.encode(),
                        hashlib.sha256).hexdigest()
    if not same(expected, query.get("x-oss-signature", "")):
        raise _mismatch()
    return access


def _check_v1_query(keys: Any, method: str, bucket: str, key: str, query: Mapping[str, str]) -> AccessKey:
    expires = query.get("Expires", "")
    if not re.fullmatch(r"\d{1,12}", expires):
        raise OssError("InvalidArgument", "Expires is malformed.", 400)
    if time.time() > int(expires):
        raise _expired()
    access = keys.authenticate(query.get("OSSAccessKeyId", ""), query.get("security-token"))
    to_sign = f"{method}\n\n\n{expires}\n{v1_canonical_resource(bucket, key, query)}"
    if not same(hmac_sha1_b64(access.secret, to_sign), query.get("Signature", "")):
        raise _mismatch()
    return access


def _check_v1_header(keys: Any, method: str, bucket: str, key: str, query: Mapping[str, str],
                     headers: Mapping[str, str]) -> AccessKey:
    key_id, _, signature = headers["authorization"][4:].partition(":")
    access = keys.authenticate(key_id, headers.get("x-oss-security-token"))
    to_sign = v1_header_string_to_sign(method, headers, v1_canonical_resource(bucket, key, query))
    if not same(hmac_sha1_b64(access.secret, to_sign), signature):
        raise _mismatch()
    return access


def authorize_read(state: Any, method: str, bucket: str, key: str, url_path: str, query: Mapping[str, str],
                   headers: Mapping[str, str], config: Any) -> None:
    """Raise OssError unless this GET/HEAD may read `bucket/key`.

    `url_path` is the request path as sent (what type A signs); `headers` have lowercase names.
    """
    if bucket == state.dev.vod_bucket and config.aliyun_vod_play_auth_key:
        try:
            check_type_a(url_path, query, config.aliyun_vod_play_auth_key, config.aliyun_vod_play_auth_validity)
        except UrlAuthFailed as exc:
            raise OssError("AccessDenied", f"URL authentication failed: {exc}.", 403) from None
        return
    signed_as = method
    if query.get("x-oss-signature-version") == _V4:
        access = _check_v4(state.keys, signed_as, bucket, key, query)
    elif "OSSAccessKeyId" in query:
        access = _check_v1_query(state.keys, signed_as, bucket, key, query)
    elif headers.get("authorization", "").startswith("OSS "):
        access = _check_v1_header(state.keys, signed_as, bucket, key, query, headers)
    else:
        raise OssError("AccessDenied", "You have no right to access this object because of bucket acl.", 403)
    if not access.allows("oss:GetObject", f"acs:oss:*:*:{bucket}/{key}"):
        raise OssError("AccessDenied", "You have no right to access this object because of the session policy "
                                       "of your temporary credentials.", 403)

"""Presigned COS GET URLs: the COS request signature carried in the query.

Follows the COS API reference "Request signature": SignKey = HMAC-SHA1(SecretKey,
KeyTime); HttpString = `get\\n<path>\\n<params>\\n<headers>\\n` with the signed
parameters and headers as lowercased, encoded, sorted `k=v` pairs;
StringToSign = `sha1\\n<KeyTime>\\n<sha1(HttpString)>\\n`. The `host` header is
signed, so the URL only works on that bucket host; an image-processing
parameter (`imageMogr2/...`) is signed with an empty value. A temporary key's
token travels as `x-cos-security-token`.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote, urlsplit


def _encode(text: str) -> str:
    return quote(text.encode("utf-8"), safe="-_.~")


def _pairs(items: dict[str, str]) -> tuple[str, str]:
    # Keys are encoded, then lowercased (`%2F` becomes `%2f`); values are only encoded.
    encoded = sorted((_encode(k).lower(), _encode(v)) for k, v in items.items())
    return "&".join(f"{k}={v}" for k, v in encoded), ";".join(k for k, _ in encoded)


def _hmac_sha1_hex(key: str, msg: str) -> str:
    return hmac.new(key.encode(), msg.encode(), hashlib.sha1).hexdigest()


def request_signature(secret_key: str, key_time: str, method: str, path: str, params: dict[str, str],
                      headers: dict[str, str]) -> str:
    """q-signature over the given parameters and headers; `path` is the decoded URI path."""
    http_params, _ = _pairs(params)
    http_headers, _ = _pairs(headers)
    http_string = f"{method.lower()}\n{path}\n{http_params}\n{http_headers}\n"
    string_to_sign = f"sha1\n{key_time}\n{hashlib.sha1(http_string.encode()).hexdigest()}\n"
    return _hmac_sha1_hex(_hmac_sha1_hex(secret_key, key_time), string_to_sign)


def presign_get(base_url: str, key: str, *, secret_id: str, secret_key: str, start: int, end: int,
                security_token: str | None = None, process: str | None = None) -> str:
    """A GET URL for `<base_url>/<key>` valid from `start` to `end` (Unix seconds)."""
    key_time = f"{start};{end}"
    path = "/" + key
    params = {process: ""} if process else {}
    headers = {"host": urlsplit(base_url).netloc}
    signature = request_signature(secret_key, key_time, "get", path, params, headers)
    auth = {"q-sign-algorithm": "sha1", "q-ak": secret_id, "q-sign-time": key_time, "q-key-time": key_time,
            "q-header-list": _pairs(headers)[1], "q-url-param-list": _pairs(params)[1], "q-signature": signature}
    query = [_encode(process).replace("%2F", "/")] if process else []
    query += [f"{k}={_encode(v).replace('%3B', ';')}" for k, v in auth.items()]
    if security_token:
        query.append(f"x-cos-security-token={_encode(security_token)}")
    return f"{base_url.rstrip('/')}/{quote(key, safe='/-_.~')}?{'&'.join(query)}"

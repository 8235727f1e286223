"""The emulated VOD distribution domains' URL signing: Aliyun type A and Tencent Key hotlink protection.

Both answer 403 for a missing, altered or expired signature, as the CDN nodes do.
Aliyun type A (CDN doc "Type A signing"): `auth_key=<timestamp>-<rand>-<uid>-<md5>`,
md5 of `<path>-<timestamp>-<rand>-<uid>-<key>`, valid until timestamp + the
configured validity. Tencent (VOD doc "Key hotlink protection"): `t`, optional
`exper`/`rlimit`, `us`, `sign` = md5(KEY + Dir + t + exper + rlimit + us), valid
until t plus 300 s of tolerance.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from typing import Mapping

TENCENT_TOLERANCE_SECONDS = 300


class UrlAuthFailed(Exception):
    """The request's URL signature is missing, wrong or expired."""


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()  # noqa: S324


def type_a_url(url: str, path: str, key: str, timestamp: int) -> str:
    """`url` (no query) with an auth_key for `path`, as the VOD domain signs the URLs its APIs answer."""
    rand = secrets.token_hex(16)
    return f"{url}?auth_key={timestamp}-{rand}-0-{_md5(f'{path}-{timestamp}-{rand}-0-{key}')}"


def check_type_a(path: str, query: Mapping[str, str], key: str, validity: int, now: float | None = None) -> None:
    """Raise UrlAuthFailed unless `auth_key` signs `path` with `key` and has not expired."""
    match = re.fullmatch(r"(\d{1,12})-([^-]+)-([^-]+)-([0-9a-f]{32})", query.get("auth_key", ""))
    if not match:
        raise UrlAuthFailed("auth_key is missing or malformed")
    timestamp, rand, uid, digest = match.groups()
    if (time.time() if now is None else now) > int(timestamp) + validity:
        raise UrlAuthFailed("the signed URL has expired")
    if not hmac.compare_digest(_md5(f"{path}-{timestamp}-{rand}-{uid}-{key}"), digest):
        raise UrlAuthFailed("auth_key does not match")


def check_key_hotlink(path: str, query: Mapping[str, str], key: str, now: float | None = None) -> None:
    """Raise UrlAuthFailed unless `sign` covers the path's directory and the parameters, and t has not passed."""
    t_hex, sign = query.get("t", ""), query.get("sign", "")
    if not re.fullmatch(r"[0-9a-f]{1,16}", t_hex) or not re.fullmatch(r"[0-9a-f]{32}", sign):
        raise UrlAuthFailed("t or sign is missing or malformed")
    if (time.time() if now is None else now) > int(t_hex, 16) + TENCENT_TOLERANCE_SECONDS:
        raise UrlAuthFailed("the signed URL has expired")
    directory = path[:path.rfind("/") + 1]
    expected = _md5(key + directory + t_hex + query.get("exper", "") + query.get("rlimit", "") + query.get("us", ""))
    if not hmac.compare_digest(expected, sign):
        raise UrlAuthFailed("sign does not match")

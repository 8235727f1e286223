"""The VOD client upload signature, checked as VOD checks it: HMAC, times, limits, application."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from urllib.parse import parse_qsl

from devtools.emulator.tencent.keys import KeyRing, policy_allows

MAX_VALIDITY_SECONDS = 7_776_000
MAX_FUTURE_SKEW_SECONDS = 300


class UgcSignatureError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def verify_ugc_signature(signature: str, keys: KeyRing, sub_app_id: int, now: float | None = None) -> dict[str, str]:
    """Return the signature's parameters, or raise UgcSignatureError saying why VOD refuses it."""
    now = time.time() if now is None else now
    try:
        raw = base64.b64decode(signature.strip(), validate=True)
        original = raw[20:].decode("utf-8")
        params = dict(parse_qsl(original, keep_blank_values=True, strict_parsing=True))
    except (binascii.Error, ValueError):
        raise UgcSignatureError(10002, "malformed signature") from None
    if len(raw) <= 20 or not {"secretId", "currentTimeStamp", "expireTime", "random"} <= set(params):
        raise UgcSignatureError(10002, "secretId, currentTimeStamp, expireTime and random are required")
    key = keys.get(params["secretId"])
    if key is None or key.token is not None:
        # A signature has no room for a session token, so only permanent keys can sign.
        raise UgcSignatureError(10006, "secretId is not a permanent key of this account")
    expected = hmac.new(key.secret_key.encode("utf-8"), raw[20:], hashlib.sha1).digest()
    if not hmac.compare_digest(expected, raw[:20]):
        raise UgcSignatureError(10006, "HMAC does not match")
    if not policy_allows(key.policy, "name/vod:ApplyUpload", "*"):
        raise UgcSignatureError(10006, "the signing key may not upload to VOD")
    try:
        start, end, random = int(params["currentTimeStamp"]), int(params["expireTime"]), int(params["random"])
    except ValueError:
        raise UgcSignatureError(10002, "currentTimeStamp, expireTime and random must be integers") from None
    if not 0 <= random <= 2**32 - 1:
        raise UgcSignatureError(10002, "random must be an unsigned 32-bit integer")
    if end - start > MAX_VALIDITY_SECONDS:
        raise UgcSignatureError(10007, "validity exceeds 90 days")
    if start > now + MAX_FUTURE_SKEW_SECONDS:
        raise UgcSignatureError(10007, "currentTimeStamp is in the future")
    if end <= now:
        raise UgcSignatureError(10007, "signature expired")
    app = params.get("vodSubAppId", "")
    if app not in ("", "0", str(sub_app_id)):
        raise UgcSignatureError(10009, "vodSubAppId is not an application of this account")
    return params

"""The RPC ("POP v1") signature: HMAC-SHA1 over the sorted, percent-encoded parameters."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Mapping
from urllib.parse import quote


def percent_encode(text: str) -> str:
    """RFC 3986 encoding over UTF-8: keep A-Z a-z 0-9 - _ . ~, uppercase hex for the rest."""
    return quote(text, safe="-_.~")


def rpc_string_to_sign(method: str, params: Mapping[str, str]) -> str:
    """`METHOD&%2F&enc(canonicalized query)` over every parameter except `Signature`."""
    pairs = sorted((k, v) for k, v in params.items() if k != "Signature")
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in pairs)
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical)}"


def rpc_signature(secret: str, string_to_sign: str) -> str:
    """Base64 HMAC-SHA1 with key `secret + "&"`."""
    digest = hmac.new((secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def rpc_signature_valid(secret: str, method: str, params: Mapping[str, str]) -> bool:
    """Whether `params["Signature"]` is the signature of the request under `secret`."""
    expected = rpc_signature(secret, rpc_string_to_sign(method, params))
    return hmac.compare_digest(expected.encode(), str(params.get("Signature", "")).encode())

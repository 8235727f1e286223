"""Compact JWS tokens signed with HMAC-SHA256 only (RFC 7515/7519), for upvend's own session tokens.

The algorithm is pinned: a header naming anything but HS256 (`none`, HS512, RS256 ...) is refused before
any signature work, so no key confusion is possible. The signature is compared in constant time over its
canonical base64url text, and the payload is read only after it verified. Time claims follow RFC 7519
§4.1.4-4.1.6 with a leeway both ways, the way PyJWT applies them.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from typing import Any

ALGORITHM = "HS256"
MAX_TOKEN_CHARS = 4096  # our tokens are ~200 characters; anything far longer is not one of them
_SEGMENT = re.compile(r"[A-Za-z0-9_-]*")
_HEADER = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
_HEADER_TEXT = _HEADER.decode("ascii")  # the header every token this layer signs carries


class TokenRefused(ValueError):
    """The token is not valid; `reason` is a short machine-readable word (invalid, claims, issuer ...)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class TokenExpired(TokenRefused):
    def __init__(self) -> None:
        super().__init__("expired", "The token has expired.")


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _unb64(segment: str) -> bytes:
    if not _SEGMENT.fullmatch(segment) or len(segment) % 4 == 1:
        raise TokenRefused("invalid", "The token is invalid.")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise TokenRefused("invalid", "The token is invalid.") from None


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise TokenRefused("invalid", "The token is invalid.") from None
    if not isinstance(value, dict):
        raise TokenRefused("invalid", "The token is invalid.")
    return value


def _signature(key: bytes, signing_input: bytes) -> bytes:
    return _b64(hmac.digest(key, signing_input, "sha256"))


def sign(claims: dict[str, Any], key: str) -> str:
    """A compact HS256 JWS of `claims`."""
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = _HEADER + b"." + payload
    return (signing_input + b"." + _signature(key.encode(), signing_input)).decode("ascii")


def _numeric_date(claims: dict[str, Any], name: str) -> float:
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TokenRefused("invalid", f"The token's '{name}' claim is not a number.")
    return value


def verify(token: str, key: str, *, now: float, leeway: float, issuer: str,
           required: tuple[str, ...] = ("sub", "iat", "exp", "iss")) -> dict[str, Any]:
    """The claims of a valid token, or TokenRefused (TokenExpired past `exp` + `leeway`)."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
        raise TokenRefused("invalid", "The token is invalid.")
    header_b64, payload_b64, signature_b64 = token.split(".")
    if header_b64 != _HEADER_TEXT:  # our own header says HS256 and nothing else; any other is read and judged
        header = _json_object(_unb64(header_b64))
        if header.get("alg") != ALGORITHM or "crit" in header:  # pinned: no algorithm or extension is negotiated
            raise TokenRefused("invalid", "The token is invalid.")
    payload = _unb64(payload_b64)
    _unb64(signature_b64)  # well-formed base64url, then compared as canonical text
    expected = _signature(key.encode(), f"{header_b64}.{payload_b64}".encode("ascii"))
    if not hmac.compare_digest(expected, signature_b64.encode("ascii")):
        raise TokenRefused("invalid", "The token is invalid.")
    claims = _json_object(payload)
    for name in required:
        if name not in claims:
            raise TokenRefused("claims", f"The token lacks the '{name}' claim.")
    if "sub" in claims and not isinstance(claims["sub"], str):
        raise TokenRefused("invalid", "The token is invalid.")
    if "iat" in claims and _numeric_date(claims, "iat") > now + leeway:
        raise TokenRefused("invalid", "The token was issued in the future.")
    if "nbf" in claims and _numeric_date(claims, "nbf") > now + leeway:
        raise TokenRefused("invalid", "The token is not valid yet.")
    if "exp" in claims and _numeric_date(claims, "exp") <= now - leeway:
        raise TokenExpired()
    if claims.get("iss") != issuer:
        raise TokenRefused("issuer", "The token was not issued by upvend.")
    if "aud" in claims:  # ours carry none; a token meant for some audience is not a session token
        raise TokenRefused("invalid", "The token is invalid.")
    return claims

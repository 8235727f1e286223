"""Session tokens: HS256 JWTs with `sub`, `iat`, `exp` and `iss` = upvend."""

from __future__ import annotations

import time
from typing import Any, Mapping

from upvend import settings
from upvend.errors import Unauthorized
from upvend.jwt_hs256 import TokenExpired, TokenRefused, sign, verify
from upvend.user_ids import is_user_id

ISSUER = "upvend"
_LEEWAY_SECONDS = 30


def issue_token(subject: str, *, now: float | None = None) -> tuple[str, int]:
    """Sign a session token for `subject`; returns (token, lifetime in seconds)."""
    if not is_user_id(subject):
        raise ValueError("a session subject must be 1 to 64 letters, digits, '-' or '_'")
    ttl = settings.get("JWT_TTL_SECONDS")
    issued = int(now if now is not None else time.time())
    claims = {"sub": subject, "iat": issued, "exp": issued + ttl, "iss": ISSUER}
    return sign(claims, settings.get("JWT_SECRET")), ttl


def _challenge(error: str, description: str) -> dict[str, str]:
    return {"WWW-Authenticate": f'Bearer realm="upvend", error="{error}", error_description="{description}"'}


def verify_token(token: str) -> dict[str, Any]:
    """Verify a session token and return its claims, or raise Unauthorized."""
    try:
        claims = verify(token, settings.get("JWT_SECRET"), now=time.time(), leeway=_LEEWAY_SECONDS, issuer=ISSUER)
    except TokenExpired as exc:
        raise Unauthorized(str(exc), code="token_expired", headers=_challenge("invalid_token", "expired")) from None
    except TokenRefused as exc:
        raise Unauthorized(str(exc), code="token_invalid", headers=_challenge("invalid_token", exc.reason)) from None
    if not is_user_id(claims.get("sub")):
        raise Unauthorized("The token subject is invalid.", code="token_invalid",
                           headers=_challenge("invalid_token", "subject"))
    return claims


def authenticate(headers: Mapping[str, str]) -> str:
    """Return the caller's user id from `Authorization: Bearer <JWT>` (case-insensitive lookup)."""
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    if not value:
        raise Unauthorized("Missing Authorization: Bearer token.", code="token_missing")
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization must use the Bearer scheme.", code="token_missing",
                           headers=_challenge("invalid_request", "scheme"))
    return verify_token(token.strip())["sub"]

"""Session tokens: HS256 JWTs with `sub`, `iat`, `exp` and `iss` = upvend."""

from __future__ import annotations

import sys
import time
from types import ModuleType
from typing import Any, Mapping


def _pyjwt_without_cryptography() -> ModuleType:
    """Import PyJWT without its optional `cryptography` backend.

    Session tokens are HS256, which PyJWT signs and verifies with hmac alone;
    loading the RSA/EC backends would add tens of milliseconds to every cold
    start. PyJWT treats a missing `cryptography` as "not installed". Modules
    that need cryptography (OSS callback verification) still import it later.
    """
    if "jwt" in sys.modules or "cryptography" in sys.modules:
        import jwt
        return jwt
    sys.modules["cryptography"] = None  # type: ignore[assignment]  # import-time only, single-threaded
    try:
        import jwt
    finally:
        if sys.modules.get("cryptography", ...) is None:
            del sys.modules["cryptography"]
    return jwt


jwt = _pyjwt_without_cryptography()

from upvend import settings
from upvend.errors import Unauthorized
from upvend.user_ids import is_user_id

ISSUER = "upvend"
ALGORITHM = "HS256"
_LEEWAY_SECONDS = 30


def issue_token(subject: str, *, now: float | None = None) -> tuple[str, int]:
    """Sign a session token for `subject`; returns (token, lifetime in seconds)."""
    if not is_user_id(subject):
        raise ValueError("a session subject must be 1 to 64 letters, digits, '-' or '_'")
    ttl = settings.get("JWT_TTL_SECONDS")
    issued = int(now if now is not None else time.time())
    claims = {"sub": subject, "iat": issued, "exp": issued + ttl, "iss": ISSUER}
    return jwt.encode(claims, settings.get("JWT_SECRET"), algorithm=ALGORITHM), ttl


def _challenge(error: str, description: str) -> dict[str, str]:
    return {"WWW-Authenticate": f'Bearer realm="upvend", error="{error}", error_description="{description}"'}


def verify_token(token: str) -> dict[str, Any]:
    """Verify a session token and return its claims, or raise Unauthorized."""
    try:
        claims = jwt.decode(
            token,
            settings.get("JWT_SECRET"),
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            leeway=_LEEWAY_SECONDS,
            options={"require": ["sub", "iat", "exp", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The token has expired.", code="token_expired",
                           headers=_challenge("invalid_token", "expired")) from None
    except jwt.InvalidIssuerError:
        raise Unauthorized("The token was not issued by upvend.", code="token_invalid",
                           headers=_challenge("invalid_token", "issuer")) from None
    except jwt.MissingRequiredClaimError as exc:
        raise Unauthorized(f"The token lacks the '{exc.claim}' claim.", code="token_invalid",
                           headers=_challenge("invalid_token", "claims")) from None
    except jwt.InvalidTokenError:
        raise Unauthorized("The token is invalid.", code="token_invalid",
                           headers=_challenge("invalid_token", "invalid")) from None
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

"""TC3-HMAC-SHA256 (Tencent Cloud API 3.0) signatures, computed the way the server checks them."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timezone

ALGORITHM = "TC3-HMAC-SHA256"
_AUTH_RE = re.compile(r"^TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([a-z0-9]+)/tc3_request, "
                      r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$")


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def canonical_request(method: str, uri: str, query: str, headers: dict[str, str], signed_headers: list[str],
                      payload: bytes) -> str:
    """METHOD, URI, query, `name:value` lines (both lowercased), signed names, hex(sha256(payload))."""
    lines = "".join(f"{name}:{headers.get(name, '').strip().lower()}\n" for name in signed_headers)
    return "\n".join([method.upper(), uri, query, lines, ";".join(signed_headers),
                      hashlib.sha256(payload).hexdigest()])


def signing_key(secret_key: str, date: str, service: str) -> bytes:
    """kSigning = HMAC chain over ("TC3" + key) → date → service → "tc3_request"."""
    return _hmac(_hmac(_hmac(("TC3" + secret_key).encode("utf-8"), date), service), "tc3_request")


def string_to_sign(timestamp: int, date: str, service: str, canonical: str) -> str:
    scope = f"{date}/{service}/tc3_request"
    return f"{ALGORITHM}\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def tc3_signature(secret_key: str, timestamp: int, service: str, canonical: str) -> str:
    """hex(HMAC-SHA256(kSigning, StringToSign)); the date is the UTC date of `timestamp`."""
    date = datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d")
    return hmac.new(signing_key(secret_key, date, service), string_to_sign(timestamp, date, service, canonical)
                    .encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Tc3Authorization:
    secret_id: str
    date: str
    service: str
    signed_headers: list[str]
    signature: str


def parse_authorization(value: str) -> Tc3Authorization | None:
    """The parts of an `Authorization: TC3-HMAC-SHA256 ...` header, or None if it has another shape."""
    match = _AUTH_RE.match(value.strip())
    if not match:
        return None
    secret_id, date, service, signed, signature = match.groups()
    return Tc3Authorization(secret_id, date, service, signed.split(";"), signature)

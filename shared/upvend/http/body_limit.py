"""A function's request body limit, enforced on the platform event before the body is decoded.

FC hands the handler the whole HTTP event as JSON bytes, with a base64 body for
binary content; SCF hands it as a dict. Decoding a 32 MiB body (and the copies
the ASGI adapter makes of it) would cost several times its size in memory, so
the limit is checked first on what the event declares: the raw event's length,
then the Content-Length header and the body string's length before base64
decoding. `template.yaml` sets each function's limit (`max_body_bytes`), which
reaches the function as UPVEND_MAX_BODY_BYTES.
"""

from __future__ import annotations

from typing import Any

from upvend import settings
from upvend.errors import PayloadTooLarge

DEFAULT_MAX_BODY_BYTES = 64 * 1024
MOST_BODY_BYTES = 32 * 1024 * 1024  # FC's own limit for a synchronous HTTP request
# JSON escapes a body byte in at most 6 characters (\u00XX); headers, query and context fit in this.
_JSON_ESCAPE_FACTOR = 6
_EVENT_ENVELOPE_BYTES = 64 * 1024

settings.declare("MAX_BODY_BYTES", settings.int_between(0, MOST_BODY_BYTES), DEFAULT_MAX_BODY_BYTES,
                 doc="Largest request body the function accepts, in bytes (from `max_body_bytes` in "
                     "template.yaml, default 64 KiB); larger requests get 413 before the body is decoded.")


def body_limit() -> int:
    """This function's body limit in bytes."""
    return settings.get("MAX_BODY_BYTES")


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body exceeds {limit} bytes.", details={"maxBodyBytes": limit})


def raw_event_oversize(event: Any, limit: int) -> PayloadTooLarge | None:
    """For an FC event (JSON bytes or text) too long to hold a body within `limit`: the error, before parsing."""
    if isinstance(event, (bytes, bytearray, str)) and len(event) > limit * _JSON_ESCAPE_FACTOR + _EVENT_ENVELOPE_BYTES:
        return _too_large(limit)
    return None


def _base64_length(text: str | bytes) -> int:
    """The decoded length of base64 `text` (padding accounted for), without decoding it."""
    stripped = text.rstrip("=" if isinstance(text, str) else b"=")
    return len(stripped) * 3 // 4


def _content_length(headers: Any) -> str:
    if not isinstance(headers, dict):
        return ""
    value = next((v for k, v in headers.items() if str(k).lower() == "content-length"), "")
    return str((value or [""])[0] if isinstance(value, list) else value or "").strip()


def declared_body_oversize(event: dict[str, Any], limit: int) -> PayloadTooLarge | None:
    """For a parsed HTTP event whose Content-Length or body string says the body exceeds `limit`: the error."""
    declared = _content_length(event.get("headers"))
    if declared.isascii() and declared.isdigit() and (len(declared) > 15 or int(declared) > limit):
        return _too_large(limit)
    body = event.get("body")
    if not isinstance(body, (str, bytes)):
        return None
    size = _base64_length(body) if event.get("isBase64Encoded") else len(body)  # characters: a lower bound
    return _too_large(limit) if size > limit else None

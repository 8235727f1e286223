"""Binding a pinned OSS upload callback to one bucket, object key and owner with a server-keyed HMAC.

OSS's RSA signature only proves that *some* upload made the callback; the body is
whatever template the uploader's `callback` parameter held. So every callback the
server pins into a credential (a PostObject policy, a VOD form) carries, as a
literal, `uid=<owner>&binding=<HMAC(key, bucket, object key, owner)>` next to OSS's
own `${bucket}` and `${object}`. A callback whose binding does not match the
bucket and object OSS filled in was not pinned by this server for that object.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote

from upvend import settings
from upvend.errors import Forbidden


def _binding_key(raw: str) -> bytes:
    if len(raw.encode()) < 32:
        raise ValueError("must be at least 32 bytes")
    return raw.encode()


settings.declare("ALIYUN_OSS_CALLBACK_KEY", _binding_key, secret=True,
                 doc="HMAC key binding each pinned OSS upload callback to its bucket, object key and owner "
                     "(at least 32 bytes; needed with UPVEND_ALIYUN_OSS_CALLBACK_URL).")
settings.declare("ALIYUN_OSS_CALLBACK_KEY_PREVIOUS", lambda raw: _binding_key(raw) if raw else b"", b"",
                 secret=True, doc="The previous binding key, still accepted while rotating.")

BINDING_FIELD = "binding"
OWNER_FIELD = "uid"
_CONTEXT = b"upvend-oss-callback-v1"


def callback_binding(bucket: str, key: str, owner: str, secret: bytes | None = None) -> str:
    """Base64url HMAC-SHA256 over bucket, object key and owner (length-prefixed, so no field can bleed)."""
    secret = secret if secret is not None else settings.get("ALIYUN_OSS_CALLBACK_KEY")
    message = _CONTEXT + b"".join(len(part).to_bytes(4, "big") + part
                                  for part in (p.encode("utf-8", "surrogatepass") for p in (bucket, key, owner)))
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def pinned_callback_fields(bucket: str, key: str, owner: str) -> str:
    """The literal to append to a form-encoded callback body template: `&uid=...&binding=...`."""
    return (f"&{OWNER_FIELD}={quote(owner, safe='')}"
            f"&{BINDING_FIELD}={callback_binding(bucket, key, owner)}")


def verify_callback_binding(bucket: str, key: str, owner: str | None, binding: str | None) -> None:
    """Raise Forbidden unless `binding` is this server's HMAC for (bucket, key, owner)."""
    if not binding or not owner:
        raise Forbidden("The callback was not pinned by this server (no binding).", code="callback_not_pinned")
    keys = [settings.get("ALIYUN_OSS_CALLBACK_KEY"), settings.get("ALIYUN_OSS_CALLBACK_KEY_PREVIOUS")]
    # Every candidate is compared, so the time taken does not tell which key matched.
    given = binding.encode("utf-8", "surrogatepass")
    matches = [hmac.compare_digest(callback_binding(bucket, key, owner, secret).encode(), given)
               for secret in keys if secret]
    if not any(matches):
        raise Forbidden("The callback binding does not match its bucket, object and owner.",
                        code="callback_binding_invalid")

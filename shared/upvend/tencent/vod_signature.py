"""VOD client upload signatures: base64(HMAC-SHA1(key, original) + original).

`original` is a query string in the order the parameters are written (no
sorting). The bytes that are signed are exactly the bytes that are appended.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote_plus

from upvend import settings
from upvend.errors import ValidationFailed
from upvend.tencent.config import VOD_MAX_VALIDITY_SECONDS

MAC_BYTES = 20
SOURCE_CONTEXT_MAX = 250


@dataclass(frozen=True)
class VodUploadGrant:
    """Everything a signature says, in signing order; optional parts left empty are omitted."""

    secret_id: str
    current_time: int
    expire_time: int
    random: int
    class_id: int = 0
    procedure: str = ""
    source_context: str = ""
    one_time_valid: int = 0
    vod_sub_app_id: int = 0
    storage_region: str = ""

    def pairs(self) -> list[tuple[str, str]]:
        pairs = [("secretId", self.secret_id), ("currentTimeStamp", str(self.current_time)),
                 ("expireTime", str(self.expire_time)), ("random", str(self.random))]
        optional = [("classId", self.class_id), ("procedure", self.procedure),
                    ("sourceContext", self.source_context), ("oneTimeValid", self.one_time_valid),
                    ("vodSubAppId", self.vod_sub_app_id), ("storageRegion", self.storage_region)]
        return pairs + [(name, str(value)) for name, value in optional if value]


def sign_original(original: str, secret_key: str) -> str:
    """The signature for an already formed `original` text."""
    text = original.encode("utf-8")
    mac = hmac.digest(secret_key.encode("utf-8"), text, "sha1")
    return base64.b64encode(mac + text).decode("ascii")


# Characters urlencode (quote_plus) leaves as they are; a value made only of them is written unchanged.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _quoted(text: str) -> str:
    return text if _UNRESERVED.fullmatch(text) else quote_plus(text)


def query_text(pairs: list[tuple[str, str]]) -> str:
    """`urlencode(pairs)`, without quoting the texts that need none (names, ids, numbers, regions, user ids)."""
    return "&".join(f"{_quoted(name)}={_quoted(value)}" for name, value in pairs)


def sign_grant(grant: VodUploadGrant, secret_key: str) -> str:
    """Sign a grant: URL-encode its pairs in order, then HMAC and append."""
    return sign_original(query_text(grant.pairs()), secret_key)


def upload_grant_for(user_id: str, *, now: int | None = None) -> VodUploadGrant:
    """The grant for `user_id` from the server's VOD settings; the caller chooses nothing."""
    if len(user_id) > SOURCE_CONTEXT_MAX:
        raise ValidationFailed(f"The user id is longer than the {SOURCE_CONTEXT_MAX} characters "
                               "a VOD sourceContext can carry.", code="user_id_too_long")
    current = int(time.time()) if now is None else now
    validity = min(settings.get("TENCENT_VOD_SIGNATURE_SECONDS"), VOD_MAX_VALIDITY_SECONDS)
    return VodUploadGrant(
        secret_id=settings.get("TENCENT_VOD_SECRET_ID"),
        current_time=current,
        expire_time=current + validity,
        random=secrets.randbits(32),
        class_id=settings.get("TENCENT_VOD_CLASS_ID"),
        procedure=settings.get("TENCENT_VOD_PROCEDURE"),
        source_context=user_id,
        one_time_valid=settings.get("TENCENT_VOD_ONE_TIME_VALID"),
        vod_sub_app_id=settings.get("TENCENT_VOD_SUB_APP_ID"),
        storage_region=settings.get("TENCENT_VOD_STORAGE_REGION"),
    )


class MalformedSignature(ValueError):
    """Not base64, too short, or the text after the MAC is not a UTF-8 query string."""


@dataclass(frozen=True)
class DecodedSignature:
    """A signature taken apart: the MAC, the signed text and its parameters in order."""

    mac: bytes
    original: str
    params: list[tuple[str, str]] = field(default_factory=list)

    def value(self, name: str) -> str | None:
        return next((v for k, v in self.params if k == name), None)

    def mac_matches(self, secret_key: str) -> bool:
        expected = hmac.new(secret_key.encode("utf-8"), self.original.encode("utf-8"), hashlib.sha1).digest()
        return hmac.compare_digest(expected, self.mac)


def decode_signature(signature: str) -> DecodedSignature:
    """Split a signature into MAC and original text; raise MalformedSignature when it cannot be."""
    text = signature.strip()
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise MalformedSignature("not valid base64 (was it URL-encoded or cut short?)") from None
    if len(raw) <= MAC_BYTES:
        raise MalformedSignature(f"only {len(raw)} bytes; a signature is a {MAC_BYTES}-byte HMAC plus text")
    try:
        original = raw[MAC_BYTES:].decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedSignature("the text after the HMAC is not UTF-8") from None
    try:
        params = parse_qsl(original, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise MalformedSignature("the text after the HMAC is not a query string") from None
    return DecodedSignature(raw[:MAC_BYTES], original, params)

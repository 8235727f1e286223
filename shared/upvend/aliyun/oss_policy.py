"""OSS PostObject form with a V4 (OSS4-HMAC-SHA256) signed policy, computed in-house.

The policy pins everything the server decides: bucket, exact key, size range,
Content-Type, success status, the security token and, when configured, the
upload callback. A client can change none of them without breaking the signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from upvend.aliyun.callback_binding import pinned_callback_fields
from upvend.aliyun.credentials import AliyunCredentials

SIGNATURE_VERSION = "OSS4-HMAC-SHA256"
SUCCESS_STATUS = "200"
# The OSS system variables of a pinned callback body (form-encoded; OSS URL-encodes the values).
CALLBACK_BODY_TEMPLATE = ("bucket=${bucket}&object=${object}&etag=${etag}&size=${size}&mimeType=${mimeType}"
                          "&imageInfo.height=${imageInfo.height}&imageInfo.width=${imageInfo.width}"
                          "&imageInfo.format=${imageInfo.format}")


def v4_signing_key(secret: str, day: str, region: str) -> bytes:
    """The derived key: HMAC chain over day, region, "oss" and "aliyun_v4_request"."""
    key = ("aliyun_v4" + secret).encode()
    for part in (day, region, "oss", "aliyun_v4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def v4_policy_signature(secret: str, day: str, region: str, policy_b64: str) -> str:
    """Lowercase hex HMAC-SHA256 of the Base64 policy text under the derived key."""
    return hmac.new(v4_signing_key(secret, day, region), policy_b64.encode(), hashlib.sha256).hexdigest()


def callback_param(callback_url: str, bucket: str, key: str, uploader: str) -> str:
    """The Base64 `callback` JSON: OSS's variables plus the owner and its binding, as literals.

    The literal binding (see callback_binding) ties the callback to this bucket, key and
    owner, so no other upload can present it for another object.
    """
    body = (CALLBACK_BODY_TEMPLATE + pinned_callback_fields(bucket, key, uploader))
    spec = {"callbackUrl": callback_url, "callbackBody": body,
            "callbackBodyType": "application/x-www-form-urlencoded"}
    return base64.b64encode(json.dumps(spec, separators=(",", ":")).encode()).decode()


@dataclass
class OssPostPolicy:
    """What one form upload may be; `form_fields()` signs it for the given credentials."""

    bucket: str
    key: str
    content_type: str
    max_bytes: int
    region: str
    expires_in: int
    callback: str | None = None
    min_bytes: int = 1  # the announced size, when the form must carry exactly that many bytes
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def expires_at(self) -> datetime:
        return self.now + timedelta(seconds=self.expires_in)

    def conditions(self, credential: str, date: str, token: str | None) -> list[Any]:
        conds: list[Any] = [
            {"bucket": self.bucket},
            ["eq", "$key", self.key],
            ["content-length-range", self.min_bytes, self.max_bytes],
            ["eq", "$Content-Type", self.content_type],
            {"success_action_status": SUCCESS_STATUS},
            {"x-oss-signature-version": SIGNATURE_VERSION},
            {"x-oss-credential": credential},
            {"x-oss-date": date},
        ]
        if token:
            conds.append({"x-oss-security-token": token})
        if self.callback:
            conds.append({"callback": self.callback})
        return conds

    def policy_document(self, credential: str, date: str, token: str | None) -> dict[str, Any]:
        expiration = self.expires_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return {"expiration": expiration, "conditions": self.conditions(credential, date, token)}

    def form_fields(self, credentials: AliyunCredentials) -> dict[str, str]:
        """The form fields to send before `file` (wx.uploadFile `formData`)."""
        now = self.now.astimezone(timezone.utc)
        day, date = now.strftime("%Y%m%d"), now.strftime("%Y%m%dT%H%M%SZ")
        credential = f"{credentials.access_key_id}/{day}/{self.region}/oss/aliyun_v4_request"
        document = self.policy_document(credential, date, credentials.security_token)
        policy = base64.b64encode(json.dumps(document, separators=(",", ":")).encode()).decode()
        fields = {
            "key": self.key,
            "policy": policy,
            "x-oss-signature-version": SIGNATURE_VERSION,
            "x-oss-credential": credential,
            "x-oss-date": date,
            "x-oss-signature": v4_policy_signature(credentials.access_key_secret, day, self.region, policy),
            "success_action_status": SUCCESS_STATUS,
            "Content-Type": self.content_type,
        }
        if credentials.security_token:
            fields["x-oss-security-token"] = credentials.security_token
        if self.callback:
            fields["callback"] = self.callback
        return fields

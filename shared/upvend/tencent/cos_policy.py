"""COS PostObject policies and their q-sign fields (its own signature, not the XML one).

SignKey = hex(HMAC-SHA1(SecretKey, KeyTime)); q-signature =
hex(HMAC-SHA1(SignKey, hex(SHA1(policy text)))). The policy text signed is
exactly the text that is Base64-encoded into the form's `policy` field.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any


def cos_sign_key(secret_key: str, key_time: str) -> str:
    """SignKey for a KeyTime `start;end`, as lowercase hex."""
    return hmac.new(secret_key.encode("utf-8"), key_time.encode("utf-8"), hashlib.sha1).hexdigest()


def post_object_signature(secret_key: str, key_time: str, policy_text: str) -> str:
    """q-signature of a PostObject policy text."""
    string_to_sign = hashlib.sha1(policy_text.encode("utf-8")).hexdigest()
    return hmac.new(cos_sign_key(secret_key, key_time).encode("ascii"), string_to_sign.encode("ascii"),
                    hashlib.sha1).hexdigest()


@dataclass(frozen=True)
class CosPostPolicy:
    """One upload's policy: exact key, bucket, size range, Content-Type and uploader metadata."""

    bucket: str
    key: str
    content_type: str
    max_bytes: int
    start: int
    expires: int
    meta: dict[str, str]

    @property
    def key_time(self) -> str:
        return f"{self.start};{self.expires}"

    def document(self, secret_id: str) -> dict[str, Any]:
        expiration = datetime.fromtimestamp(self.expires, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        conditions: list[Any] = [
            {"bucket": self.bucket},
            ["eq", "$key", self.key],
            ["content-length-range", 1, self.max_bytes],
            ["eq", "$Content-Type", self.content_type],
        ]
        conditions += [["eq", f"$x-cos-meta-{name}", value] for name, value in sorted(self.meta.items())]
        conditions += [{"q-sign-algorithm": "sha1"}, {"q-ak": secret_id}, {"q-sign-time": self.key_time}]
        return {"expiration": expiration, "conditions": conditions}

    def form_fields(self, secret_id: str, secret_key: str, security_token: str | None) -> dict[str, str]:
        """The form fields to send before `file`, in order."""
        text = json.dumps(self.document(secret_id), separators=(",", ":"), ensure_ascii=False)
        fields = {"key": self.key, "Content-Type": self.content_type}
        fields.update({f"x-cos-meta-{name}": value for name, value in sorted(self.meta.items())})
        fields.update({
            "policy": base64.b64encode(text.encode("utf-8")).decode("ascii"),
            "q-sign-algorithm": "sha1",
            "q-ak": secret_id,
            "q-key-time": self.key_time,
            "q-signature": post_object_signature(secret_key, self.key_time, text),
        })
        if security_token:
            fields["x-cos-security-token"] = security_token
        return fields

"""The access keys the emulated Aliyun account recognises, with their tokens and session policies."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from devtools.emulator.aliyun.config import AliyunDev
from devtools.emulator.aliyun.ram_policy import allows


class AliyunApiError(Exception):
    """An Aliyun API error answer (bad key, token, parameter...): code, message, HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass
class AccessKey:
    key_id: str
    secret: str = field(repr=False)
    token: str | None = field(default=None, repr=False)
    expires_at: float | None = None
    policy: dict[str, Any] | None = None  # the session policy; None = all of the role's rights
    policy_text: str | None = None
    session_name: str | None = None
    purpose: str = "sts"

    def allows(self, action: str, resource: str, context: dict[str, str] | None = None) -> bool:
        return allows(self.policy, action, resource, context)


def permit_vod(key: AccessKey, action: str) -> None:
    """Refuse a VOD action the key's policy does not allow (VOD has no resource-level authorisation)."""
    if not key.allows(f"vod:{action}", "*"):
        raise AliyunApiError("Forbidden.RAM", "User not authorized to operate on the specified resource "
                                              f"(vod:{action}).", 403)


class KeyRing:
    """Thread-safe registry of keys: the function role's dev key plus every key the emulator issued."""

    def __init__(self, dev: AliyunDev) -> None:
        self._keys: dict[str, AccessKey] = {}
        self._lock = threading.Lock()
        self.add(AccessKey(dev.function_key_id, dev.function_key_secret, dev.function_token, purpose="function-role"))

    def add(self, key: AccessKey) -> AccessKey:
        with self._lock:
            self._keys[key.key_id] = key
        return key

    def issue(self, *, duration: int, policy: dict[str, Any] | None, policy_text: str | None,
              session_name: str | None, purpose: str) -> AccessKey:
        """A fresh temporary key in the STS shape (`STS.` id, secret, long token)."""
        return self.add(AccessKey("STS.N" + secrets.token_hex(10), secrets.token_urlsafe(24),
                                  "CAIS" + secrets.token_urlsafe(96), time.time() + duration,
                                  policy, policy_text, session_name, purpose))

    def get(self, key_id: str) -> AccessKey | None:
        with self._lock:
            return self._keys.get(key_id)

    def authenticate(self, key_id: str, token: str | None) -> AccessKey:
        """The key if it exists, has not expired and comes with its own token; else AliyunApiError."""
        key = self.get(key_id)
        if key is None:
            raise AliyunApiError("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
        if key.token is not None:
            if not token:
                raise AliyunApiError("MissingSecurityToken", "SecurityToken is mandatory for this action.")
            if not secrets.compare_digest(token, key.token):
                raise AliyunApiError("InvalidSecurityToken.MismatchWithAccessKey",
                                  "The security token does not match the access key.")
        if key.expires_at is not None and time.time() >= key.expires_at:
            raise AliyunApiError("InvalidSecurityToken.Expired", "Specified SecurityToken is expired.")
        return key

"""Keys the emulated account knows: permanent keys, role sessions and the temporary keys it issued."""

from __future__ import annotations

import fnmatch
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from devtools.emulator.tencent.account import TencentDevAccount


@dataclass
class AccessKey:
    """A SecretId/SecretKey pair; temporary keys carry a token, an expiry and a CAM policy."""

    secret_id: str
    secret_key: str
    token: str | None = None
    expires_at: float | None = None
    policy: dict[str, Any] | None = None  # None = unrestricted (the role's own keys)
    issued_by: str = ""

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at


def policy_allows(policy: dict[str, Any] | None, action: str, resource: str) -> bool:
    """CAM evaluation for one action on one resource: an explicit deny wins, else an allow is needed."""
    if policy is None:
        return True
    allowed = False
    for statement in policy.get("statement") or []:
        actions = _as_list(statement.get("action"))
        resources = _as_list(statement.get("resource"))
        if not (any(_wildcard(a, action) for a in actions) and any(_wildcard(r, resource) for r in resources)):
            continue
        if statement.get("effect") == "deny":
            return False
        allowed = allowed or statement.get("effect") == "allow"
    return allowed


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in value or [] if isinstance(v, str)]


def _wildcard(pattern: str, value: str) -> bool:
    # CAM wildcards are `*` only; `?` and `[` are literal.
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]").replace("?", "[?]"))


class KeyRing:
    """Thread-safe store of every key the emulated account accepts."""

    def __init__(self, account: TencentDevAccount) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, AccessKey] = {}
        self.add(AccessKey(account.role_secret_id, account.role_secret_key, token=account.role_token,
                           issued_by="function role"))
        # The VOD signing key is a sub-account key that may only upload to VOD (see README).
        self.add(AccessKey(account.vod_secret_id, account.vod_secret_key, issued_by="VOD sub-account",
                           policy={"version": "2.0", "statement": [{
                               "effect": "allow", "action": ["name/vod:ApplyUpload", "name/vod:CommitUpload"],
                               "resource": ["*"]}]}))

    def add(self, key: AccessKey) -> AccessKey:
        with self._lock:
            self._keys[key.secret_id] = key
        return key

    def get(self, secret_id: str) -> AccessKey | None:
        with self._lock:
            return self._keys.get(secret_id)

    def issue(self, policy: dict[str, Any] | None, duration: int, issued_by: str) -> AccessKey:
        """New temporary keys valid for `duration` seconds under `policy`."""
        return self.add(AccessKey("AKIDtmp" + secrets.token_hex(14), secrets.token_urlsafe(30),
                                  token=secrets.token_urlsafe(48), expires_at=time.time() + duration,
                                  policy=policy, issued_by=issued_by))


@dataclass
class Counters:
    """Calls per action, so tests can count round trips (e.g. AssumeRole)."""

    counts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str) -> None:
        with self._lock:
            self.counts[name] = self.counts.get(name, 0) + 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self.counts)

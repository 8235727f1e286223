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


def policy_allows(policy: dict[str, Any] | None, action: str, resource: str,
                  context: dict[str, str | None] | None = None) -> bool:
    """CAM evaluation for one action on one resource: an explicit deny wins, else an allow is needed.

    A statement applies only when its `condition` holds for the request's condition
    keys (`context`, e.g. `cos:content-type` from the request header).
    """
    if policy is None:
        return True
    allowed = False
    for statement in policy.get("statement") or []:
        actions = _as_list(statement.get("action"))
        resources = _as_list(statement.get("resource"))
        if not (any(_wildcard(a, action) for a in actions) and any(_wildcard(r, resource) for r in resources)):
            continue
        if not conditions_hold(statement.get("condition"), context or {}):
            continue
        if statement.get("effect") == "deny":
            return False
        allowed = allowed or statement.get("effect") == "allow"
    return allowed


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


_STRING_OPS = {
    "string_equal": lambda v, w: v == w,
    "string_not_equal": lambda v, w: v != w,
    "string_like": lambda v, w: _wildcard(w, v),
    "string_not_like": lambda v, w: not _wildcard(w, v),
}
_NUMERIC_OPS = {
    "numeric_equal": lambda v, w: v == w,
    "numeric_not_equal": lambda v, w: v != w,
    "numeric_less_than": lambda v, w: v < w,
    "numeric_less_than_equal": lambda v, w: v <= w,
    "numeric_greater_than": lambda v, w: v > w,
    "numeric_greater_than_equal": lambda v, w: v >= w,
}
_NEGATED = {"string_not_equal", "string_not_like", "numeric_not_equal"}


def conditions_hold(condition: Any, context: dict[str, str | None]) -> bool:
    """Whether every operator block of a CAM `condition` holds (blocks and keys are ANDed, values ORed).

    A key the request does not carry fails its test, except under an `_if_exist`
    operator, where it passes. An operator the emulator does not know fails closed.
    """
    if not condition:
        return True
    if not isinstance(condition, dict):
        return False
    lowered = {k.lower(): v for k, v in context.items()}
    for operator, tests in condition.items():
        base = operator[:-len("_if_exist")] if operator.endswith("_if_exist") else operator
        compare = _STRING_OPS.get(base) or _NUMERIC_OPS.get(base)
        if compare is None or not isinstance(tests, dict):
            return False
        for key, expected in tests.items():
            value = lowered.get(str(key).lower())
            if value is None:
                if base == operator:
                    return False
                continue
            wanted = expected if isinstance(expected, list) else [expected]
            if base in _NUMERIC_OPS:
                number = _number(value)
                checks = [compare(number, _number(w)) for w in wanted
                          if number is not None and _number(w) is not None]
            else:
                checks = [compare(str(value), str(w)) for w in wanted]
            held = (bool(checks) and all(checks)) if base in _NEGATED else any(checks)
            if not held:
                return False
    return True


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

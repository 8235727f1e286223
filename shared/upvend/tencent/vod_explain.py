"""Explains a VOD upload signature field by field and says what is wrong with it.

"invalid signature" is all the official SDKs report; this names the cause.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from upvend.tencent.config import VOD_MAX_VALIDITY_SECONDS
from upvend.tencent.vod_signature import SOURCE_CONTEXT_MAX, MalformedSignature, decode_signature

MEANINGS = {
    "secretId": "SecretId of the API key that signed",
    "currentTimeStamp": "when it was signed (Unix seconds)",
    "expireTime": "when it stops working (Unix seconds; at most 90 days after currentTimeStamp)",
    "random": "unsigned 32-bit random number (must be unique per signature when oneTimeValid=1)",
    "classId": "VOD category of the upload (0 = none)",
    "procedure": "task flow run after the upload",
    "taskPriority": "priority of the task flow, -10..10",
    "taskNotifyMode": "task flow notifications: Finish, Change or None",
    "sourceContext": f"echoed in the NewFileUpload event (≤ {SOURCE_CONTEXT_MAX} chars); upvend puts the uploader's id",
    "sessionContext": "echoed in ProcedureStateChanged (≤ 1000 chars)",
    "oneTimeValid": "1 = the signature works for one request only",
    "vodSubAppId": "VOD sub-application id (empty/0 = primary application)",
    "storageRegion": "storage region of the upload, e.g. ap-chongqing",
}
REQUIRED = ("secretId", "currentTimeStamp", "expireTime", "random")
_V1_KEYS = {"s", "f", "fs", "t", "e", "r", "uid", "tc", "ss", "wm", "cid"}


@dataclass
class FieldReport:
    name: str
    value: str
    meaning: str
    problem: str | None = None


@dataclass
class Explanation:
    """The verdict: fields in signed order, problems found, and the HMAC check."""

    fields: list[FieldReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    hmac: str = "unchecked"  # "match" | "mismatch" | "unchecked"
    original: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "hmac": self.hmac, "problems": self.problems, "original": self.original,
                "fields": [asdict(f) for f in self.fields]}


# 9999-12-31T23:59:59Z: the last second a calendar date can name.
MAX_UNIX_TIME = 253_402_300_799
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Only ASCII digits: int() also takes '+5', ' 5', '1_0' and other scripts' digits, which VOD does not.
_INTEGER = re.compile(r"-?[0-9]+")


def _utc(seconds: int) -> str:
    return (_EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plain_int(value: str) -> int | None:
    return int(value) if _INTEGER.fullmatch(value) else None


def _int_check(low: int, high: int, what: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        number = _plain_int(value)
        if number is None:
            return f"not a plain integer ({what})"
        return None if low <= number <= high else f"out of range: {what}"
    return check


def _unix_time(value: str | None) -> int | None:
    """`value` as Unix seconds, or None when it is not a plain integer a calendar date can show."""
    text = value or ""
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_UNIX_TIME else None


def _unix_time_check(value: str) -> str | None:
    if _plain_int(value) is None:
        return "not a plain integer (Unix seconds)"
    if _unix_time(value) is None:
        return f"not a valid Unix time: must be 0..{MAX_UNIX_TIME} (up to {_utc(MAX_UNIX_TIME)})"
    return None


def _secret_id_check(value: str) -> str | None:
    if not value:
        return "empty"
    return None if value.isascii() and value.isalnum() else "not a SecretId (ASCII letters and digits only)"


_CHECKS: dict[str, Callable[[str], str | None]] = {
    "currentTimeStamp": _unix_time_check,
    "expireTime": _unix_time_check,
    "random": _int_check(0, 2**32 - 1, "must be 0..4294967295"),
    "classId": _int_check(0, 2**63 - 1, "must be a non-negative integer"),
    "vodSubAppId": _int_check(0, 2**63 - 1, "must be a non-negative integer"),
    "taskPriority": _int_check(-10, 10, "must be -10..10"),
    "oneTimeValid": lambda v: None if v in ("0", "1") else "must be 0 or 1",
    "taskNotifyMode": lambda v: None if v in ("Finish", "Change", "None") else "must be Finish, Change or None",
    "sourceContext": lambda v: None if len(v) <= SOURCE_CONTEXT_MAX else f"longer than {SOURCE_CONTEXT_MAX} chars",
    "sessionContext": lambda v: None if len(v) <= 1000 else "longer than 1000 chars",
    "secretId": _secret_id_check,
}


def explain_signature(signature: str, secret_key: str | None = None, *, now: float | None = None) -> Explanation:
    """Decode `signature`, check every field (and the HMAC when `secret_key` is given)."""
    result = Explanation()
    try:
        decoded = decode_signature(signature)
    except MalformedSignature as exc:
        result.problems.append(f"malformed: {exc}")
        return result
    result.original = decoded.original
    names = [name for name, _ in decoded.params]
    if _V1_KEYS & set(names) and not set(REQUIRED) & set(names):
        result.problems.append("malformed: this is an obsolete pre-2018 UGC v1 signature; VOD no longer accepts it")
    for name, value in decoded.params:
        report = FieldReport(name, value, MEANINGS.get(name, "unknown parameter: VOD does not define it"))
        check = _CHECKS.get(name)
        report.problem = check(value) if check else (None if name in MEANINGS else "unknown parameter")
        if names.count(name) > 1:
            report.problem = "appears more than once"
        if report.problem:
            result.problems.append(f"{name}: {report.problem}")
        result.fields.append(report)
    for name in REQUIRED:
        if name not in names:
            result.problems.append(f"{name}: required but missing")
    _check_times(decoded.value("currentTimeStamp"), decoded.value("expireTime"),
                 time.time() if now is None else now, result)
    if secret_key is not None:
        result.hmac = "match" if decoded.mac_matches(secret_key) else "mismatch"
        if result.hmac == "mismatch":
            result.problems.append("HMAC does not match: signed with another key, or the text was altered "
                                   "(e.g. re-encoded after signing)")
    return result


def _check_times(current: str | None, expire: str | None, now: float, result: Explanation) -> None:
    start, end = _unix_time(current), _unix_time(expire)
    if start is None or end is None:
        return  # the field checks above named the missing or malformed time
    for report in result.fields:
        if report.name in ("currentTimeStamp", "expireTime") and not report.problem:
            report.value = f"{report.value} ({_utc(int(report.value))})"
    if end <= start:
        result.problems.append("expireTime: not after currentTimeStamp")
    elif end - start > VOD_MAX_VALIDITY_SECONDS:
        result.problems.append(f"validity too long: {end - start} s; VOD allows at most "
                               f"{VOD_MAX_VALIDITY_SECONDS} s (90 days)")
    if end <= now:
        result.problems.append(f"expired: expireTime {_utc(end)} is {int(now - end)} s in the past")
    if start > now + 300:
        result.problems.append(f"currentTimeStamp {_utc(start)} is in the future: the signing clock is wrong")


def render_text(result: Explanation) -> str:
    """A readable report for a terminal."""
    lines = []
    for f in result.fields:
        lines.append(f"{f.name:17} {f.value}")
        lines.append(f"{'':17} {f.meaning}" + (f"  <-- {f.problem}" if f.problem else ""))
    lines.append(f"HMAC: {result.hmac}" + ("" if result.hmac != "unchecked" else " (pass --key to check it)"))
    if result.problems:
        lines.append("Problems:")
        lines.extend(f"  - {p}" for p in result.problems)
    else:
        lines.append("No problems found.")
    return "\n".join(lines)

"""Per-user and per-IP limits, checked before any paid cloud call; counted in the shared database.

A credential request adds 1 to the caller's per-minute and per-day counters and its
declared size to the per-day byte counter; a reservation first checks how many of the
caller's rows are still `uploading`. Each counter is one upsert answering its new sum,
so the limits hold across instances. Over any limit the transaction is rolled back
(nothing counted, nothing reserved) and the caller gets 429 with `Retry-After` and a
code naming the limit. Windows are fixed and aligned to UTC (minutes, days).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

from upvend import settings
from upvend.errors import RateLimited, Unauthorized
from upvend.storage.database import Database, Transaction, database
from upvend.storage.usage import add_usage, forget_usage

GiB = 1024 ** 3
MINUTE, DAY = 60, 86400
T = TypeVar("T")

_count = settings.int_between(0, 10 ** 9)
_bytes = settings.int_between(0, 2 ** 62)
settings.declare("LIMIT_CREDENTIALS_PER_MINUTE", _count, 30,
                 doc="Upload credentials (forms, keys, signatures, VOD auths) one user may get per UTC minute; 0: no limit.")
settings.declare("LIMIT_CREDENTIALS_PER_DAY", _count, 1000,
                 doc="Upload credentials one user may get per UTC day; 0: no limit.")
settings.declare("LIMIT_OPEN_UPLOADS", _count, 50,
                 doc="Rows one user may have in status `uploading` before a new reservation is refused; 0: no limit.")
settings.declare("LIMIT_BYTES_PER_DAY", _bytes, 20 * GiB,
                 doc="Bytes one user may declare for upload per UTC day (forms, Aliyun VOD videos and images); "
                     "0: no limit.")
settings.declare("LIMIT_LOGINS_PER_IP_PER_MINUTE", _count, 120,
                 doc="/auth/wechat calls per source IP per UTC minute (carrier NAT shares IPs: keep it generous); "
                     "0: no limit.")
settings.declare("LOGIN_CODE_REPLAY_SECONDS", settings.int_between(0, 3600), 300,
                 doc="How long a used login code is remembered, so a replay never reaches WeChat; 0: not remembered.")

OPEN_UPLOADS_RETRY_SECONDS = 60  # a reservation ends with its upload or the expiry sweep, not at a window's end


@dataclass(frozen=True)
class Limit:
    """One limit: the code a refusal carries, its setting, and its window in seconds."""

    code: str
    setting: str
    window: int
    what: str

    @property
    def maximum(self) -> int:
        return settings.get(self.setting)


REQUESTS_PER_MINUTE = Limit("limit_requests_per_minute", "LIMIT_CREDENTIALS_PER_MINUTE", MINUTE,
                            "upload credential requests this minute")
REQUESTS_PER_DAY = Limit("limit_requests_per_day", "LIMIT_CREDENTIALS_PER_DAY", DAY,
                         "upload credential requests today (UTC)")
BYTES_PER_DAY = Limit("limit_bytes_per_day", "LIMIT_BYTES_PER_DAY", DAY, "bytes declared for upload today (UTC)")
OPEN_UPLOADS = Limit("limit_open_uploads", "LIMIT_OPEN_UPLOADS", 0, "uploads still in progress")
LOGINS_PER_IP = Limit("limit_logins_per_ip", "LIMIT_LOGINS_PER_IP_PER_MINUTE", MINUTE, "logins from this address")
LIMITS = (REQUESTS_PER_MINUTE, REQUESTS_PER_DAY, BYTES_PER_DAY, OPEN_UPLOADS, LOGINS_PER_IP)


class LimitExceeded(RateLimited):
    """429 naming the limit; `Retry-After` says when its window ends."""

    def __init__(self, limit: Limit, retry_after: int) -> None:
        self.limit, self.retry_after = limit, max(1, retry_after)
        super().__init__(f"Too many {limit.what} (limit {limit.maximum}); retry in {self.retry_after} s.",
                         code=limit.code, details={"limit": limit.code, "maximum": limit.maximum,
                                                   "retryAfter": self.retry_after},
                         headers={"Retry-After": str(self.retry_after)})


class LoginCodeReplayed(Unauthorized):
    code, default_message = "login_code_replayed", "This login code was already used; call wx.login again."


def _window(limit: Limit, now: float) -> tuple[int, int]:
    start = int(now // limit.window) * limit.window
    return start, start + limit.window


def _charge(tx: Transaction, limit: Limit, subject: str, amount: int, now: float) -> None:
    maximum = limit.maximum
    if not maximum:
        return
    start, end = _window(limit, now)
    if add_usage(tx, subject, limit.code, start, end, amount) > maximum:
        raise LimitExceeded(limit, math.ceil(end - now))


def _open_uploads_checked(tx: Transaction, owner: str, now: float) -> None:
    maximum = OPEN_UPLOADS.maximum
    if not maximum:
        return
    # The user's reservation counter row stays locked until commit: one user's reservations are
    # counted one after another, on every backend, whatever the other limits are set to.
    day, end = _window(REQUESTS_PER_DAY, now)
    add_usage(tx, user_subject(owner), "reservations", day, end, 1)
    rows = tx.query("SELECT COUNT(*) AS n FROM {media} WHERE owner = ? AND status = 'uploading'", (owner,))
    if int(rows[0]["n"]) >= maximum:
        raise LimitExceeded(OPEN_UPLOADS, OPEN_UPLOADS_RETRY_SECONDS)


def user_subject(user: str) -> str:
    return f"user:{user}"


def charge_credential(tx: Transaction, user: str, *, size: int | None = None, reserves: bool = False,
                      now: float | None = None) -> None:
    """Count one credential request of `user` (and its declared `size`) inside `tx`; LimitExceeded when over."""
    now = time.time() if now is None else now
    subject = user_subject(user)
    _charge(tx, REQUESTS_PER_MINUTE, subject, 1, now)
    _charge(tx, REQUESTS_PER_DAY, subject, 1, now)
    if size:
        _charge(tx, BYTES_PER_DAY, subject, size, now)
    if reserves:
        _open_uploads_checked(tx, user, now)


def _counting(size: int | None, reserves: bool) -> bool:
    """Whether any limit that applies to this request is switched on (otherwise the database is not asked)."""
    return bool(REQUESTS_PER_MINUTE.maximum or REQUESTS_PER_DAY.maximum or (size and BYTES_PER_DAY.maximum)
                or (reserves and OPEN_UPLOADS.maximum))


def credential_allowed(user: str, *, size: int | None = None, reserves: bool = False,
                       db: Database | None = None) -> None:
    """`charge_credential` in a transaction of its own (routes whose reservation comes after the cloud call)."""
    if _counting(size, reserves):
        (db or database()).transaction(lambda tx: charge_credential(tx, user, size=size, reserves=reserves))


def within_credential_limits(user: str, work: Callable[[Transaction], T], *, size: int | None = None,
                             reserves: bool = False, db: Database | None = None) -> T:
    """Charge the request and run `work` (the reservation) in the same transaction."""
    def both(tx: Transaction) -> T:
        charge_credential(tx, user, size=size, reserves=reserves)
        return work(tx)
    return (db or database()).transaction(both)


def _code_subject(code: str) -> str:
    return "code:" + hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()


def login_allowed(source_ip: str, code: str, *, db: Database | None = None, now: float | None = None) -> None:
    """Count a login from `source_ip` and remember `code`; LimitExceeded or LoginCodeReplayed when refused.

    Only a hash of the code is stored. A refused login leaves no trace of its code.
    """
    now = time.time() if now is None else now
    keep = settings.get("LOGIN_CODE_REPLAY_SECONDS")
    if not keep and not LOGINS_PER_IP.maximum:
        return

    def check(tx: Transaction) -> None:
        _charge(tx, LOGINS_PER_IP, f"ip:{source_ip or 'unknown'}", 1, now)
        if keep and add_usage(tx, _code_subject(code), "login_code", 0, int(now) + keep, 1) > 1:
            raise LoginCodeReplayed()

    (db or database()).transaction(check)


def forget_login_code(code: str, *, db: Database | None = None) -> None:
    """Let a code be tried again: its exchange failed before WeChat could have used it."""
    (db or database()).transaction(lambda tx: forget_usage(tx, _code_subject(code), "login_code"))

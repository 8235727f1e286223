"""What the emulated Tencent services share: keys, counters, injected faults, recorded calls."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from devtools.emulator.tencent.account import DEV_ACCOUNT, TencentDevAccount
from devtools.emulator.tencent.keys import Counters, KeyRing


@dataclass
class Fault:
    """Answer the next `times` calls of `action` with Tencent error `code`."""

    action: str
    code: str
    message: str
    times: int


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, action: str) -> Fault | None:
        """The fault armed for `action`, counting one use of it."""
        with self._lock:
            for fault in self._faults:
                if fault.action == action and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None


@dataclass
class TencentState:
    account: TencentDevAccount = DEV_ACCOUNT
    keys: KeyRing = field(init=False)
    counters: Counters = field(default_factory=Counters)
    faults: Faults = field(default_factory=Faults)
    assumed_roles: list[dict[str, Any]] = field(default_factory=list)  # RoleArn, session name, policy
    # VOD files by FileId, as CommitUploadUGC made them (what DescribeMediaInfos answers from).
    vod_media: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.keys = KeyRing(self.account)

    @property
    def vod_bucket_short(self) -> str:
        """The VOD storage bucket's name without APPID, as ApplyUploadUGC reports it."""
        return f"upvendvod{self.account.vod_sub_app_id}"

    @property
    def vod_bucket(self) -> str:
        return f"{self.vod_bucket_short}-{self.account.appid}"

"""What the emulated Aliyun account remembers: keys, VOD media, call counts and injected faults."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from devtools.emulator.aliyun.config import ALIYUN_DEV, AliyunDev
from devtools.emulator.aliyun.keys import AliyunApiError, KeyRing

RpcError = AliyunApiError  # the name the RPC handlers raise


@dataclass
class Fault:
    """An error (or delay) the next `times` calls of `action` get, to exercise error mapping."""

    action: str
    code: str | None = None
    status: int = 400
    message: str = "Injected by the emulator."
    times: int = 1
    delay_seconds: float = 0.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Fault":
        return cls(action=str(data["action"]), code=data.get("code"), status=int(data.get("status", 400)),
                   message=str(data.get("message") or cls.message), times=int(data.get("times", 1)),
                   delay_seconds=float(data.get("delaySeconds", 0)))


@dataclass
class VodMedia:
    media_id: str
    kind: str  # "video" | "image"
    bucket: str
    key: str
    params: dict[str, str]
    refreshed: int = 0
    created_at: float = field(default_factory=time.time)


@dataclass
class AliyunState:
    dev: AliyunDev = ALIYUN_DEV
    keys: KeyRing = field(init=False)
    calls: Counter = field(default_factory=Counter)
    faults: list[Fault] = field(default_factory=list)
    media: dict[str, VodMedia] = field(default_factory=dict)
    nonces: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.keys = KeyRing(self.dev)

    @property
    def buckets(self) -> tuple[str, ...]:
        return (self.dev.oss_bucket, self.dev.vod_bucket)

    def take_fault(self, action: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.action in (action, "*") and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def count(self, action: str) -> None:
        with self.lock:
            self.calls[action] += 1

    def media_at(self, bucket: str, key: str) -> VodMedia | None:
        return next((m for m in self.media.values() if m.bucket == bucket and m.key == key), None)

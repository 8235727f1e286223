"""Assembles the emulator: its services, the object store, and the way back to functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devtools.emulator.aliyun import aliyun_services
from devtools.emulator.bucket_cors import BucketCors, same_host_variants
from devtools.emulator.config import EmulatorConfig
from devtools.emulator.delivery import Deliverer
from devtools.emulator.notices import notice_services
from devtools.emulator.objects import ObjectStore, StoredObject
from devtools.emulator.oss_callback import OssCallbackSigner
from devtools.emulator.service import Service, dispatcher
from devtools.emulator.wechat import WechatService
from devtools.emulator.tencent import tencent_services


@dataclass
class UploadCompleted:
    """An object finished uploading to an emulated store (what callbacks and triggers react to)."""

    provider: str  # "aliyun" | "tencent"
    service: str  # "oss" | "cos" | "vod"
    operation: str  # e.g. "PostObject", "PutObject", "CompleteMultipartUpload", "CommitUploadUGC"
    obj: StoredObject
    details: dict[str, Any] = field(default_factory=dict)  # e.g. the OSS `callback` form field, VOD ids


@dataclass
class UploadReply:
    """What a listener wants the uploader to receive instead of the default success answer."""

    status: int
    body: bytes
    content_type: str = "application/json"


UploadListener = Callable[[UploadCompleted], "UploadReply | None"]


@dataclass
class Emulator:
    """The running emulator's parts, shared by its services and visible to tests."""

    config: EmulatorConfig
    store: ObjectStore
    deliverer: Deliverer
    services: list[Service] = field(default_factory=list)
    app: Any = None  # the ASGI app: the dispatcher behind the bucket CORS layer
    upload_listeners: list[UploadListener] = field(default_factory=list)

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def on_upload(self, listener: UploadListener) -> None:
        """Register a reaction to completed uploads (callbacks, triggers, VOD events)."""
        self.upload_listeners.append(listener)

    def upload_completed(self, event: UploadCompleted) -> UploadReply | None:
        """Tell every listener; the first reply (e.g. an OSS callback's answer) goes to the uploader."""
        reply = None
        for listener in self.upload_listeners:
            answer = listener(event)
            reply = reply or answer
        return reply


class AdminService(Service):
    """`GET /_emulator/health` for readiness checks."""

    name = "admin"

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def matches(self, request: Request) -> bool:
        # Only its own path: services own their admin endpoints under /_emulator/<service>/.
        return request.url.path == "/_emulator/health"

    async def handle(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "services": [s.name for s in self.emulator.services]})


def create_emulator(config: EmulatorConfig) -> Emulator:
    """Build the emulator with every emulated service."""
    config.objects_dir.mkdir(parents=True, exist_ok=True)
    emulator = Emulator(config=config, store=ObjectStore(config.objects_dir),
                        deliverer=Deliverer(config.gateway_url))
    # Tencent first: its COS claims requests by Host header before path-style OSS looks at them.
    emulator.services = [*tencent_services(emulator), *aliyun_services(emulator), OssCallbackSigner(config),
                         AdminService(emulator), WechatService(config)]
    emulator.services[:0] = notice_services(emulator)  # VOD PullEvents/ConfirmEvents before the generic API
    emulator.app = dispatcher(emulator.services)
    emulator.app = BucketCors(emulator.app, emulator.services,
                              config.cors_origins or same_host_variants(config.gateway_url))
    return emulator

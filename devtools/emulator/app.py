"""Assembles the emulator: its services, the object store, and the way back to functions."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devtools.emulator.config import EmulatorConfig
from devtools.emulator.delivery import Deliverer
from devtools.emulator.objects import ObjectStore
from devtools.emulator.service import Service, dispatcher
from devtools.emulator.wechat import WechatService


@dataclass
class Emulator:
    """The running emulator's parts, shared by its services and visible to tests."""

    config: EmulatorConfig
    store: ObjectStore
    deliverer: Deliverer
    services: list[Service] = field(default_factory=list)
    app: Starlette | None = None

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)


class AdminService(Service):
    """`GET /_emulator/health` for readiness checks."""

    name = "admin"

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def matches(self, request: Request) -> bool:
        return request.url.path.startswith("/_emulator/")

    async def handle(self, request: Request) -> Response:
        if request.url.path == "/_emulator/health":
            return JSONResponse({"status": "ok", "services": [s.name for s in self.emulator.services]})
        return JSONResponse({"error": {"code": "not_found", "message": "No such admin endpoint."}}, status_code=404)


def create_emulator(config: EmulatorConfig) -> Emulator:
    """Build the emulator with every emulated service."""
    config.objects_dir.mkdir(parents=True, exist_ok=True)
    emulator = Emulator(config=config, store=ObjectStore(config.objects_dir),
                        deliverer=Deliverer(config.gateway_url))
    emulator.services = [AdminService(emulator), WechatService(config)]
    emulator.app = dispatcher(emulator.services)
    return emulator

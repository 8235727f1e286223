"""The shape every emulated cloud service has, and the dispatcher that routes to them."""

from __future__ import annotations

from abc import ABC, abstractmethod

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


class Service(ABC):
    """An emulated service: it claims requests (`matches`) and answers them (`handle`)."""

    name = "service"

    @abstractmethod
    def matches(self, request: Request) -> bool:
        """Whether this service answers the request."""

    @abstractmethod
    async def handle(self, request: Request) -> Response:
        """Answer the request as the real service would."""


def dispatcher(services: list[Service]) -> Starlette:
    """One ASGI app that hands each request to the first service claiming it.

    Cloud SDKs call fixed paths (RPC and API 3.0 both POST to `/`), so services
    claim requests by path, query or headers rather than by mount point.
    """

    async def dispatch(request: Request) -> Response:
        for service in services:
            if service.matches(request):
                try:
                    return await service.handle(request)
                except ClientDisconnect:
                    # The uploader went away mid-body (a cancelled upload): nothing was stored, nobody to answer.
                    return Response(status_code=499)
        return JSONResponse({"error": {"code": "not_emulated",
                                       "message": f"Nothing emulated at {request.method} {request.url.path}."}},
                            status_code=404)

    methods = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"]
    return Starlette(routes=[Route("/", dispatch, methods=methods), Route("/{path:path}", dispatch, methods=methods)])

"""What each HTTP route takes and answers, declared next to its handler.

An `ApiRoute` names the method, path, request and response models and a
summary. Functions build their app from these, and the local stack's OpenAPI
document is generated from the same objects without calling any function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from pydantic import BaseModel, ConfigDict
from starlette.routing import Route

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


# Models only the OpenAPI document reads are built when it asks for them, not when a function starts.
DOCS_ONLY = ConfigDict(defer_build=True)


class ErrorBody(BaseModel):
    model_config = DOCS_ONLY

    code: str
    message: str
    requestId: Optional[str] = None
    details: Any = None


class ErrorEnvelope(BaseModel):
    """The body of every 4xx and 5xx answer."""

    model_config = DOCS_ONLY

    error: ErrorBody


@dataclass(frozen=True)
class ApiRoute:
    """One HTTP route: `request`/`query` models are validated at the edge, `response` is what 2xx carries.

    `media_type` is the 2xx content type, or several for a route serving files of different
    types (routes that answer HTML or assets name theirs and leave `response` empty), `request_types` the body types accepted; `auth` says whether a
    Bearer session token is required; `errors` lists statuses beyond the common 400/401/405.
    """

    method: str
    path: str
    endpoint: Callable[..., Any]
    summary: str
    request: Optional[type[BaseModel]] = None
    query: Optional[type[BaseModel]] = None
    response: Optional[type[BaseModel]] = None
    auth: bool = True
    media_type: str | tuple[str, ...] = JSON
    request_types: tuple[str, ...] = (JSON,)
    errors: tuple[int, ...] = ()

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type,) if isinstance(self.media_type, str) else self.media_type

    def route(self) -> Route:
        return Route(self.path, self.endpoint, methods=[self.method])

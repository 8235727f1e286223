"""The descriptive columns a media row and a completion notice share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(kw_only=True)
class MediaFields:
    """Everything about a media object besides its identity and status; all optional."""

    owner: str | None = None
    title: str | None = None
    size: int | None = None
    mime_type: str | None = None
    media_url: str | None = None
    cover_url: str | None = None
    bucket: str | None = None
    object_key: str | None = None
    region: str | None = None
    etag: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

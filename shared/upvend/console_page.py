"""The console and H5 demo pages: their settings, security headers and static files.

The pages are plain files served by the `console` function; everything they
need at run time (where the API is, which files may be uploaded as which
Content-Type) comes from `GET /console/config.json`, so
no script is ever inlined and the Content-Security-Policy can forbid inline code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from upvend import settings
from upvend.errors import NotFound
from upvend.uploads import upload_types

# Where browser uploads and media go on the real clouds: OSS and VOD storage (aliyuncs.com),
# COS (myqcloud.com), the VOD UGC upload host and the usage reports vod-js-sdk-v6 sends.
CLOUD_UPLOAD_ORIGINS = ("https://*.aliyuncs.com", "https://*.myqcloud.com", "https://vod2.qcloud.com",
                        "https://vodreport.qcloud.com")
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8"}


def _origin(raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/") or parts.query:
        raise ValueError("must be an origin like https://example.com (scheme and host only)")
    return f"{parts.scheme}://{parts.netloc}"


def _optional_api_base(raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("must be an http(s) URL without query")
    return raw.strip().rstrip("/")


def _origins(raw: str) -> tuple[str, ...]:
    return tuple(_origin(part) for part in raw.split(",") if part.strip())


settings.declare("CONSOLE_API_BASE", _optional_api_base, "",
                 doc="Base URL of the upvend API the pages call; empty = the pages' own origin. When set to "
                     "another origin, add the pages' origin to UPVEND_CORS_ORIGINS of the API functions.")
settings.declare("CONSOLE_MEDIA_ORIGINS", _origins, (),
                 doc="Extra origins (comma-separated) the pages may upload to and show media from, besides "
                     "the OSS, COS and VOD hosts, e.g. a CDN domain (the local stack sets the emulator).")


def page_config() -> dict[str, Any]:
    """What the pages read at start: the API base ('' for same origin) and the upload types table."""
    return {"apiBase": settings.get("CONSOLE_API_BASE"), "uploadTypes": upload_types()}


def content_security_policy() -> str:
    """A strict CSP: own scripts and styles only, network to the API and the storage hosts."""
    extra = list(settings.get("CONSOLE_MEDIA_ORIGINS"))
    api = settings.get("CONSOLE_API_BASE")
    connect = ["'self'", *([_origin_of(api)] if api else []), *CLOUD_UPLOAD_ORIGINS, *extra]
    media = ["'self'", "data:", "blob:", "https:", *extra]
    return "; ".join([
        "default-src 'none'", "script-src 'self'", "style-src 'self'", f"img-src {' '.join(media)}",
        f"media-src {' '.join(media)}", f"connect-src {' '.join(dict.fromkeys(connect))}", "form-action 'none'",
        "frame-ancestors 'none'", "base-uri 'none'",
    ])


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def security_headers() -> dict[str, str]:
    """Headers every page and asset carries."""
    return {"Content-Security-Policy": content_security_policy(), "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str


class AssetFolder:
    """The files of one folder, servable by bare name; anything else is NotFound."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._names = {p.name for p in folder.iterdir() if p.is_file() and p.suffix in CONTENT_TYPES}

    def get(self, name: str) -> Asset:
        if name not in self._names:
            raise NotFound("No such console asset.")
        path = self.folder / name
        return Asset(path.read_bytes(), CONTENT_TYPES[path.suffix])

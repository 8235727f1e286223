"""Who may read an emulated COS object: a request signature (header or presigned query) whose key may
GetObject there, or, on the VOD storage bucket (VOD's distribution domain), a Key-hotlink-signed URL.

Buckets are private: an unsigned GET answers 403 AccessDenied. An image-processing
parameter (`imageMogr2/...`) is accepted and answers the original image (the
emulator does no image processing).
"""

from __future__ import annotations

from typing import Any, Mapping

from starlette.requests import Request

from devtools.emulator.cdn_url_auth import UrlAuthFailed, check_key_hotlink
from devtools.emulator.tencent.cos_errors import CosError


def authorize_read(service: Any, request: Request, address: Any, query: Mapping[str, str]) -> None:
    """Raise CosError unless this GET/HEAD may read the object at `address`."""
    play_key = service.emulator.config.tencent_vod_play_key
    if address.bucket == service.state.vod_bucket and play_key:
        path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path  # as the URL signed it
        try:
            check_key_hotlink(path, query, play_key)
        except UrlAuthFailed as exc:
            raise CosError(403, "AccessDenied", f"Hotlink protection refused the URL: {exc}.") from None
        return
    key = service.authenticate(request, address)
    service.authorize(key, "name/cos:GetObject", address)

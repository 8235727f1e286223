"""Signed Aliyun VOD URLs from VOD itself: GetPlayInfo (videos, audio) and GetImageInfo (images).

VOD signs the URLs it answers when URL signing is on for its domain, valid
`AuthTimeout` seconds. Used when no CDN signing key is configured for upvend to
sign locally (see `cdn_type_a`).
"""

from __future__ import annotations

from typing import Any

from upvend.aliyun import rpc
from upvend.aliyun.config import vod_endpoint
from upvend.aliyun.credentials import AliyunCredentials

# VOD answers these while a video has no playable stream yet: no URL, not an error.
NOT_PLAYABLE_CODES = ("InvalidVideo.NoneStream", "InvalidVideo.NotFound", "InvalidImage.NotFound",
                      "Forbidden.IllegalStatus")


def pick_stream(answer: dict[str, Any]) -> str | None:
    """The PlayURL to play: a Normal stream, mp4 first, then the widest."""
    streams = ((answer.get("PlayInfoList") or {}).get("PlayInfo")) or []
    usable = [s for s in streams if isinstance(s, dict) and s.get("PlayURL") and s.get("Status", "Normal") == "Normal"]
    usable.sort(key=lambda s: (s.get("Format") != "mp4", -int(s.get("Width") or 0)))
    return usable[0]["PlayURL"] if usable else None


def play_info(credentials: AliyunCredentials, video_id: str, auth_timeout: int) -> tuple[str | None, str | None]:
    """(play URL, cover URL) for a video, both as VOD signed them; None where VOD has none."""
    def build() -> Any:
        from aliyunsdkvod.request.v20170321.GetPlayInfoRequest import GetPlayInfoRequest
        request = GetPlayInfoRequest()
        request.set_VideoId(video_id)
        request.set_AuthTimeout(auth_timeout)
        request.set_OutputType("cdn")
        return request

    answer = rpc.call("VOD", vod_endpoint(), credentials, build)
    cover = (answer.get("VideoBase") or {}).get("CoverURL") or None
    return pick_stream(answer), cover


def image_url(credentials: AliyunCredentials, image_id: str, auth_timeout: int) -> str | None:
    """The image's URL as VOD signed it."""
    def build() -> Any:
        from aliyunsdkvod.request.v20170321.GetImageInfoRequest import GetImageInfoRequest
        request = GetImageInfoRequest()
        request.set_ImageId(image_id)
        request.set_AuthTimeout(auth_timeout)
        return request

    answer = rpc.call("VOD", vod_endpoint(), credentials, build)
    return (answer.get("ImageInfo") or {}).get("URL") or None

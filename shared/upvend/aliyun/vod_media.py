"""Reading a VOD video or image back from VOD: GetVideoInfo + GetPlayInfo, GetImageInfo.

A VOD callback's body is not signed, so what upvend records about a video or an
image comes from these reads, made with the function's own role through the
configured VOD endpoint (each call with the Aliyun timeout). URLs are stored
without their query: a URL-signing `auth_key` expires, and playback signs afresh.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from upvend.aliyun import rpc
from upvend.aliyun.config import vod_endpoint
from upvend.aliyun.credentials import AliyunCredentials
from upvend.errors import UpvendError
from upvend.playback.aliyun_play_info import pick_stream

# VOD's answers for an id it does not know (or a video with no stream yet, for GetPlayInfo).
_UNKNOWN_CODES = ("InvalidVideo.NotFound", "InvalidImage.NotFound", "InvalidVideo.NoneStream",
                  "Forbidden.IllegalStatus")


@dataclass(frozen=True)
class CloudVideo:
    """What VOD says about one video or audio file."""

    video_id: str
    status: str
    title: str | None = None
    size: int | None = None
    duration: float | None = None
    cover_url: str | None = None
    owner: str | None = None  # UserData.Extend.uid, as the credential function set it at CreateUploadVideo
    play_url: str | None = None
    streams: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class CloudImage:
    """What VOD says about one image."""

    image_id: str
    status: str
    title: str | None = None
    size: int | None = None
    url: str | None = None
    width: int | None = None
    height: int | None = None


def without_query(url: Any) -> str | None:
    """The URL without its query (a signed URL's `auth_key`); None for anything that is not an http(s) URL."""
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    return url.split("?", 1)[0]


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _json_object(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def user_data_owner(raw: Any) -> str | None:
    """`uid` from UserData's `Extend` (UserData is a JSON string; Extend an object or a JSON string of one)."""
    extend = _json_object((_json_object(raw) or {}).get("Extend"))
    uid = (extend or {}).get("uid")
    return uid if isinstance(uid, str) and uid else None


def _known(service_call: Any) -> dict[str, Any] | None:
    """The answer, or None when VOD does not know the id; other errors propagate (a retry may succeed)."""
    try:
        return service_call()
    except UpvendError as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        if exc.status < 500 and details.get("aliyunCode") in _UNKNOWN_CODES:
            return None
        raise


def _streams(answer: dict[str, Any]) -> tuple[str | None, dict[str, dict[str, Any]]]:
    infos = ((answer.get("PlayInfoList") or {}).get("PlayInfo")) or []
    infos = [s for s in infos if isinstance(s, dict) and without_query(s.get("PlayURL"))]
    streams: dict[str, dict[str, Any]] = {}
    for info in infos:
        stream = {"url": without_query(info.get("PlayURL")), "format": _text(info.get("Format")),
                  "definition": _text(info.get("Definition")), "size": _int(info.get("Size")),
                  "width": _int(info.get("Width")), "height": _int(info.get("Height")),
                  "duration": _float(info.get("Duration")), "bitrate": _text(info.get("Bitrate")),
                  "status": _text(info.get("Status"))}
        streams[f"{stream['format'] or ''}:{stream['definition'] or ''}"] = {
            k: v for k, v in stream.items() if v is not None}
    return without_query(pick_stream(answer)), streams


def read_video(credentials: AliyunCredentials, video_id: str, with_streams: bool = True) -> CloudVideo | None:
    """GetVideoInfo, then (`with_streams`) GetPlayInfo once VOD has the file; None when VOD does not know the
    video."""
    def video_info() -> Any:
        from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
        request = GetVideoInfoRequest()
        request.set_VideoId(video_id)
        return request

    def play_info() -> Any:
        from aliyunsdkvod.request.v20170321.GetPlayInfoRequest import GetPlayInfoRequest
        request = GetPlayInfoRequest()
        request.set_VideoId(video_id)
        request.set_OutputType("cdn")
        return request

    answer = _known(lambda: rpc.call("VOD", vod_endpoint(), credentials, video_info))
    video = (answer or {}).get("Video")
    if not isinstance(video, dict) or video.get("VideoId") != video_id or not _text(video.get("Status")):
        return None
    play_url, streams = None, {}
    if with_streams and video["Status"] not in ("Uploading", "UploadFail"):
        played = _known(lambda: rpc.call("VOD", vod_endpoint(), credentials, play_info))
        if played is not None:
            play_url, streams = _streams(played)
    return CloudVideo(video_id=video_id, status=video["Status"], title=_text(video.get("Title")),
                      size=_int(video.get("Size")), duration=_float(video.get("Duration")),
                      cover_url=without_query(video.get("CoverURL")), owner=user_data_owner(video.get("UserData")),
                      play_url=play_url, streams=streams)


def read_image(credentials: AliyunCredentials, image_id: str) -> CloudImage | None:
    """GetImageInfo; None when VOD does not know the image."""
    def image_info() -> Any:
        from aliyunsdkvod.request.v20170321.GetImageInfoRequest import GetImageInfoRequest
        request = GetImageInfoRequest()
        request.set_ImageId(image_id)
        return request

    answer = _known(lambda: rpc.call("VOD", vod_endpoint(), credentials, image_info))
    image = (answer or {}).get("ImageInfo")
    if not isinstance(image, dict) or image.get("ImageId") != image_id or not _text(image.get("Status")):
        return None
    mezzanine = image.get("Mezzanine") if isinstance(image.get("Mezzanine"), dict) else {}
    return CloudImage(image_id=image_id, status=image["Status"], title=_text(image.get("Title")),
                      size=_int(mezzanine.get("FileSize")), url=without_query(image.get("URL")),
                      width=_int(mezzanine.get("Width")), height=_int(mezzanine.get("Height")))

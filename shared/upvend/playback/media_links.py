"""The short-lived URLs a media row yields for its owner: where to play or open it, and a thumbnail.

Which signer applies follows from the row: object-storage rows (a bucket and a
key) get presigned GETs with the function's own credentials; VOD rows get the
VOD domain's URL signing (a configured key signs locally; otherwise Aliyun VOD
signs through GetPlayInfo / GetImageInfo). Only `ready` rows get URLs. A
function signs the rows of the cloud whose role key the platform gave it
(FC: ALIBABA_CLOUD_*, SCF: TENCENTCLOUD_*); other rows get none.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from upvend import settings, uploads  # noqa: F401 (uploads declares UPLOAD_PREFIX)
from upvend.errors import UpvendError
from upvend.role_keys import has_role_key
from upvend.playback import aliyun_play_info, cdn_type_a, cos_url, oss_url, vod_key_hotlink
from upvend.storage.media import MediaRecord

MAX_SIGNED_URL_SECONDS = 3600
_log = logging.getLogger("upvend.playback")


def _process(pattern: str) -> Any:
    def parse(raw: str) -> str:
        if not re.fullmatch(pattern, raw):
            raise ValueError("is not an image-processing instruction this setting accepts")
        return raw
    return parse


def _choice(*options: str) -> Any:
    def parse(raw: str) -> str:
        if raw.lower() not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return raw.lower()
    return parse


def _play_key(raw: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9]{6,40}", raw):
        raise ValueError("must be 6 to 40 letters or digits")
    return raw


settings.declare("SIGNED_URL_SECONDS", settings.int_between(60, MAX_SIGNED_URL_SECONDS), 600,
                 doc="Lifetime of the playback and display URLs GET /media answers (60 to 3600 s).")
settings.declare("ALIYUN_OSS_URL_SIGNATURE", _choice("v4", "v1"), "v4",
                 doc="OSS presigned URL signature: v4 (default) or v1 for regions or tools that need it.")
settings.declare("ALIYUN_OSS_THUMBNAIL_PROCESS", _process(r"image/[A-Za-z0-9_,/.]{1,200}"),
                 "image/resize,m_lfit,w_320,h_320",
                 doc="x-oss-process value of image thumbnails (OSS image processing).")
settings.declare("TENCENT_COS_THUMBNAIL_PROCESS", _process(r"imageMogr2/[A-Za-z0-9_,/!.]{1,200}"), "",
                 doc="COS image-processing instruction of image thumbnails (needs Cloud Infinite on the bucket), "
                     "e.g. imageMogr2/thumbnail/320x320; empty = thumbnails are the image itself.")
settings.declare("ALIYUN_VOD_PLAY_AUTH_KEY", _play_key, "", secret=True,
                 doc="Type A URL-signing key of the VOD (CDN) domain; empty = VOD signs through GetPlayInfo.")
settings.declare("ALIYUN_VOD_PLAY_AUTH_VALIDITY_SECONDS", settings.int_between(1, 31_536_000), 1800,
                 doc="Validity period set with that key in the console (type A URLs live timestamp + this, "
                     "so upvend back-dates the timestamp).")
settings.declare("TENCENT_VOD_PLAY_KEY", _play_key, "", secret=True,
                 doc="Key hotlink protection KEY of the VOD domain; empty = plain URLs.")
settings.declare("TENCENT_VOD_PLAY_EXPER", settings.int_between(0, 86_400), 0,
                 doc="Key hotlink protection preview length in seconds (0 = the whole media).")
settings.declare("TENCENT_VOD_PLAY_RLIMIT", settings.int_between(0, 9), 0,
                 doc="Key hotlink protection: at most this many client IPs per URL (0 = no limit).")


@dataclass(frozen=True)
class MediaLinks:
    """What a client opens: `play_url` (the media), `thumbnail_url`, both valid until `expires_at`."""

    play_url: str | None = None
    thumbnail_url: str | None = None
    expires_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        expires = self.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ") if self.expires_at and self.play_url else None
        return {"playUrl": self.play_url, "thumbnailUrl": self.thumbnail_url, "urlsExpireAt": expires}


NO_LINKS = MediaLinks()


def _aliyun_credentials() -> Any:
    from upvend.aliyun.credentials import function_credentials
    return function_credentials()


def _tencent_credentials() -> Any:
    from upvend.tencent.config import role_credentials
    return role_credentials()


def _readable(bucket: str | None, key: str | None, configured_bucket: str) -> bool:
    """Only the upload bucket's upload prefix: what the function's read permission covers."""
    return bucket == configured_bucket and bool(key) and key.startswith(settings.get("UPLOAD_PREFIX") + "/")


def _oss_links(record: MediaRecord, now: int, seconds: int) -> MediaLinks:
    from upvend.aliyun.config import oss_form_host, region

    if not _readable(record.bucket, record.object_key, settings.get("ALIYUN_OSS_BUCKET")):
        return NO_LINKS
    creds = _aliyun_credentials()
    base, bucket, key = oss_form_host(record.bucket), record.bucket, record.object_key

    def sign(process: str | None) -> str:
        if settings.get("ALIYUN_OSS_URL_SIGNATURE") == "v1":
            return oss_url.presign_v1(base, bucket, key, access_key_id=creds.access_key_id,
                                      secret=creds.access_key_secret, expires=now + seconds,
                                      security_token=creds.security_token, process=process)
        return oss_url.presign_v4(base, bucket, key, access_key_id=creds.access_key_id,
                                  secret=creds.access_key_secret, region=region(),
                                  now=datetime.fromtimestamp(now, timezone.utc), expires_in=seconds,
                                  security_token=creds.security_token, process=process)

    thumb = sign(settings.get("ALIYUN_OSS_THUMBNAIL_PROCESS")) if record.kind == "image" else None
    return MediaLinks(sign(None), thumb, datetime.fromtimestamp(now + seconds, timezone.utc))


def _cos_links(record: MediaRecord, now: int, seconds: int) -> MediaLinks:
    from upvend.tencent.config import cos_target

    target = cos_target()
    if not _readable(record.bucket, record.object_key, target.bucket):
        return NO_LINKS
    creds = _tencent_credentials()

    def sign(process: str | None) -> str:
        return cos_url.presign_get(target.base_url, record.object_key, secret_id=creds.secret_id,
                                   secret_key=creds.secret_key, start=now - 60, end=now + seconds,
                                   security_token=creds.token, process=process)

    process = settings.get("TENCENT_COS_THUMBNAIL_PROCESS") or None
    thumb = sign(process) if record.kind == "image" else None
    return MediaLinks(sign(None), thumb, datetime.fromtimestamp(now + seconds, timezone.utc))


def _aliyun_vod_links(record: MediaRecord, now: int, seconds: int) -> MediaLinks:
    key = settings.get("ALIYUN_VOD_PLAY_AUTH_KEY")
    expires = datetime.fromtimestamp(now + seconds, timezone.utc)
    if key:
        stamp = now + seconds - settings.get("ALIYUN_VOD_PLAY_AUTH_VALIDITY_SECONDS")

        def sign(url: str | None) -> str | None:
            return cdn_type_a.sign_type_a(url, key, stamp, secrets.token_hex(16)) if url else None
        play = sign(record.media_url)
        return MediaLinks(play, play if record.kind == "image" else sign(record.cover_url), expires)
    creds = _aliyun_credentials()
    try:
        if record.kind == "image":
            url = aliyun_play_info.image_url(creds, record.media_id, seconds)
            return MediaLinks(url, url, expires)
        play, cover = aliyun_play_info.play_info(creds, record.media_id, seconds)
    except UpvendError as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        if details.get("aliyunCode") in aliyun_play_info.NOT_PLAYABLE_CODES:
            return NO_LINKS
        raise
    return MediaLinks(play, cover, expires)


def _tencent_vod_links(record: MediaRecord, now: int, seconds: int) -> MediaLinks:
    key = settings.get("TENCENT_VOD_PLAY_KEY")
    expires = datetime.fromtimestamp(now + seconds, timezone.utc)
    if not key:
        thumb = record.media_url if record.kind == "image" else record.cover_url
        return MediaLinks(record.media_url, thumb, expires if record.media_url else None)

    def sign(url: str | None) -> str | None:
        if not url:
            return None
        return vod_key_hotlink.sign_key_hotlink(url.split("?", 1)[0], key, now + seconds, secrets.token_hex(5),
                                                settings.get("TENCENT_VOD_PLAY_EXPER"),
                                                settings.get("TENCENT_VOD_PLAY_RLIMIT"))
    play = sign(record.media_url)
    return MediaLinks(play, play if record.kind == "image" else sign(record.cover_url), expires)


def _signer(record: MediaRecord) -> Any:
    if not has_role_key(record.provider):  # a function signs only its own cloud's rows
        return None
    stored_object = bool(record.bucket and record.object_key)
    if record.provider == "aliyun":
        return _oss_links if stored_object else _aliyun_vod_links
    return _cos_links if stored_object else _tencent_vod_links


def links_for(record: MediaRecord, now: int | None = None) -> MediaLinks:
    """Signed URLs for a ready row; no URLs for other rows or for a cloud this function has no keys for."""
    signer = _signer(record)
    if record.status != "ready" or signer is None:
        return NO_LINKS
    now = int(time.time()) if now is None else now
    try:
        return signer(record, now, settings.get("SIGNED_URL_SECONDS"))
    except UpvendError as exc:
        _log.warning("could not sign the URLs of a media row", extra={"provider": record.provider,
                                                                     "errorCode": exc.code})
        return NO_LINKS

"""OSS (FC) and COS (SCF) object-created trigger events, and the media rows they complete.

Delivery is asynchronous and at least once, so each object version has one
dedupe key (bucket + key + ETag, or what the event offers instead). Only objects
under the upload prefix are recorded; the owner is read from the key, which the
server chose, never from client-set metadata. Objects that break the upload
rules (extension, size, or the Content-Type where the event reports one) are
skipped and logged: temporary keys can store them, but they are not media.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field

from upvend.logs import get_logger
from upvend.notices.object_keys import kind_of, upload_key
from upvend.storage.media import object_media_id
from upvend.storage.notices import MediaNotice
from upvend.uploads import refused_object

log = get_logger("upvend.storage_triggers")


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class OssBucket(_Lenient):
    name: str = Field(min_length=1)


class OssObject(_Lenient):
    key: str = Field(min_length=1)
    size: int | None = None
    etag: str | None = Field(None, alias="eTag")


class OssInfo(_Lenient):
    bucket: OssBucket
    object: OssObject


class OssEventRecord(_Lenient):
    eventName: str
    eventTime: str | None = None
    region: str | None = None
    oss: OssInfo


class OssTriggerEvent(_Lenient):
    """FC's OSS trigger event: `{"events": [...]}`."""

    events: list[OssEventRecord] = Field(min_length=1)


def _refused(bucket: str, key: str, size: int | None, content_type: str | None) -> bool:
    """Whether the object breaks the upload rules; logged, since only a temporary key can store one."""
    reason = refused_object(key, size, content_type)
    if reason is not None:
        log.warning("object breaks the upload rules; not recorded",
                    extra={"bucket": bucket, "key": key, "reason": reason, "size": size, "contentType": content_type})
    return reason is not None


ContentTypeOf = Callable[[str, str], "str | None"]


def oss_trigger_notices(event: OssTriggerEvent,
                        content_type_of: ContentTypeOf | None = None) -> tuple[list[MediaNotice], int]:
    """Notices for the created objects under the upload prefix, and how many records were skipped.

    FC's event carries no Content-Type: `content_type_of(bucket, key)` reads the
    stored one (None when unknown) so objects of another type than their extension's
    are skipped too.
    """
    notices, skipped = [], 0
    for record in event.events:
        bucket, obj = record.oss.bucket.name, record.oss.object
        issued = upload_key(obj.key)
        if not record.eventName.startswith("ObjectCreated:") or issued is None:
            skipped += 1
            continue
        if _refused(bucket, issued.key, obj.size, None):
            skipped += 1
            continue
        mime = content_type_of(bucket, issued.key) if content_type_of else None
        if mime and _refused(bucket, issued.key, obj.size, mime):
            skipped += 1
            continue
        etag = (obj.etag or "").strip('"').upper() or None
        notices.append(MediaNotice(
            dedupe_key=f"aliyun-oss:{record.eventName}:{bucket}/{issued.key}:{etag or obj.size}",
            event_type=record.eventName, provider="aliyun", media_id=object_media_id(bucket, issued.key),
            kind=kind_of(mime, issued.key), status="ready", owner=issued.owner, size=obj.size, mime_type=mime,
            bucket=bucket,
            object_key=issued.key, region=record.region, etag=etag,
        ))
    return notices, skipped


class CosBucket(_Lenient):
    name: str = Field(min_length=1)
    appid: str = Field(min_length=1)
    region: str | None = None


class CosObject(_Lenient):
    key: str = Field(min_length=1)
    url: str | None = None
    size: int | None = None
    meta: dict[str, Any] = Field(default_factory=dict)


class CosInfo(_Lenient):
    cosBucket: CosBucket
    cosObject: CosObject


class CosEventInfo(_Lenient):
    eventName: str


class CosEventRecord(_Lenient):
    cos: CosInfo
    event: CosEventInfo


class CosTriggerEvent(_Lenient):
    """SCF's COS trigger event: `{"Records": [...]}`."""

    Records: list[CosEventRecord] = Field(min_length=1)


def _meta(meta: dict[str, Any], name: str) -> str | None:
    value = next((v for k, v in meta.items() if k.lower() == name), None)
    return str(value) if value not in (None, "") else None


# COS trigger events may name the region by its short code; rows keep the name the COS API and the STS
# answer use (ap-guangzhou), taken from the object URL's host when it has one.
COS_SHORT_REGIONS = {"bj": "ap-beijing", "sh": "ap-shanghai", "gz": "ap-guangzhou", "cd": "ap-chengdu",
                     "cq": "ap-chongqing", "nj": "ap-nanjing", "hk": "ap-hongkong", "sgp": "ap-singapore",
                     "tpe": "ap-taipei", "bkk": "ap-bangkok", "jkt": "ap-jakarta", "tyo": "ap-tokyo",
                     "seo": "ap-seoul", "ger": "eu-frankfurt", "sao": "sa-saopaulo", "usw": "na-siliconvalley",
                     "use": "na-ashburn"}
_COS_HOST_REGION = re.compile(r"^https?://[^/]+\.cos\.([a-z0-9-]+)\.myqcloud\.com(?::\d+)?/")


def cos_region(reported: str, url: str | None) -> str:
    """The full region name (`ap-guangzhou`) of a COS event's bucket."""
    from_url = _COS_HOST_REGION.match(url or "")
    if from_url:
        return from_url[1]
    return COS_SHORT_REGIONS.get(reported, reported)


def cos_object_key(reported: str, appid: str, bucket: str) -> str:
    """The object key without the `/<appid>/<bucket>/` the event puts in front of it."""
    prefix = f"/{appid}/{bucket}/"
    return reported[len(prefix):] if reported.startswith(prefix) else reported.lstrip("/")


def cos_trigger_notices(event: CosTriggerEvent) -> tuple[list[MediaNotice], int]:
    """Notices for the created objects under the upload prefix, and how many records were skipped."""
    notices, skipped = [], 0
    for record in event.Records:
        cb, obj = record.cos.cosBucket, record.cos.cosObject
        issued = upload_key(cos_object_key(obj.key, cb.appid, cb.name))
        if not record.event.eventName.startswith("cos:ObjectCreated:") or issued is None:
            skipped += 1
            continue
        claimed = _meta(obj.meta, "x-cos-meta-uid")
        if claimed is not None and claimed != issued.owner:
            log.warning("x-cos-meta-uid differs from the key's owner; the key wins", extra={"key": issued.key})
        bucket = f"{cb.name}-{cb.appid}"  # the full name the COS API uses
        mime = _meta(obj.meta, "content-type")
        if _refused(bucket, issued.key, obj.size, mime):
            skipped += 1
            continue
        etag = (_meta(obj.meta, "etag") or "").strip('"') or None
        version = etag or _meta(obj.meta, "x-cos-request-id") or str(obj.size)
        notices.append(MediaNotice(
            dedupe_key=f"tencent-cos:{record.event.eventName}:{bucket}/{issued.key}:{version}",
            event_type=record.event.eventName, provider="tencent", media_id=object_media_id(bucket, issued.key),
            kind=kind_of(mime, issued.key), status="ready", owner=issued.owner, size=obj.size, mime_type=mime,
            media_url=obj.url, bucket=bucket, object_key=issued.key, region=cos_region(cb.region, obj.url), etag=etag,
        ))
    return notices, skipped

"""Tencent VOD events as hints: each file is read back with DescribeMediaInfos before anything is recorded.

A push body is not signed by default (only the secret path token, and `Sign` when a
SignKey is set), so what a NewFileUpload records (name, size, URLs, region) comes from
VOD's own `MediaInfoSet[].BasicInfo` / `MetaData`, and its owner from
`BasicInfo.SourceInfo.SourceContext`: the value the server put inside its HMAC-signed
upload signature, which a client cannot change. A ProcedureStateChanged takes its
transcode URLs from `TranscodeInfo.TranscodeSet`, and a whole-file FileDeleted is
applied only once VOD lists the file in `NotExistFileIdSet`. Notices about files VOD
does not know, or whose owner differs from the row's, are dropped (nothing written).
Pull events take the same path.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

from upvend import settings
from upvend.errors import UpstreamError
from upvend.notices.object_keys import kind_of
from upvend.storage.media import MediaRepository
from upvend.storage.notices import MediaNotice
from upvend.tencent import config as tencent_config
from upvend.tencent.api import call_tencent, sdk_client

settings.declare("TENCENT_VOD_EVENT_REREAD", settings.on_off, True,
                 doc="Read each VOD event's file back with DescribeMediaInfos and record VOD's answer instead of "
                     "the event body (push and pull). Turn off only for tests of the mapping.")

MAX_FILE_IDS = 20  # DescribeMediaInfos takes at most 20 FileIds per call
_FILTERS = ["basicInfo", "metaData", "transcodeInfo"]
_SOURCE_DEFINITION = 0  # TranscodeSet lists the source file as definition 0


@dataclass(frozen=True)
class CloudFile:
    """What DescribeMediaInfos says about one file."""

    file_id: str
    owner: str | None
    name: str | None = None
    media_type: str | None = None
    media_url: str | None = None
    cover_url: str | None = None
    region: str | None = None
    size: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    transcodes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CloudAnswer:
    files: dict[str, CloudFile]
    missing: frozenset[str]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def cloud_file(info: dict[str, Any]) -> CloudFile | None:
    """One MediaInfoSet element as a CloudFile; None without a FileId."""
    file_id = _text(info.get("FileId"))
    if file_id is None:
        return None
    basic, meta = _dict(info.get("BasicInfo")), _dict(info.get("MetaData"))
    transcodes = {str(t.get("Definition")): t["Url"] for t in _dict(info.get("TranscodeInfo")).get("TranscodeSet") or []
                  if isinstance(t, dict) and _text(t.get("Url")) and t.get("Definition") != _SOURCE_DEFINITION}
    return CloudFile(file_id=file_id, owner=_text(_dict(basic.get("SourceInfo")).get("SourceContext")),
                     name=_text(basic.get("Name")), media_type=_text(basic.get("Type")),
                     media_url=_text(basic.get("MediaUrl")), cover_url=_text(basic.get("CoverUrl")),
                     region=_text(basic.get("StorageRegion")), size=_int(meta.get("Size")),
                     meta={k: meta.get(v) for k, v in (("width", "Width"), ("height", "Height"),
                                                       ("duration", "Duration"), ("container", "Container"))},
                     transcodes=transcodes)


def describe_media(file_ids: list[str]) -> CloudAnswer:
    """DescribeMediaInfos through tencentcloud-sdk-python-vod with the function role's keys."""
    client = sdk_client("tencentcloud.vod.v20180717.vod_client.VodClient", "TENCENT_VOD_API_ENDPOINT",
                        tencent_config.role_credentials(), "")
    app = settings.get("TENCENT_VOD_SUB_APP_ID")
    files: dict[str, CloudFile] = {}
    missing: set[str] = set()
    for start in range(0, len(file_ids), MAX_FILE_IDS):
        params: dict[str, Any] = {"FileIds": file_ids[start:start + MAX_FILE_IDS], "Filters": _FILTERS,
                                  **({"SubAppId": app} if app else {})}
        # The raw JSON, as for PullEvents: the SDK's models drop fields their version does not know.
        answer = _dict(_dict(call_tencent("VOD", "DescribeMediaInfos",
                                          lambda: client.call_json("DescribeMediaInfos", params))).get("Response"))
        infos, gone = answer.get("MediaInfoSet") or [], answer.get("NotExistFileIdSet") or []
        if not isinstance(infos, list) or not isinstance(gone, list):
            raise UpstreamError("VOD answered DescribeMediaInfos with an unexpected shape.", code="tencent_error")
        files.update((f.file_id, f) for f in (cloud_file(_dict(i)) for i in infos) if f is not None)
        missing.update(str(g) for g in gone)
    return CloudAnswer(files, frozenset(missing))


Describer = Callable[[list[str]], CloudAnswer]


def _agreeing_owner(notice: MediaNotice, cloud: CloudFile, row_owner: str | None) -> bool:
    owners = {o for o in (cloud.owner, row_owner, notice.owner) if o}
    return len(owners) <= 1


def _confirmed(notice: MediaNotice, answer: CloudAnswer, repo: MediaRepository) -> MediaNotice | None:
    if notice.event_type == "FileDeleted":
        if notice.status == "deleted":
            return notice if notice.media_id in answer.missing and notice.media_id not in answer.files else None
        return notice if notice.media_id in answer.files else None
    cloud = answer.files.get(notice.media_id)
    if cloud is None:
        return None
    row = repo.get(notice.provider, notice.media_id)
    if not _agreeing_owner(notice, cloud, row.owner if row else None):
        return None
    if notice.event_type == "NewFileUpload":
        kind = kind_of(None, f"x.{cloud.media_type}") if cloud.media_type else notice.kind
        return replace(notice, kind=kind, owner=cloud.owner, title=cloud.name, size=cloud.size,
                       media_url=cloud.media_url, cover_url=cloud.cover_url, region=cloud.region,
                       extra={**cloud.meta, "type": cloud.media_type})
    extra = {k: v for k, v in notice.extra.items() if k != "transcodes"}
    if cloud.transcodes:
        extra["transcodes"] = cloud.transcodes
    status = "ready" if cloud.transcodes else notice.status
    return replace(notice, status=status, owner=cloud.owner, media_url=cloud.media_url, extra=extra)


def reread_notices(notices: Iterable[MediaNotice], *, repo: MediaRepository | None = None,
                   describe: Describer = describe_media) -> list[MediaNotice]:
    """The notices VOD confirms, rebuilt from its answer; the others are dropped."""
    notices = list(notices)
    if not notices:
        return []
    repo = repo or MediaRepository()
    answer = describe(list(dict.fromkeys(n.media_id for n in notices)))
    return [n for n in (_confirmed(notice, answer, repo) for notice in notices) if n is not None]


def rereading() -> bool:
    """Whether events are read back from VOD (TENCENT_VOD_EVENT_REREAD)."""
    return bool(settings.get("TENCENT_VOD_EVENT_REREAD"))

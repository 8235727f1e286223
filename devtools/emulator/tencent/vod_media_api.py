"""Emulated VOD API 3.0 actions DescribeMediaInfos and DeleteMedia (service `vod`, Version 2018-07-17), and the
check every emulated VOD API action makes: TC3 signature, token and expiry, the version, and the key's CAM policy.

The answer has the published shape (field names from tencentcloud-sdk-python's vod models):
`MediaInfoSet[]` of `{FileId, BasicInfo, MetaData, TranscodeInfo}` for the files CommitUploadUGC
made, and `NotExistFileIdSet` for the others. `Filters` picks the parts (all when absent). The
emulator cannot decode media, so MetaData carries the size and zero dimensions; TranscodeInfo
lists the source (definition 0) and what a task flow transcoded.

DeleteMedia of the whole media (`DeleteParts` empty, the default) removes its source and cover files; a FileId VOD
does not know answers `ResourceNotFound.FileNotExist`, as VOD does. Partial deletes are not emulated.
"""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from devtools.emulator.service import Service
from devtools.emulator.tencent.keys import policy_allows
from devtools.emulator.tencent.sts import TencentApiError, _answer
from devtools.emulator.tencent.tc3 import parse_authorization

VOD_VERSION = "2018-07-17"
MAX_FILE_IDS = 20
_FILTERS = ("basicInfo", "metaData", "transcodeInfo")


def authorize_vod_action(emulator: Any, request: Request, body: bytes, action: str) -> dict[str, Any]:
    """Check a VOD API 3.0 call as VOD does; return its JSON parameters. Raises TencentApiError."""
    state = emulator.tencent
    service = emulator.service("tencent-api").authenticate(request, body, region_required=False)
    state.counters.add(action)
    if service != "vod":
        raise TencentApiError("InvalidAction", f"The action {action} is not emulated for {service}.")
    if request.headers.get("x-tc-version") != VOD_VERSION:
        raise TencentApiError("InvalidParameter", f"Version must be {VOD_VERSION}.")
    auth = parse_authorization(request.headers["authorization"])
    key = state.keys.get(auth.secret_id) if auth else None
    if key is None or not policy_allows(key.policy, f"name/vod:{action}", "*"):
        raise TencentApiError("UnauthorizedOperation", f"The key may not call vod:{action}.")
    fault = state.faults.take(action)
    if fault:
        raise TencentApiError(fault.code, fault.message)
    try:
        params = json.loads(body or b"{}")
    except json.JSONDecodeError:
        raise TencentApiError("InvalidParameter", "The body is not JSON.") from None
    if not isinstance(params, dict):
        raise TencentApiError("InvalidParameter", "The body must be a JSON object.")
    app = params.get("SubAppId", 0)
    if isinstance(app, bool) or not isinstance(app, int) or app < 0:
        raise TencentApiError("InvalidParameterValue.SubAppId", "SubAppId must be an application id.")
    if app not in (0, state.account.vod_sub_app_id):
        raise TencentApiError("InvalidParameterValue.SubAppId", f"No VOD application {app}.")
    return params


def is_vod_api_call(request: Request, actions: tuple[str, ...] | frozenset[str]) -> bool:
    """A signed API 3.0 POST for one of `actions` (claimed before the generic Tencent API service)."""
    return (request.method == "POST" and request.headers.get("x-tc-action") in actions
            and request.headers.get("authorization", "").startswith("TC3-HMAC-SHA256"))


def _utc(stamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))


def media_info(media: dict[str, Any], filters: tuple[str, ...]) -> dict[str, Any]:
    """One MediaInfoSet element for a committed upload."""
    info: dict[str, Any] = {"FileId": media["fileId"]}
    created = _utc(media["createdAt"])
    if "basicInfo" in filters:
        info["BasicInfo"] = {
            "Name": media.get("mediaName", ""), "Description": "", "CreateTime": created, "UpdateTime": created,
            "ExpireTime": "9999-12-31T23:59:59Z", "ClassId": media.get("classId", 0), "ClassName": "其他",
            "ClassPath": "", "CoverUrl": media.get("coverUrl", ""), "Type": media.get("mediaType", ""),
            "MediaUrl": media.get("mediaUrl", ""), "Vid": media["fileId"], "Category": "Video", "Status": "Normal",
            "SourceInfo": {"SourceType": "Upload", "SourceContext": media.get("sourceContext", "")},
            "StorageRegion": media.get("storageRegion", ""), "StoragePath": media.get("storagePath", ""),
            "TagSet": [], "StorageClass": "STANDARD"}
    if "metaData" in filters:
        info["MetaData"] = {"Size": media["size"], "Container": media.get("mediaType", ""), "Bitrate": 0,
                            "Height": 0, "Width": 0, "Duration": 0, "Rotate": 0, "VideoStreamSet": [],
                            "AudioStreamSet": [], "VideoDuration": 0, "AudioDuration": 0}
    if "transcodeInfo" in filters:
        source = {"Url": media.get("mediaUrl", ""), "Definition": 0, "Size": media["size"], "Container": ""}
        info["TranscodeInfo"] = {"TranscodeSet": [source, *({"Url": url, "Definition": definition}
                                                            for definition, url in media["transcodes"].items())]}
    return info


class VodMediaApi(Service):
    name = "tencent-vod-media"
    actions = ("DescribeMediaInfos", "DeleteMedia")

    def __init__(self, emulator: Any, uploads: Any) -> None:
        self.emulator = emulator
        self.uploads = uploads  # the UGC upload service, which knows each FileId's files

    def matches(self, request: Request) -> bool:
        return is_vod_api_call(request, self.actions)

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        action = request.headers["x-tc-action"]
        try:
            params = authorize_vod_action(self.emulator, request, body, action)
            answer = self._describe(params) if action == "DescribeMediaInfos" else self._delete(params)
            return _answer(answer)
        except TencentApiError as exc:
            return _answer({"Error": {"Code": exc.code, "Message": exc.message}})

    def _describe(self, params: dict[str, Any]) -> dict[str, Any]:
        file_ids = params.get("FileIds")
        if (not isinstance(file_ids, list) or not 0 < len(file_ids) <= MAX_FILE_IDS
                or not all(isinstance(f, str) and f for f in file_ids)):
            raise TencentApiError("InvalidParameterValue.FileIds", f"FileIds must list 1 to {MAX_FILE_IDS} ids.")
        filters = params.get("Filters") or list(_FILTERS)
        if not isinstance(filters, list) or not all(isinstance(f, str) for f in filters):
            raise TencentApiError("InvalidParameterValue.Filters", "Filters must be a list of names.")
        known = self.emulator.tencent.vod_media
        found = [media_info(known[f], tuple(filters)) for f in dict.fromkeys(file_ids) if f in known]
        missing = [f for f in dict.fromkeys(file_ids) if f not in known]
        return {"MediaInfoSet": found, "NotExistFileIdSet": missing}

    def _delete(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params.get("FileId")
        if not isinstance(file_id, str) or not file_id:
            raise TencentApiError("MissingParameter", "FileId is required.")
        if params.get("DeleteParts"):
            raise TencentApiError("InvalidParameterValue", "Deleting parts of a media is not emulated.")
        if not self.uploads.remove_media(file_id):
            raise TencentApiError("ResourceNotFound.FileNotExist", "The file does not exist.")
        return {}

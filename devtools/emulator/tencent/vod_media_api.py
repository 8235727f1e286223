"""Emulated VOD API 3.0 action DeleteMedia (service `vod`, Version 2018-07-17).

Claimed before the generic Tencent API service by its `X-TC-Action`; the
TC3-HMAC-SHA256 signature is checked by the same code as every API 3.0 call
(VOD needs no region) and the key's CAM policy must allow `vod:DeleteMedia`.
Deleting every part of the media (`DeleteParts` empty, the default) removes its
source and cover files; a FileId VOD does not know answers
`ResourceNotFound.FileNotExist`, as VOD does. Partial deletes are not emulated.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from devtools.emulator.service import Service
from devtools.emulator.tencent.keys import policy_allows
from devtools.emulator.tencent.sts import TencentApiError, _answer
from devtools.emulator.tencent.tc3 import parse_authorization

VOD_VERSION = "2018-07-17"


class VodMediaApi(Service):
    name = "tencent-vod-media"

    def __init__(self, state: Any, api: Any, uploads: Any) -> None:
        self.state = state
        self.api = api  # the generic API 3.0 service: its TC3 verification
        self.uploads = uploads  # the UGC upload service, which knows each FileId's files

    def matches(self, request: Request) -> bool:
        return (request.method == "POST" and request.headers.get("x-tc-action") == "DeleteMedia"
                and request.headers.get("authorization", "").startswith("TC3-HMAC-SHA256"))

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        try:
            service = self.api.authenticate(request, body, region_required=False)
            self.state.counters.add("DeleteMedia")
            if service != "vod":
                raise TencentApiError("InvalidAction", f"The action DeleteMedia is not emulated for {service}.")
            if request.headers.get("x-tc-version") != VOD_VERSION:
                raise TencentApiError("InvalidParameter", f"Version must be {VOD_VERSION}.")
            auth = parse_authorization(request.headers["authorization"])
            key = self.state.keys.get(auth.secret_id) if auth else None
            if key is None or not policy_allows(key.policy, "name/vod:DeleteMedia", "*"):
                raise TencentApiError("UnauthorizedOperation", "The key may not call vod:DeleteMedia.")
            fault = self.state.faults.take("DeleteMedia")
            if fault:
                raise TencentApiError(fault.code, fault.message)
            params = self._params(body)
            if not self.uploads.remove_media(params["FileId"]):
                raise TencentApiError("ResourceNotFound.FileNotExist", "The file does not exist.")
            return _answer({})
        except TencentApiError as exc:
            return _answer({"Error": {"Code": exc.code, "Message": exc.message}})

    def _params(self, body: bytes) -> dict[str, Any]:
        try:
            params = json.loads(body or b"{}")
        except json.JSONDecodeError:
            raise TencentApiError("InvalidParameter", "The body is not JSON.") from None
        if not isinstance(params, dict) or not isinstance(params.get("FileId"), str) or not params["FileId"]:
            raise TencentApiError("MissingParameter", "FileId is required.")
        app = params.get("SubAppId", 0)
        if isinstance(app, bool) or not isinstance(app, int) or app not in (0, self.state.account.vod_sub_app_id):
            raise TencentApiError("InvalidParameterValue.SubAppId", f"No VOD application {app}.")
        if params.get("DeleteParts"):
            raise TencentApiError("InvalidParameterValue", "Deleting parts of a media is not emulated.")
        return params

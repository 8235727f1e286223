"""Emulated Tencent Cloud: API 3.0 (STS AssumeRole, VOD DescribeMediaInfos and DeleteMedia), COS, VOD UGC upload,
and their admin endpoints."""

from __future__ import annotations

from typing import Any

from devtools.emulator.service import Service
from devtools.emulator.tencent.admin import TencentAdminService
from devtools.emulator.tencent.cos import CosService
from devtools.emulator.tencent.state import TencentState
from devtools.emulator.tencent.sts import TencentApiService
from devtools.emulator.tencent.vod_media_api import VodMediaApi
from devtools.emulator.tencent.vod_ugc import VodUgcService


def tencent_services(emulator: Any) -> list[Service]:
    """The Tencent services, sharing one account state (kept on `emulator.tencent`)."""
    state = TencentState()
    emulator.tencent = state
    api, uploads = TencentApiService(state), VodUgcService(state, emulator)
    return [TencentAdminService(state), VodMediaApi(emulator, uploads), api, uploads, CosService(state, emulator)]

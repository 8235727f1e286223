"""Emulated Aliyun: the RPC endpoint (STS, VOD), OSS, and their admin endpoints."""

from __future__ import annotations

from typing import Any

from devtools.emulator.aliyun.admin import AliyunAdminService
from devtools.emulator.aliyun.oss import OssService
from devtools.emulator.aliyun.rpc import RpcService
from devtools.emulator.aliyun.state import AliyunState
from devtools.emulator.aliyun.sts import assume_role
from devtools.emulator.aliyun.vod import VodApi
from devtools.emulator.aliyun.vod_delete import VodDeleteApi
from devtools.emulator.aliyun.vod_play import VodPlayApi
from devtools.emulator.aliyun.vod_reads import VodReadsApi
from devtools.emulator.service import Service


def aliyun_services(emulator: Any, state: AliyunState | None = None) -> list[Service]:
    """The Aliyun services, sharing one account state; list them before the generic admin service."""
    state = state or AliyunState()
    vod = VodApi(state, emulator.config.public_url)
    handlers = {("sts", "AssumeRole"): lambda params, key: assume_role(state, params, key), **vod.handlers(),
                **VodPlayApi(state, emulator).handlers(), **VodDeleteApi(state, emulator).handlers(),
                **VodReadsApi(state, emulator).handlers()}
    return [AliyunAdminService(state), RpcService(state, handlers), OssService(state, emulator)]

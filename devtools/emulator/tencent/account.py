"""The emulated Tencent Cloud account: DEV-ONLY keys the emulator accepts. Never deploy them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TencentDevAccount:
    appid: str = "1250000000"
    uin: str = "100000000001"
    region: str = "ap-guangzhou"
    bucket: str = "upvend-dev-1250000000"
    role_arn: str = "qcs::cam::uin/100000000001:roleName/upvend-cos-upload"
    # What SCF would put in TENCENTCLOUD_SECRETID/SECRETKEY/SESSIONTOKEN for the function's role.
    role_secret_id: str = "AKIDlocalDevFunctionRole00000000000000"
    role_secret_key: str = "local-dev-function-role-key-never-deploy"
    role_token: str = "local-dev-function-role-session-token"
    # The VOD-upload-only sub-account key (a permanent key).
    vod_secret_id: str = "AKIDlocalDevVodUploadKey00000000000000"
    vod_secret_key: str = "local-dev-vod-upload-key-never-deploy"
    vod_sub_app_id: int = 1400000001
    vod_storage_region: str = "ap-chongqing"


DEV_ACCOUNT = TencentDevAccount()

"""DEV-ONLY defaults that let the whole stack run offline.

These values exist only in the local stack's own process. A variable already set
in the environment wins over its default here. Deployed functions never see this
module: it is outside the layer, and the layer has no fallback values.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import MutableMapping

from devtools.emulator.aliyun.config import ALIYUN_DEV, aliyun_local_defaults
from devtools.emulator.config import EmulatorConfig
from devtools.emulator.hosts import local_name_url
from devtools.emulator.oss_callback import KEY_PATH as OSS_CALLBACK_KEY_PATH
from devtools.emulator.tencent.account import DEV_ACCOUNT as TENCENT_DEV

DEV_JWT_SECRET = "dev-only-jwt-secret-never-deploy-0000"
DEV_VOD_CALLBACK_KEY = "DevOnlyVodCallbackKey0000"
DEV_TENCENT_VOD_CALLBACK_TOKEN = "dev-only-vod-callback-token-0000"
# Generated per process: nothing outside the local stack can know it.
DEV_OSS_CALLBACK_KEY = "dev-" + secrets.token_urlsafe(32)
# URL-signing keys of the emulated VOD distribution domains (Aliyun type A, Tencent Key hotlink protection).
DEV_ALIYUN_VOD_PLAY_AUTH_KEY = "DevOnlyAliyunPlayKey0000"
DEV_TENCENT_VOD_PLAY_KEY = "DevOnlyTencentKey000"


def local_defaults(emulator_url: str, data_dir: Path, emulator: EmulatorConfig) -> dict[str, str]:
    """Every setting the functions need, pointing at the emulator."""
    return {
        "UPVEND_JWT_SECRET": DEV_JWT_SECRET,
        "UPVEND_WECHAT_API_BASE": emulator_url,
        "UPVEND_WECHAT_APPID": emulator.wechat_appid,
        "UPVEND_WECHAT_SECRET": emulator.wechat_secret,
        "UPVEND_DATABASE_URL": f"sqlite:///{(data_dir / 'upvend.sqlite3').resolve()}",
        # One process serves every function here, as many instances would: room for concurrent requests.
        "UPVEND_DATABASE_CONNECTIONS": "8",
        "UPVEND_CORS_ORIGINS": "http://127.0.0.1:8000,http://localhost:8000",
        **aliyun_local_defaults(emulator_url),
        **tencent_defaults(emulator_url),
        # Completion notices: the emulator signs VOD callbacks with this key and URL, OSS callbacks
        # with its own RSA key (served under /_emulator/oss/), and pushes Tencent VOD events to the token path.
        "UPVEND_ALIYUN_VOD_CALLBACK_KEY": DEV_VOD_CALLBACK_KEY,
        "UPVEND_ALIYUN_VOD_CALLBACK_URL": f"{emulator.gateway_url}/aliyun/vod/callback",
        "UPVEND_TENCENT_VOD_CALLBACK_TOKEN": DEV_TENCENT_VOD_CALLBACK_TOKEN,
        # The emulator's key URL, and OSS's documented ones as a deployment trusts them (nothing here fetches those).
        "UPVEND_OSS_PUBKEY_URLS": ",".join((f"{emulator_url}{OSS_CALLBACK_KEY_PATH}",
                                            "https://gosspublic.alicdn.com/callback_pub_key_v1.pem",
                                            "http://gosspublic.alicdn.com/callback_pub_key_v1.pem")),
        # Form posts carry an upload callback to the local gateway; pull mode reads the emulated VOD API.
        "UPVEND_ALIYUN_OSS_CALLBACK_URL": f"{emulator.gateway_url}/aliyun/oss/callback",
        "UPVEND_ALIYUN_OSS_CALLBACK_KEY": DEV_OSS_CALLBACK_KEY,
        "UPVEND_TENCENT_VOD_API_ENDPOINT": emulator_url,
        # The console pages upload to and show media from the emulator (another origin than the gateway),
        # path-style and on its host-style names (devtools.emulator.hosts).
        "UPVEND_CONSOLE_MEDIA_ORIGINS": f"{emulator_url},{local_name_url(emulator_url, '*')}",
        # The emulated buckets are private and the VOD domains sign their URLs: GET /media signs with these.
        "UPVEND_ALIYUN_VOD_PLAY_AUTH_KEY": emulator.aliyun_vod_play_auth_key,
        "UPVEND_ALIYUN_VOD_PLAY_AUTH_VALIDITY_SECONDS": str(emulator.aliyun_vod_play_auth_validity),
        "UPVEND_TENCENT_VOD_PLAY_KEY": emulator.tencent_vod_play_key,
        # The emulator's `test-<name>` login codes are reusable fixtures (WeChat's are single-use), and every
        # local login comes from one loopback address: the replay guard is off and the per-address limit far
        # above what the tests send; both are tested with their own values.
        "UPVEND_LOGIN_CODE_REPLAY_SECONDS": "0",
        "UPVEND_LIMIT_LOGINS_PER_IP_PER_MINUTE": "100000",
    }


def tencent_defaults(emulator_url: str) -> dict[str, str]:
    """Tencent settings and the function role's keys (SCF sets TENCENTCLOUD_* itself), on the emulator."""
    return {
        "UPVEND_TENCENT_REGION": TENCENT_DEV.region,
        "UPVEND_TENCENT_COS_BUCKET": TENCENT_DEV.bucket,
        "UPVEND_TENCENT_COS_HOST": local_name_url(emulator_url, f"{TENCENT_DEV.bucket}.cos.{TENCENT_DEV.region}"),
        "UPVEND_TENCENT_STS_ROLE_ARN": TENCENT_DEV.role_arn,
        "UPVEND_TENCENT_STS_ENDPOINT": emulator_url,
        "UPVEND_TENCENT_VOD_SECRET_ID": TENCENT_DEV.vod_secret_id,
        "UPVEND_TENCENT_VOD_SECRET_KEY": TENCENT_DEV.vod_secret_key,
        "UPVEND_TENCENT_VOD_SUB_APP_ID": str(TENCENT_DEV.vod_sub_app_id),
        "UPVEND_TENCENT_VOD_STORAGE_REGION": TENCENT_DEV.vod_storage_region,
        "UPVEND_TENCENT_VOD_UGC_HOST": local_name_url(emulator_url, "vod2"),
        "TENCENTCLOUD_SECRETID": TENCENT_DEV.role_secret_id,
        "TENCENTCLOUD_SECRETKEY": TENCENT_DEV.role_secret_key,
        "TENCENTCLOUD_SESSIONTOKEN": TENCENT_DEV.role_token,
    }


def apply_defaults(defaults: dict[str, str], environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Set each default unless the environment already has the variable; returns what applies."""
    env = os.environ if environ is None else environ
    for name, value in defaults.items():
        if name not in env:  # set, even to "", wins: "" switches an optional setting off
            env[name] = value
    return {name: env[name] for name in defaults}

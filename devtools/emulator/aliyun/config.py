"""DEV-ONLY identities of the emulated Aliyun account: the function role's key, the role, the buckets."""

from __future__ import annotations

from dataclasses import dataclass

from devtools.emulator.hosts import local_name_url

ACCOUNT_ID = "1000000000000000"


@dataclass(frozen=True)
class AliyunDev:
    region: str = "cn-shanghai"
    # What FC would inject for the function's role; the emulator treats it as an issued STS key.
    function_key_id: str = "STS.LocalDevFunctionRoleKey"
    function_key_secret: str = "local-dev-function-role-secret"
    function_token: str = "local-dev-function-role-security-token"
    role_arn: str = f"acs:ram::{ACCOUNT_ID}:role/upvend-uploader"
    oss_bucket: str = "upvend-dev"
    vod_bucket: str = "outin-upvend-local"


ALIYUN_DEV = AliyunDev()


def local_oss_endpoint(emulator_url: str, dev: AliyunDev = ALIYUN_DEV) -> str:
    """The emulated OSS endpoint clients get: `http://oss-<region>.localhost:<port>`, host-style like OSS."""
    return local_name_url(emulator_url, f"oss-{dev.region}")


def aliyun_local_defaults(emulator_url: str, dev: AliyunDev = ALIYUN_DEV) -> dict[str, str]:
    """The settings that point the Aliyun functions at the emulator, with the dev role credentials.

    Server-side APIs (STS, VOD) stay on the loopback address; the OSS endpoint, which clients and
    browsers use, is the host-style name.
    """
    return {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": dev.function_key_id,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": dev.function_key_secret,
        "ALIBABA_CLOUD_SECURITY_TOKEN": dev.function_token,
        "UPVEND_ALIYUN_REGION": dev.region,
        "UPVEND_ALIYUN_OSS_BUCKET": dev.oss_bucket,
        "UPVEND_ALIYUN_STS_ROLE_ARN": dev.role_arn,
        "UPVEND_ALIYUN_STS_ENDPOINT": emulator_url,
        "UPVEND_ALIYUN_VOD_ENDPOINT": emulator_url,
        "UPVEND_ALIYUN_OSS_ENDPOINT": local_oss_endpoint(emulator_url, dev),
    }

"""Tencent settings (declared here, read when used) and the function's role credentials."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from upvend import settings
from upvend.errors import ConfigurationError

VOD_MAX_VALIDITY_SECONDS = 7_776_000  # 90 days, the VOD limit on expireTime - currentTimeStamp
POST_POLICY_MAX_SECONDS = 900



def _region(raw: str) -> str:
    if not re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", raw):
        raise ValueError("must look like ap-guangzhou")
    return raw


def _bucket(raw: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*-\d{5,}", raw):
        raise ValueError("must be <name>-<appid>, e.g. examplebucket-1250000000")
    return raw


# CAM role ARNs: by name or id, and service roles, whose names carry a path
# (`role/tencentcloudServiceRole/<id>`, `roleName/tencentcloudServiceRoleName/<name>`).
_ROLE_ARN = re.compile(r"qcs::cam::uin/\d+:(role/(tencentcloudServiceRole/)?|roleName/(tencentcloudServiceRoleName/)?)"
                       r"[\w+=,.@-]+")


def _role_arn(raw: str) -> str:
    if not _ROLE_ARN.fullmatch(raw):
        raise ValueError("must look like qcs::cam::uin/<uin>:roleName/<name> (or :role/<id>, or a service role "
                         ":roleName/tencentcloudServiceRoleName/<name>)")
    return raw



def _optional_base_url(raw: str) -> str:
    return settings.http_url(raw) if raw else ""


def _flag(raw: str) -> int:
    if raw not in ("0", "1"):
        raise ValueError("must be 0 or 1")
    return int(raw)


def _text(limit: int):
    def parse(raw: str) -> str:
        if len(raw) > limit:
            raise ValueError(f"must be at most {limit} characters")
        return raw
    return parse


settings.declare("TENCENT_REGION", _region, doc="Region of the COS bucket, e.g. ap-guangzhou.")
settings.declare("TENCENT_COS_BUCKET", _bucket, doc="COS bucket as <name>-<appid>.")
settings.declare("TENCENT_COS_HOST", _optional_base_url, "",
                 doc="COS base URL for uploads; default https://<bucket>.cos.<region>.myqcloud.com.")
settings.declare("TENCENT_STS_ROLE_ARN", _role_arn, doc="CAM role assumed for COS upload keys, "
                 "qcs::cam::uin/<uin>:roleName/<name>: it needs COS write on the bucket, and the function's role must "
                 "be allowed to assume it.")
settings.declare("TENCENT_STS_DURATION_SECONDS", settings.int_between(900, 43_200), 1800,
                 doc="Lifetime of COS temporary keys, in seconds (900 to 43200).")
settings.declare("TENCENT_STS_ENDPOINT", settings.http_url, "https://sts.tencentcloudapi.com",
                 doc="STS API 3.0 endpoint (the SDK's HttpProfile); the scheme picks the protocol.")
settings.declare("TENCENT_VOD_API_ENDPOINT", settings.http_url, "https://vod.tencentcloudapi.com",
                 doc="VOD API 3.0 endpoint (PullEvents / ConfirmEvents, DeleteMedia); the scheme picks the protocol.")
settings.declare("TENCENT_TIMEOUT_SECONDS", settings.int_between(1, 60), 5, doc="Timeout of each Tencent API call.")
settings.declare("TENCENT_POST_POLICY_SECONDS", settings.int_between(1, POST_POLICY_MAX_SECONDS), 600,
                 doc="Lifetime of a COS PostObject policy (at most 900 s).")
settings.declare("TENCENT_VOD_SECRET_ID", doc="SecretId of the VOD-upload-only sub-account key "
                 "(a VOD signature cannot use the role's temporary keys; see docs/uploads.md).")
settings.declare("TENCENT_VOD_SECRET_KEY", secret=True, doc="SecretKey of the VOD-upload-only sub-account key.")
settings.declare("TENCENT_VOD_SIGNATURE_SECONDS", settings.int_between(1, VOD_MAX_VALIDITY_SECONDS), 600,
                 doc="Validity of a VOD upload signature, in seconds (at most 7776000: "
                     "VOD allows up to 90 days).")
settings.declare("TENCENT_VOD_PROCEDURE", _text(200), "", doc="Task flow run after each VOD upload.")
settings.declare("TENCENT_VOD_CLASS_ID", settings.int_between(0, 2**63 - 1), 0, doc="VOD category of uploads.")
settings.declare("TENCENT_VOD_API_ENDPOINT", settings.http_url, "https://vod.tencentcloudapi.com",
                 doc="VOD API 3.0 endpoint (PullEvents / ConfirmEvents / DescribeMediaInfos); the scheme picks "
                     "the protocol.")
settings.declare("TENCENT_VOD_SUB_APP_ID", settings.int_between(0, 2**63 - 1), 0,
                 doc="VOD sub-application: uploads go to it and "
                 "tencent-vod-pull pulls its events (0 = the default application; accounts created since 2023-12-25 "
                 "need one).")
settings.declare("TENCENT_VOD_STORAGE_REGION", lambda raw: _region(raw) if raw else "", "",
                 doc="VOD storage region; empty = the account default.")
settings.declare("TENCENT_VOD_ONE_TIME_VALID", _flag, 1, doc="1 = each VOD signature works once.")
settings.declare("TENCENT_VOD_UGC_HOST", _optional_base_url, "",
                 doc="UGC upload host for clients that can be pointed elsewhere; returned as ugcHost when set "
                     "(the local stack points it at the emulator).")


@dataclass(frozen=True)
class RoleCredentials:
    """The function's execution-role keys (SCF puts them in TENCENTCLOUD_* variables)."""

    secret_id: str
    secret_key: str
    token: str


def role_credentials() -> RoleCredentials:
    """Read the execution-role keys; ConfigurationError when the function has no role."""
    names = ("TENCENTCLOUD_SECRETID", "TENCENTCLOUD_SECRETKEY", "TENCENTCLOUD_SESSIONTOKEN")
    values = [os.environ.get(name, "") for name in names]
    missing = [name for name, value in zip(names, values) if not value]
    if missing:
        raise ConfigurationError(f"{', '.join(missing)} not set: bind an execution role to the function.",
                                 code="role_credentials_missing")
    return RoleCredentials(*values)


@dataclass(frozen=True)
class CosTarget:
    """The upload bucket: full name, region, APPID and the base URL clients upload to."""

    bucket: str
    region: str
    appid: str
    base_url: str


def cos_target() -> CosTarget:
    """The configured COS bucket and where uploads go."""
    bucket, region = settings.get("TENCENT_COS_BUCKET"), settings.get("TENCENT_REGION")
    base = settings.get("TENCENT_COS_HOST") or f"https://{bucket}.cos.{region}.myqcloud.com"
    return CosTarget(bucket, region, bucket.rsplit("-", 1)[1], base)

"""The function's own Aliyun credentials: the role credentials FC injects as env vars."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping

from upvend.errors import ConfigurationError


@dataclass(frozen=True)
class AliyunCredentials:
    """An AccessKey pair, with the STS token when it is a role's temporary key."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)


def function_credentials(environ: Mapping[str, str] | None = None, context: Any = None) -> AliyunCredentials:
    """`ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET/_SECURITY_TOKEN`, else the FC 2.0 `context.credentials`."""
    env = os.environ if environ is None else environ
    key_id = env.get("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
    secret = env.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
    if key_id and secret:
        return AliyunCredentials(key_id, secret, env.get("ALIBABA_CLOUD_SECURITY_TOKEN") or None)
    creds = getattr(context, "credentials", None)
    key_id = getattr(creds, "access_key_id", None) or getattr(creds, "accessKeyId", None)
    secret = getattr(creds, "access_key_secret", None) or getattr(creds, "accessKeySecret", None)
    if key_id and secret:
        token = getattr(creds, "security_token", None) or getattr(creds, "securityToken", None)
        return AliyunCredentials(key_id, secret, token or None)
    raise ConfigurationError("No Aliyun credentials: give the function a role (ALIBABA_CLOUD_ACCESS_KEY_ID, "
                             "ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN).",
                             code="credentials_missing")

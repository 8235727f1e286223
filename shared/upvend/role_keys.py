"""Which cloud's role key the platform gave this function (FC: ALIBABA_CLOUD_*, SCF: TENCENTCLOUD_*)."""

from __future__ import annotations

import os

_PLATFORM_KEY = {"aliyun": "ALIBABA_CLOUD_ACCESS_KEY_ID", "tencent": "TENCENTCLOUD_SECRETID"}


def has_role_key(provider: str) -> bool:
    """Whether this function can call `provider`'s APIs with its own role (so sign or delete its media)."""
    return bool(os.environ.get(_PLATFORM_KEY.get(provider, "")))

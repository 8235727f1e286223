"""A template with every kind of function, written to a temporary project folder."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

FULL_TEMPLATE: dict[str, Any] = {
    "app": "upvend",
    "python": "3.10",
    "layer": {"name": "upvend-layer"},
    "defaults": {"memory": 256, "timeout": 10,
                 "env": [{"name": "UPVEND_JWT_SECRET", "secret": True}, "UPVEND_LOG_LEVEL"]},
    "functions": [
        {"name": "auth-wechat", "provider": "aliyun", "folder": "functions/auth_wechat", "handler": "index.handler",
         "env": ["UPVEND_WECHAT_APPID", {"name": "UPVEND_WECHAT_SECRET", "secret": True}],
         "http": [{"method": "POST", "path": "/auth/wechat"}]},
        {"name": "vod-upload", "provider": "aliyun", "folder": "functions/vod_upload", "handler": "index.handler",
         "memory": 512, "timeout": 15,
         "env": [{"name": "UPVEND_VOD_REGION", "value": "cn-shanghai"},
                 {"name": "UPVEND_ALIYUN_VOD_CALLBACK_KEY_PREVIOUS", "secret": True}],
         "permissions": ["sts:AssumeRole", "vod:CreateUploadVideo", "vod:RefreshUploadVideo"],
         "http": [{"method": "POST", "path": "/vod/upload"}, {"method": "GET", "path": "/vod/upload/{videoId}"}]},
        {"name": "oss-uploaded", "provider": "aliyun", "folder": "functions/oss_uploaded", "handler": "index.handler",
         "env": ["UPVEND_ALIYUN_OSS_BUCKET", "UPVEND_UPLOAD_PREFIX"],
         "trigger": {"oss": {"bucket": "${UPVEND_ALIYUN_OSS_BUCKET}", "prefix": "${UPVEND_UPLOAD_PREFIX}/",
                             "events": ["oss:ObjectCreated:PostObject", "oss:ObjectCreated:CompleteMultipartUpload"]}}},
        {"name": "auth-wechat-scf", "provider": "tencent", "folder": "functions/auth_wechat",
         "handler": "index.main_handler", "http": [{"method": "POST", "path": "/auth/wechat"}]},
        {"name": "cos-uploaded", "provider": "tencent", "folder": "functions/cos_uploaded",
         "handler": "index.main_handler", "permissions": ["cos:HeadObject"],
         "trigger": {"cos": {"bucket": "media-1250000000", "prefix": "${UPVEND_UPLOAD_PREFIX}/", "suffix": ".mp4",
                             "events": ["cos:ObjectCreated:Post", "cos:ObjectCreated:CompleteMultipartUpload"]}}},
        {"name": "vod-events", "provider": "tencent", "folder": "functions/vod_events", "handler": "index.main_handler",
         "permissions": ["vod:PullEvents", "vod:ConfirmEvents", "sts:AssumeRole"],
         "trigger": {"timer": {"every_minutes": 5}}},
        {"name": "dev-fixtures", "provider": "tencent", "folder": "functions/dev_fixtures",
         "handler": "index.main_handler", "local_only": True, "http": [{"method": "GET", "path": "/dev/fixtures"}]},
    ],
}


@pytest.fixture
def full_template() -> dict[str, Any]:
    return copy.deepcopy(FULL_TEMPLATE)


@pytest.fixture
def write_project(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    """Write `raw` as template.yaml with a stub index.py for each function folder; return the file."""

    def _write(raw: dict[str, Any]) -> Path:
        for fn in raw.get("functions", []):
            folder = tmp_path / fn["folder"]
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "index.py").write_text("def handler(event, context):\n    return {}\nmain_handler = handler\n")
        path = tmp_path / "template.yaml"
        path.write_text(yaml.safe_dump(raw, sort_keys=False))
        return path

    return _write
